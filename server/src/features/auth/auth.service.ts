import type { User } from '#shared/api/auth.ts';
import type { AccessEventBus, AccessEvents } from '../../domain/access-events.ts';
import { ForbiddenError, InvalidPayloadError, UnauthorizedError } from '../../lib/errors.ts';
import { hashToken, newToken } from '../../lib/secrets.ts';
import { hashPassword, verifyPassword } from '../accounts/password.ts';
import { checkPasswordPolicy } from '../accounts/password-policy.ts';
import type { UsersRepository } from '../accounts/users.repository.ts';
import type { SessionRecord, SessionsRepository } from './sessions.repository.ts';

/** A session lasts 12 hours from its last use: a working day of meetings and minutes. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// Used when the user does not exist, so that a wrong username costs the same time as a wrong password.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export type EndReason = AccessEvents['sessions:ended']['reason'];

export type AuthServiceDeps = {
	users: UsersRepository;
	sessions: SessionsRepository;
	/** Told about every session ended here, so that its sockets are disconnected. */
	events: Pick<AccessEventBus, 'publish'>;
	now?: () => Date;
};

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService({ users, sessions, events, now = () => new Date() }: AuthServiceDeps) {
	const ended = async (userId: string, sessionIds: string[], reason: EndReason): Promise<void> => {
		if (sessionIds.length > 0) {
			await events.publish('sessions:ended', { userId, sessionIds, reason });
		}
	};

	/** The active session with this stored id, sliding its expiry at most once a minute. */
	const active = async (id: string): Promise<SessionRecord | null> => {
		const current = now();
		const session = await sessions.findActive(id, current);
		if (session && session.expiresAt.getTime() - current.getTime() < SESSION_TTL_MS - 60_000) {
			session.expiresAt = new Date(current.getTime() + SESSION_TTL_MS);
			await sessions.extend(session.id, session.expiresAt, current);
		}
		return session;
	};

	/** A new session of the user; the raw token goes only into the cookie. */
	const open = async (userId: string): Promise<{ token: string; csrfToken: string }> => {
		const token = newToken();
		const csrfToken = newToken();
		await sessions.create({ id: hashToken(token), userId, csrfToken, expiresAt: new Date(now().getTime() + SESSION_TTL_MS) });
		return { token, csrfToken };
	};

	return {
		/** The unit of the account a typed username names, if any: a failed sign-in is that unit's business. */
		async unitOfUsername(username: string): Promise<string | null> {
			return (await users.findForLogin(username.trim().toLowerCase()))?.unit.id ?? null;
		},

		/** Checks the password and opens a session. */
		async login(username: string, password: string): Promise<{ token: string; csrfToken: string; user: User; mustChangePassword: boolean }> {
			const found = await users.findForLogin(username.trim().toLowerCase());
			const valid = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
			if (!found || !valid || found.disabled) {
				throw new UnauthorizedError('Wrong username or password', { reason: 'wrong_credentials' });
			}
			const { passwordHash: _hash, disabled: _disabled, mustChangePassword, ...user } = found;
			return { ...(await open(user.id)), user, mustChangePassword };
		},

		/** Signs in a user the caller has just authenticated otherwise (the first-run setup's administrator). */
		async openSession(userId: string): Promise<{ token: string; csrfToken: string }> {
			return open(userId);
		},

		/** The active session behind a cookie token. */
		async resolve(token: string | undefined): Promise<SessionRecord | null> {
			return token ? active(hashToken(token)) : null;
		},

		/** Whether the session with this stored id is still active; a socket's use keeps it alive like a request's. */
		async stillActive(sessionId: string): Promise<boolean> {
			return (await active(sessionId)) !== null;
		},

		/** Ends this session; its sockets are disconnected before this resolves. */
		async logout(session: SessionRecord): Promise<void> {
			if (await sessions.delete(session.id)) {
				await ended(session.user.id, [session.id], 'logout');
			}
		},

		/**
		 * Replaces the password after checking the current one and the policy, and ends every other
		 * session of the user: whoever learnt the old password is signed out, the browser that
		 * changed it is not. Clears mustChangePassword. Returns how many sessions ended.
		 */
		async changePassword(session: SessionRecord, currentPassword: string, newPassword: string): Promise<number> {
			// Compared as scrypt sees them (NFC), so that a differently composed "new" password is refused too.
			if (currentPassword.normalize('NFC') === newPassword.normalize('NFC')) {
				throw new InvalidPayloadError('The new password must differ from the current one', { reason: 'password_unchanged', field: 'newPassword' });
			}
			const stored = await users.findPasswordHash(session.user.id);
			if (!(await verifyPassword(currentPassword, stored ?? DUMMY_HASH)) || stored === null) {
				// Not 401: the session stands, only the password typed is wrong.
				throw new ForbiddenError('The current password is wrong', { reason: 'wrong_password', field: 'currentPassword' });
			}
			await checkPasswordPolicy(newPassword, { username: session.user.username, field: 'newPassword' });
			// Chosen by its user: a temporary password's "change it first" is satisfied.
			await users.setPassword(session.user.id, await hashPassword(newPassword), false);
			const others = await sessions.deleteOthersOf(session.user.id, session.id);
			await ended(session.user.id, others, 'password-changed');
			return others.length;
		},

		/** Ends every session of a user (account disabled or changed, password reset); returns how many there were. */
		async endSessionsOf(userId: string, reason: EndReason): Promise<number> {
			const ids = await sessions.deleteAllOf(userId);
			await ended(userId, ids, reason);
			return ids.length;
		},

		/** Deletes the sessions that expired and disconnects their sockets; returns how many there were. */
		async endExpiredSessions(): Promise<number> {
			const expired = await sessions.deleteExpired(now());
			const byUser = new Map<string, string[]>();
			for (const row of expired) {
				byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.id]);
			}
			for (const [userId, ids] of byUser) {
				await ended(userId, ids, 'expired');
			}
			return expired.length;
		},
	};
}
