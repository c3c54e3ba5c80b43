import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt with N=2^15, r=8: about 100 ms and 32 MiB per hash here, OWASP's minimum for scrypt.
const PARAMS = { N: 32768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: 128 * 1024 * 1024 }, (error, key) => {
			if (error) {
				reject(error);
			} else {
				resolve(key);
			}
		});
	});
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, PARAMS);
	return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, key] = stored.split('$');
	if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) {
		return false;
	}
	const expected = Buffer.from(key, 'base64url');
	const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
	return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Length of the passwords the server makes up (new accounts, resets): about 81 bits from this alphabet. */
export const TEMPORARY_PASSWORD_LENGTH = 14;

/** A password a person can type from a printed sheet: no look-alike characters, uniformly random. */
export function generatePassword(length = 12): string {
	const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
	// randomInt, not a byte modulo the alphabet's 56 letters: that would favour the first 32.
	return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}
