import type { User } from '#shared/api/auth.ts';
import type { Database } from '../../db/open-database.ts';

export const userSelect = {
	id: true,
	username: true,
	displayName: true,
	role: true,
	unit: { select: { id: true, name: true, kind: true } },
} as const;

export function createUsersRepository(db: Database) {
	return {
		async findForLogin(username: string): Promise<(User & { passwordHash: string; disabled: boolean }) | null> {
			return db.user.findUnique({
				where: { username },
				select: { ...userSelect, passwordHash: true, disabled: true },
			});
		},
		async listByUnit(unitId: string): Promise<User[]> {
			return db.user.findMany({ where: { unitId, disabled: false }, select: userSelect, orderBy: { username: 'asc' } });
		},
	};
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
