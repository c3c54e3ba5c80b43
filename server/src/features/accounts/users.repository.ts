import type { User, UserRole } from '#shared/api/auth.ts';
import type { UnitKind } from '#shared/api/units.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Database } from '../../db/open-database.ts';
import type { UnitLink } from '../../domain/unit-tree.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { deleteUnusedLinks } from './password-resets.repository.ts';

export const userSelect = {
	id: true,
	username: true,
	displayName: true,
	role: true,
	unit: { select: { id: true, name: true, kind: true } },
} as const;

const accountSelect = { ...userSelect, disabled: true, mustChangePassword: true, createdAt: true } as const;

/** An account as its administrators see it: the user and its state. */
export type AccountRecord = User & { disabled: boolean; mustChangePassword: boolean; createdAt: Date };

/** What an administrator needs to know of a unit an account is put in. */
export type UnitRecord = { id: string; kind: UnitKind; name: string; active: boolean };

export type NewAccount = { username: string; displayName: string; role: UserRole; unitId: string; passwordHash: string; mustChangePassword: boolean };

/**
 * Why a write was refused, found inside the transaction that would have made it (a merge, a
 * deactivation or a scheduled meeting may have come since the service looked):
 * - `unit_inactive`: the unit the account would be in (or is in, for enable) is inactive;
 * - `account_chairs_meetings`: the account would stop being a chair of its unit while it chairs a
 *   scheduled or live meeting;
 * - `last_admin`: the account is the last enabled administrator of a root unit (nobody above to
 *   get one back but the operator's command line);
 * - `username_taken`.
 */
export type AccountRefusal = 'unit_inactive' | 'account_chairs_meetings' | 'last_admin' | 'username_taken';

type Tx = Prisma.TransactionClient;

async function unitActive(tx: Tx, unitId: string): Promise<boolean> {
	return (await tx.unit.findUnique({ where: { id: unitId }, select: { active: true } }))?.active === true;
}

/** Whether the user chairs a meeting to come or under way (ended and cancelled ones are history). */
async function chairsMeetings(tx: Tx, userId: string): Promise<boolean> {
	return (await tx.meeting.count({ where: { chairId: userId, status: { in: ['scheduled', 'live'] } } })) > 0;
}

/** Whether this account is the only enabled administrator of its unit, and that unit has nobody above. */
async function lastRootAdmin(tx: Tx, user: { id: string; role: UserRole; disabled: boolean; unit: { id: string; parentId: string | null } }): Promise<boolean> {
	if (user.role !== 'admin' || user.disabled || user.unit.parentId !== null) {
		return false;
	}
	return (await tx.user.count({ where: { unitId: user.unit.id, role: 'admin', disabled: false, id: { not: user.id } } })) === 0;
}

const guardSelect = { id: true, role: true, disabled: true, unit: { select: { id: true, parentId: true } } } as const;

export function createUsersRepository(db: Database) {
	return {
		async findForLogin(username: string): Promise<(User & { passwordHash: string; disabled: boolean; mustChangePassword: boolean }) | null> {
			return db.user.findUnique({
				where: { username },
				select: { ...userSelect, passwordHash: true, disabled: true, mustChangePassword: true },
			});
		},
		async findAccount(id: string): Promise<AccountRecord | null> {
			return db.user.findUnique({ where: { id }, select: accountSelect });
		},
		async findAccountByUsername(username: string): Promise<AccountRecord | null> {
			return db.user.findUnique({ where: { username }, select: accountSelect });
		},
		/** Every account of these units, disabled ones included, in no particular order. */
		async listAccounts(unitIds: string[]): Promise<AccountRecord[]> {
			return db.user.findMany({ where: { unitId: { in: unitIds } }, select: accountSelect });
		},
		async listAdmins(): Promise<AccountRecord[]> {
			return db.user.findMany({ where: { role: 'admin' }, select: accountSelect, orderBy: { username: 'asc' } });
		},
		async listByUnit(unitId: string): Promise<User[]> {
			return db.user.findMany({ where: { unitId, disabled: false }, select: userSelect, orderBy: { username: 'asc' } });
		},
		async findUnit(id: string): Promise<UnitRecord | null> {
			return db.unit.findUnique({ where: { id }, select: { id: true, kind: true, name: true, active: true } });
		},
		/** Every unit's place in the hierarchy (a few hundred rows at most), for scope checks. */
		async listUnitTree(): Promise<UnitLink[]> {
			return db.unit.findMany({ select: { id: true, parentId: true } });
		},
		/** The new account, or why not: its unit is inactive, or the username is taken. */
		async createAccount(data: NewAccount): Promise<AccountRecord | 'unit_inactive' | 'username_taken'> {
			try {
				return await db.$transaction(async (tx) => ((await unitActive(tx, data.unitId)) ? tx.user.create({ data, select: accountSelect }) : 'unit_inactive'));
			} catch (error) {
				if (isUniqueViolation(error)) {
					return 'username_taken';
				}
				throw error;
			}
		},
		/**
		 * Display name, role or unit; refused when the new unit is inactive, when the account would
		 * stop being a chair of its unit while chairing meetings to come (the meeting keeps its
		 * chairId, and the chair's rights follow role and unit), or when it is the last
		 * administrator of a root unit.
		 */
		async updateAccount(id: string, data: { displayName?: string; role?: UserRole; unitId?: string }): Promise<AccountRecord | Exclude<AccountRefusal, 'username_taken'>> {
			return db.$transaction(async (tx) => {
				const current = await tx.user.findUniqueOrThrow({ where: { id }, select: guardSelect });
				const movesUnit = data.unitId !== undefined && data.unitId !== current.unit.id;
				if (movesUnit && !(await unitActive(tx, data.unitId!))) {
					return 'unit_inactive';
				}
				const leavesRole = (role: UserRole) => current.role === role && data.role !== undefined && data.role !== role;
				if ((movesUnit || leavesRole('chair')) && (await chairsMeetings(tx, id))) {
					return 'account_chairs_meetings';
				}
				if ((movesUnit || leavesRole('admin')) && (await lastRootAdmin(tx, current))) {
					return 'last_admin';
				}
				return tx.user.update({ where: { id }, data, select: accountSelect });
			});
		},
		async findPasswordHash(id: string): Promise<string | null> {
			return (await db.user.findUnique({ where: { id }, select: { passwordHash: true } }))?.passwordHash ?? null;
		},
		/**
		 * A new password, and whether it must be changed at sign-in. Reset links not yet used stop
		 * working: whoever set this password decided what the password is.
		 */
		async setPassword(id: string, passwordHash: string, mustChangePassword: boolean): Promise<void> {
			await db.$transaction(async (tx) => {
				await deleteUnusedLinks(tx, id);
				await tx.user.update({ where: { id }, data: { passwordHash, mustChangePassword }, select: { id: true } });
			});
		},
		/**
		 * Disabled: refused for the last administrator of a root unit; its unused reset links are
		 * deleted (enabled again within 72 hours, an old link must not come back to life).
		 */
		async disable(id: string): Promise<'last_admin' | null> {
			return db.$transaction(async (tx) => {
				if (await lastRootAdmin(tx, await tx.user.findUniqueOrThrow({ where: { id }, select: guardSelect }))) {
					return 'last_admin';
				}
				await deleteUnusedLinks(tx, id);
				await tx.user.update({ where: { id }, data: { disabled: true }, select: { id: true } });
				return null;
			});
		},
		/** Enabled again, unless its unit is inactive (what deactivating the unit refused to leave). */
		async enable(id: string): Promise<'unit_inactive' | null> {
			return db.$transaction(async (tx) => {
				const { unitId } = await tx.user.findUniqueOrThrow({ where: { id }, select: { unitId: true } });
				if (!(await unitActive(tx, unitId))) {
					return 'unit_inactive';
				}
				await tx.user.update({ where: { id }, data: { disabled: false }, select: { id: true } });
				return null;
			});
		},
	};
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
