import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: session and CSRF tokens, reset links, the first-run setup token. */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

/**
 * How a token is stored (sessions, reset links): its SHA-256, so that a copy of the database
 * holds nothing that opens a session. The tokens carry 256 random bits: no salt or slow hash needed.
 */
export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** Compares a secret the client sent with the expected one in constant time (for equal lengths). */
export function sameSecret(a: string, b: string): boolean {
	const ba = Buffer.from(a);
	const bb = Buffer.from(b);
	return ba.length === bb.length && timingSafeEqual(ba, bb);
}
