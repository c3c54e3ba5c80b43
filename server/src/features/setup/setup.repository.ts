import type { User, UserRole } from '#shared/api/auth.ts';
import type { UnitKind } from '#shared/api/units.ts';
import type { Database } from '../../db/open-database.ts';
import { userSelect } from '../accounts/users.repository.ts';

export type HostUnitRow = { id: string; kind: UnitKind; name: string; authority: string; code: string | null };
export type FirstAdminRow = { username: string; displayName: string; role: UserRole; passwordHash: string; mustChangePassword: boolean };

export function createSetupRepository(db: Database) {
	return {
		async hasUnits(): Promise<boolean> {
			return (await db.unit.count()) > 0;
		},
		/**
		 * The host unit and its administrator, only while the database has no unit at all: the check
		 * and the inserts are one transaction, so of two setups at once (two browsers, or the web and
		 * the command line) one creates and the other gets null.
		 */
		async createHostAndAdmin(unit: HostUnitRow, admin: FirstAdminRow): Promise<User | null> {
			return db.$transaction(async (tx) => {
				if ((await tx.unit.count()) > 0) {
					return null;
				}
				await tx.unit.create({ data: { ...unit, parentId: null }, select: { id: true } });
				return tx.user.create({ data: { ...admin, unitId: unit.id }, select: userSelect });
			});
		},
	};
}

export type SetupRepository = ReturnType<typeof createSetupRepository>;
