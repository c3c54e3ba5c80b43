import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { User } from '#shared/api/auth.ts';
import { UnauthorizedError } from '../../lib/errors.ts';
import { verifyPassword } from '../accounts/password.ts';
import type { UsersRepository } from '../accounts/users.repository.ts';
import type { SessionRecord, SessionsRepository } from './sessions.repository.ts';

/** A session lasts 12 hours from its last use: a working day of meetings and minutes. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// Used when the user does not exist, so that a wrong username costs the same time as a wrong password.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export function sameSecret(a: string, b: string): boolean {
	const ba = Buffer.from(a);
	const bb = Buffer.from(b);
	return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(users: UsersRepository, sessions: SessionsRepository, now: () => Date = () => new Date()) {
	return {
		/** Checks the password and opens a session; the raw token goes only into the cookie. */
		async login(username: string, password: string): Promise<{ token: string; csrfToken: string; user: User }> {
			const found = await users.findForLogin(username.trim().toLowerCase());
			const valid = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
			if (!found || !valid || found.disabled) {
				throw new UnauthorizedError('Wrong username or password');
			}
			const token = newToken();
			const csrfToken = newToken();
			await sessions.create({ id: hashToken(token), userId: found.id, csrfToken, expiresAt: new Date(now().getTime() + SESSION_TTL_MS) });
			const { passwordHash: _hash, disabled: _disabled, ...user } = found;
			return { token, csrfToken, user };
		},

		/** The active session behind a cookie token, sliding its expiry at most once a minute. */
		async resolve(token: string | undefined): Promise<SessionRecord | null> {
			if (!token) {
				return null;
			}
			const current = now();
			const session = await sessions.findActive(hashToken(token), current);
			if (session && session.expiresAt.getTime() - current.getTime() < SESSION_TTL_MS - 60_000) {
				session.expiresAt = new Date(current.getTime() + SESSION_TTL_MS);
				await sessions.extend(session.id, session.expiresAt, current);
			}
			return session;
		},

		async logout(token: string | undefined): Promise<void> {
			if (token) {
				await sessions.delete(hashToken(token));
			}
		},
	};
}
