import type { User } from '#shared/api/auth.ts';
import type { Database } from '../../db/open-database.ts';
import { userSelect } from '../accounts/users.repository.ts';

export type SessionRecord = { id: string; csrfToken: string; expiresAt: Date; user: User };

export function createSessionsRepository(db: Database) {
	return {
		async create(data: { id: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
			await db.session.create({ data, select: { id: true } });
		},
		async findActive(id: string, now: Date): Promise<SessionRecord | null> {
			const session = await db.session.findUnique({
				where: { id },
				select: { id: true, csrfToken: true, expiresAt: true, user: { select: { ...userSelect, disabled: true } } },
			});
			if (!session || session.expiresAt <= now || session.user.disabled) {
				return null;
			}
			const { disabled: _disabled, ...user } = session.user;
			return { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt, user };
		},
		async extend(id: string, expiresAt: Date, now: Date): Promise<void> {
			await db.session.updateMany({ where: { id }, data: { expiresAt, lastSeenAt: now } });
		},
		async delete(id: string): Promise<void> {
			await db.session.deleteMany({ where: { id } });
		},
		async deleteExpired(now: Date): Promise<number> {
			return (await db.session.deleteMany({ where: { expiresAt: { lte: now } } })).count;
		},
	};
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
