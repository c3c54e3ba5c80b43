import { describe, expect, it } from 'vitest';
import { en } from '../../../client/src/i18n/en.ts';
import { vi } from '../../../client/src/i18n/vi.ts';
import { ERROR_CODES, ERROR_REASONS } from '../../../shared/src/protocol/index.ts';

/**
 * Every cause the server can send has a sentence in both locales, and the Vietnamese one is really
 * Vietnamese: a missing or copied entry would put English (or a key) in front of a commune operator.
 */
describe('error messages', () => {
	const keys = [...ERROR_CODES.map((code) => `errors.code.${code}`), 'errors.code.network', ...ERROR_REASONS.map((reason) => `errors.reason.${reason}`)];
	const catalogs = { vi: vi as Record<string, string>, en: en as Record<string, string> };

	it.each(keys)('%s has a Vietnamese and an English sentence that differ', (key) => {
		const viText = catalogs.vi[key];
		const enText = catalogs.en[key];
		expect(viText, `vi ${key}`).toBeTypeOf('string');
		expect(enText, `en ${key}`).toBeTypeOf('string');
		expect(viText!.trim().length).toBeGreaterThan(5);
		expect(enText!.trim().length).toBeGreaterThan(5);
		expect(viText).not.toBe(enText);
		// Written in Vietnamese: at least one letter with a Vietnamese diacritic.
		expect(viText).toMatch(/[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i);
		// No placeholder: useErrorText passes no parameters.
		expect(viText).not.toMatch(/\{\w+\}/);
		expect(enText).not.toMatch(/\{\w+\}/);
	});

	it('both locales have the same error keys', () => {
		const errorKeys = (catalog: Record<string, string>) => Object.keys(catalog).filter((k) => k.startsWith('errors.')).sort();
		expect(errorKeys(catalogs.vi)).toEqual(errorKeys(catalogs.en));
		expect(errorKeys(catalogs.vi)).toEqual(expect.arrayContaining(keys));
	});
});
