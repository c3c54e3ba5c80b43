import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../../server/src/features/accounts/password.ts';

describe('password hashing', () => {
	it('verifies the right password and rejects others', async () => {
		const hash = await hashPassword('Mật khẩu 123');
		expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
		expect(await verifyPassword('Mật khẩu 123', hash)).toBe(true);
		expect(await verifyPassword('Mật khẩu 124', hash)).toBe(false);
	});

	it('salts every hash', async () => {
		expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
	});

	it('treats composed and decomposed Vietnamese as the same password', async () => {
		const composed = 'Đồng Thịnh'.normalize('NFC');
		const decomposed = composed.normalize('NFD');
		expect(decomposed).not.toBe(composed);
		expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
	});

	it('rejects malformed stored hashes instead of throwing', async () => {
		expect(await verifyPassword('x', 'plain-text')).toBe(false);
		expect(await verifyPassword('x', 'scrypt$1$2')).toBe(false);
	});

	it('generates readable passwords without look-alike characters', () => {
		const password = generatePassword();
		expect(password).toHaveLength(12);
		expect(password).not.toMatch(/[0O1lI]/);
	});
});
