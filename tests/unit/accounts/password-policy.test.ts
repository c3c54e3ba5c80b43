import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from '../../../server/src/features/accounts/password-policy.ts';

async function reasonFor(password: string, username = 'dongthinh'): Promise<string | null> {
	try {
		await checkPasswordPolicy(password, { username, field: 'newPassword' });
		return null;
	} catch (error) {
		expect(error).toMatchObject({ code: 'invalid_payload', field: 'newPassword' });
		return (error as { reason: string }).reason;
	}
}

describe('password policy', () => {
	it('refuses passwords shorter than ten characters, counted as a person types them', async () => {
		expect(await reasonFor('Ngắn-9chữ')).toBe('password_too_short');
		// Ten letters once composed, even when sent decomposed (more UTF-16 units, same characters).
		expect(await reasonFor('Đồng Thịnh'.normalize('NFD'))).toBe(null);
	});

	it('refuses the breach lists’ common passwords, whatever the case and with digits or symbols appended', async () => {
		// Each is in zxcvbn-ts's passwords-common list, as such or as its stem.
		for (const common of ['password123', 'PASSWORD123', 'qwertyuiop', 'Matkhau123', 'Matkhau@2025!', 'Iloveyou2024', 'superman1234']) {
			expect(await reasonFor(common), common).toBe('password_common');
		}
		// A stem shorter than four characters is not looked up: "abc" + digits is long random digits.
		expect(await reasonFor('abc9081726354')).toBe(null);
	});

	it('refuses a password containing the username, in any case', async () => {
		expect(await reasonFor('Xa-DongThinh-2026')).toBe('password_contains_username');
		expect(await reasonFor('nhu-thuy-mot-hai', 'ab')).toBe(null);
	});

	it('accepts a long passphrase', async () => {
		expect(await reasonFor('hội trường tầng hai')).toBe(null);
		expect(await reasonFor('mot-mat-khau-moi')).toBe(null);
	});
});
