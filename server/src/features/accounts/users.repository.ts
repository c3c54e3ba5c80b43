import type { Database } from '../../db/open-database.ts';
import type { Role, UnitKind } from '../../generated/prisma/client.ts';

/** What the rest of the server knows about a signed-in person. */
export type UserDto = {
	id: string;
	username: string;
	displayName: string;
	role: Role;
	unit: { id: string; name: string; kind: UnitKind };
};

export const userSelect = {
	id: true,
	username: true,
	displayName: true,
	role: true,
	unit: { select: { id: true, name: true, kind: true } },
} as const;

export function createUsersRepository(db: Database) {
	return {
		async findForLogin(username: string): Promise<(UserDto & { passwordHash: string; disabled: boolean }) | null> {
			return db.user.findUnique({
				where: { username },
				select: { ...userSelect, passwordHash: true, disabled: true },
			});
		},
		async listByUnit(unitId: string): Promise<UserDto[]> {
			return db.user.findMany({ where: { unitId, disabled: false }, select: userSelect, orderBy: { username: 'asc' } });
		},
	};
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
