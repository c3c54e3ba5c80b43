import type { User } from '#shared/api/auth.ts';
import type { Database } from '../../db/open-database.ts';
import { userSelect } from '../accounts/users.repository.ts';

/** `mustChangePassword`: the user signed in with a temporary password and may only change it. */
export type SessionRecord = { id: string; csrfToken: string; expiresAt: Date; user: User; mustChangePassword: boolean };

export function createSessionsRepository(db: Database) {
	/** Deletes the sessions `where` selects and returns their ids, in one transaction. */
	const deleteReturning = (where: { userId?: string; id?: { not: string }; expiresAt?: { lte: Date } }) =>
		db.$transaction(async (tx) => {
			const rows = await tx.session.findMany({ where, select: { id: true, userId: true } });
			await tx.session.deleteMany({ where: { id: { in: rows.map((row) => row.id) } } });
			return rows;
		});

	return {
		async create(data: { id: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
			await db.session.create({ data, select: { id: true } });
		},
		async findActive(id: string, now: Date): Promise<SessionRecord | null> {
			const session = await db.session.findUnique({
				where: { id },
				select: { id: true, csrfToken: true, expiresAt: true, user: { select: { ...userSelect, disabled: true, mustChangePassword: true } } },
			});
			if (!session || session.expiresAt <= now || session.user.disabled) {
				return null;
			}
			const { disabled: _disabled, mustChangePassword, ...user } = session.user;
			return { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt, user, mustChangePassword };
		},
		async extend(id: string, expiresAt: Date, now: Date): Promise<void> {
			await db.session.updateMany({ where: { id }, data: { expiresAt, lastSeenAt: now } });
		},
		/** Whether a session was deleted (a second sign-out of the same session deletes nothing). */
		async delete(id: string): Promise<boolean> {
			return (await db.session.deleteMany({ where: { id } })).count > 0;
		},
		/** Every session of the user but `keepId`; returns the deleted ids. */
		async deleteOthersOf(userId: string, keepId: string): Promise<string[]> {
			return (await deleteReturning({ userId, id: { not: keepId } })).map((row) => row.id);
		},
		/** Every session of the user; returns the deleted ids. */
		async deleteAllOf(userId: string): Promise<string[]> {
			return (await deleteReturning({ userId })).map((row) => row.id);
		},
		/** Sessions expired by `now`, with their users, deleted. */
		async deleteExpired(now: Date): Promise<{ id: string; userId: string }[]> {
			return deleteReturning({ expiresAt: { lte: now } });
		},
	};
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
