import type { User } from '#shared/api/auth.ts';
import type { Database } from '../../db/open-database.ts';

export const userSelect = {
	id: true,
	username: true,
	displayName: true,
	role: true,
	unit: { select: { id: true, name: true, kind: true } },
} as const;

/** An account as its administrators see it: the user, whether it is disabled, and its unit's parent. */
export type AccountRecord = User & { disabled: boolean; unitParentId: string | null };

export function createUsersRepository(db: Database) {
	return {
		async findForLogin(username: string): Promise<(User & { passwordHash: string; disabled: boolean }) | null> {
			return db.user.findUnique({
				where: { username },
				select: { ...userSelect, passwordHash: true, disabled: true },
			});
		},
		async findAccount(id: string): Promise<AccountRecord | null> {
			const found = await db.user.findUnique({
				where: { id },
				select: { ...userSelect, disabled: true, unit: { select: { ...userSelect.unit.select, parentId: true } } },
			});
			if (!found) {
				return null;
			}
			const { parentId, ...unit } = found.unit;
			return { ...found, unit, unitParentId: parentId };
		},
		async listByUnit(unitId: string): Promise<User[]> {
			return db.user.findMany({ where: { unitId, disabled: false }, select: userSelect, orderBy: { username: 'asc' } });
		},
		async findPasswordHash(id: string): Promise<string | null> {
			return (await db.user.findUnique({ where: { id }, select: { passwordHash: true } }))?.passwordHash ?? null;
		},
		async setPasswordHash(id: string, passwordHash: string): Promise<void> {
			await db.user.update({ where: { id }, data: { passwordHash }, select: { id: true } });
		},
		async setDisabled(id: string, disabled: boolean): Promise<void> {
			await db.user.update({ where: { id }, data: { disabled }, select: { id: true } });
		},
	};
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
