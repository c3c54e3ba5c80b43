import type { HostUnit, ManagedUnit, UnitKind } from '#shared/api/units.ts';
import type { Database } from '../../db/open-database.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';

const managedSelect = {
	id: true,
	kind: true,
	name: true,
	authority: true,
	code: true,
	parentId: true,
	active: true,
	mergedIntoId: true,
	createdAt: true,
	mergedFrom: { select: { id: true }, orderBy: { id: 'asc' } },
	_count: { select: { users: true } },
} as const;

type ManagedRow = Prisma.UnitGetPayload<{ select: typeof managedSelect }>;

function toManaged({ mergedFrom, _count, createdAt, ...unit }: ManagedRow): ManagedUnit {
	return { ...unit, mergedFromIds: mergedFrom.map((u) => u.id), accountCount: _count.users, createdAt: createdAt.toISOString() };
}

export type NewUnit = { id: string; parentId: string; kind: UnitKind; name: string; authority: string; code: string | null };
export type UnitChange = { kind?: UnitKind; name?: string; authority?: string; code?: string | null };

/**
 * A write refused: the code is another unit's or (a race) the id was just taken, both by a unique
 * index; or the name is an active sibling's, checked in the writing transaction.
 */
export type UniqueConflict = { conflict: 'code' | 'id' | 'name' };

/** Two names are the same name when their keys are equal (see domain/unit-names.ts nameKey). */
export type NameKey = (name: string) => string;

export type ActivateOutcome = 'activated' | 'unchanged' | 'merged' | 'parent_inactive' | 'name_taken';

/** What keeps a unit in use: it cannot be deactivated while any of these is above zero. */
export type UnitUse = { enabledAccounts: number; openInvitations: number; activeChildren: number };

export type MergeOutcome =
	| { refused: 'live'; meetingIds: string[] }
	| { refused: 'changed' }
	| {
			refused: null;
			/** Accounts of the sources, now of the target. */
			movedUserIds: string[];
			/** Of those, the administrators, now viewers: the target's administrators did not choose them. */
			demotedUserIds: string[];
			/** Invitations of the sources to meetings not yet held that now invite the target (same row, same link). */
			moved: { meetingId: string; fromUnitId: string }[];
			/** Source invitations revoked because the target was already invited to that meeting. */
			revoked: { meetingId: string; unitId: string }[];
	  };

export function createUnitsRepository(db: Database) {
	async function conflictOf(error: unknown, code: string | null | undefined): Promise<UniqueConflict> {
		if (!isUniqueViolation(error)) {
			throw error;
		}
		const owner = code ? await db.unit.findUnique({ where: { code }, select: { id: true } }) : null;
		return { conflict: owner ? 'code' : 'id' };
	}

	/** Whether `name` is an active unit's below `parentId` (other than `exceptId`), inside `tx`. */
	async function nameTakenIn(tx: Prisma.TransactionClient, parentId: string | null, name: string, nameKey: NameKey, exceptId?: string): Promise<boolean> {
		const key = nameKey(name);
		const siblings = await tx.unit.findMany({ where: { parentId, active: true, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { name: true } });
		return siblings.some((s) => nameKey(s.name) === key);
	}

	return {
		/** The host unit (the one unit without a parent, of any level) and its active member units. */
		async findHostUnit(): Promise<HostUnit | null> {
			const host = await db.unit.findFirst({
				where: { parentId: null },
				orderBy: { createdAt: 'asc' },
				select: {
					id: true,
					kind: true,
					name: true,
					authority: true,
					children: { where: { active: true }, select: { id: true, kind: true, name: true } },
				},
			});
			if (!host) {
				return null;
			}
			const { children, ...rest } = host;
			// SQLite orders by code point ("Đ" after "Z"); Vietnamese readers expect dictionary order.
			return { ...rest, members: children.sort((a, b) => a.name.localeCompare(b.name, 'vi')) };
		},

		/** Every unit's place in the tree (a deployment has a few hundred units at most). */
		async listTree(): Promise<{ id: string; parentId: string | null }[]> {
			return db.unit.findMany({ select: { id: true, parentId: true } });
		},

		async listManaged(ids: string[]): Promise<ManagedUnit[]> {
			return (await db.unit.findMany({ where: { id: { in: ids } }, select: managedSelect })).map(toManaged);
		},

		async findManaged(id: string): Promise<ManagedUnit | null> {
			const row = await db.unit.findUnique({ where: { id }, select: managedSelect });
			return row ? toManaged(row) : null;
		},

		/** Names of the active units directly below `parentId` (the root units when null), but `exceptId`. */
		async activeSiblingNames(parentId: string | null, exceptId?: string): Promise<string[]> {
			const rows = await db.unit.findMany({ where: { parentId, active: true, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { name: true } });
			return rows.map((r) => r.name);
		},

		async allCodes(): Promise<string[]> {
			const rows = await db.unit.findMany({ where: { code: { not: null } }, select: { code: true } });
			return rows.flatMap((r) => (r.code === null ? [] : [r.code]));
		},

		async allIds(): Promise<string[]> {
			return (await db.unit.findMany({ select: { id: true } })).map((r) => r.id);
		},

		/** Creates the unit unless its name is an active sibling's by then (checked in the same transaction). */
		async create(unit: NewUnit, nameKey: NameKey): Promise<ManagedUnit | UniqueConflict> {
			try {
				return await db.$transaction(async (tx): Promise<ManagedUnit | UniqueConflict> => {
					if (await nameTakenIn(tx, unit.parentId, unit.name, nameKey)) {
						return { conflict: 'name' };
					}
					return toManaged(await tx.unit.create({ data: unit, select: managedSelect }));
				});
			} catch (error) {
				return conflictOf(error, unit.code);
			}
		},

		/**
		 * Changes the unit; a new name of an active unit is checked against its active siblings in
		 * the same transaction (a name that differs only in case or spacing from its own is no change).
		 */
		async update(id: string, change: UnitChange, nameKey: NameKey): Promise<ManagedUnit | UniqueConflict> {
			try {
				return await db.$transaction(async (tx): Promise<ManagedUnit | UniqueConflict> => {
					if (change.name !== undefined) {
						const current = await tx.unit.findUniqueOrThrow({ where: { id }, select: { parentId: true, active: true, name: true } });
						if (current.active && nameKey(change.name) !== nameKey(current.name) && (await nameTakenIn(tx, current.parentId, change.name, nameKey, id))) {
							return { conflict: 'name' };
						}
					}
					return toManaged(await tx.unit.update({ where: { id }, data: change, select: managedSelect }));
				});
			} catch (error) {
				return conflictOf(error, change.code);
			}
		},

		/** Deactivates the unit unless something still uses it (checked in the same transaction); returns the use found. */
		async deactivateUnlessInUse(id: string): Promise<UnitUse | null> {
			return db.$transaction(async (tx) => {
				const use: UnitUse = {
					enabledAccounts: await tx.user.count({ where: { unitId: id, disabled: false } }),
					openInvitations: await tx.invitation.count({ where: { unitId: id, revokedAt: null, meeting: { status: { in: ['scheduled', 'live'] } } } }),
					activeChildren: await tx.unit.count({ where: { parentId: id, active: true } }),
				};
				if (use.enabledAccounts + use.openInvitations + use.activeChildren > 0) {
					return use;
				}
				await tx.unit.update({ where: { id }, data: { active: false }, select: { id: true } });
				return null;
			});
		},

		/**
		 * Activates the unit unless (checked in the same transaction) it was merged, its parent is
		 * inactive, or an active sibling has its name by now.
		 */
		async activate(id: string, nameKey: NameKey): Promise<ActivateOutcome> {
			return db.$transaction(async (tx): Promise<ActivateOutcome> => {
				const unit = await tx.unit.findUniqueOrThrow({ where: { id }, select: { parentId: true, name: true, active: true, mergedIntoId: true, parent: { select: { active: true } } } });
				if (unit.mergedIntoId !== null) {
					return 'merged';
				}
				if (unit.active) {
					return 'unchanged';
				}
				if (unit.parent && !unit.parent.active) {
					return 'parent_inactive';
				}
				if (await nameTakenIn(tx, unit.parentId, unit.name, nameKey, id)) {
					return 'name_taken';
				}
				await tx.unit.update({ where: { id }, data: { active: true }, select: { id: true } });
				return 'activated';
			});
		},

		/**
		 * Merges `sourceIds` into `targetId` in one transaction: the sources become inactive and
		 * point at the target, their users move to it, and their invitations to meetings not yet
		 * held invite the target instead (the row itself moves, so the link already sent keeps
		 * working, now for the target; where the target is invited already, the source's is revoked).
		 * Past meetings and attendance keep the source ids. Refused while a source sits in a live
		 * meeting, or if a source changed since the caller checked it.
		 */
		async merge(targetId: string, parentId: string, sourceIds: string[], now: Date): Promise<MergeOutcome> {
			return db.$transaction(async (tx): Promise<MergeOutcome> => {
				const live = await tx.invitation.findMany({
					where: { unitId: { in: sourceIds }, revokedAt: null, meeting: { status: 'live' } },
					select: { meetingId: true },
				});
				if (live.length > 0) {
					return { refused: 'live', meetingIds: [...new Set(live.map((i) => i.meetingId))] };
				}
				const { count } = await tx.unit.updateMany({
					where: { id: { in: sourceIds }, parentId, active: true, mergedIntoId: null },
					data: { active: false, mergedIntoId: targetId },
				});
				if (count !== sourceIds.length) {
					// Throwing rolls the transaction back: a source was merged or deactivated meanwhile.
					throw new MergeChanged();
				}
				const open = await tx.invitation.findMany({
					where: { unitId: { in: sourceIds }, revokedAt: null, meeting: { status: 'scheduled' } },
					select: { id: true, meetingId: true, unitId: true },
					orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
				});
				const moved: { meetingId: string; fromUnitId: string }[] = [];
				const revoked: { meetingId: string; unitId: string }[] = [];
				for (const invitation of open) {
					const existing = await tx.invitation.findUnique({ where: { meetingId_unitId: { meetingId: invitation.meetingId, unitId: targetId } }, select: { id: true, revokedAt: true } });
					if (existing?.revokedAt === null) {
						await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: now }, select: { id: true } });
						revoked.push({ meetingId: invitation.meetingId, unitId: invitation.unitId });
						continue;
					}
					if (existing) {
						// The target's own link was withdrawn; withdrawn links never work again, so its row goes.
						await tx.invitation.delete({ where: { id: existing.id }, select: { id: true } });
					}
					await tx.invitation.update({ where: { id: invitation.id }, data: { unitId: targetId }, select: { id: true } });
					moved.push({ meetingId: invitation.meetingId, fromUnitId: invitation.unitId });
				}
				const movedUsers = await tx.user.findMany({ where: { unitId: { in: sourceIds } }, select: { id: true, role: true } });
				await tx.user.updateMany({ where: { unitId: { in: sourceIds }, role: 'admin' }, data: { role: 'viewer' } });
				await tx.user.updateMany({ where: { unitId: { in: sourceIds } }, data: { unitId: targetId } });
				return {
					refused: null,
					movedUserIds: movedUsers.map((u) => u.id),
					demotedUserIds: movedUsers.filter((u) => u.role === 'admin').map((u) => u.id),
					moved,
					revoked,
				};
			}).catch((error: unknown): MergeOutcome => {
				if (error instanceof MergeChanged) {
					return { refused: 'changed' };
				}
				throw error;
			});
		},

		/**
		 * Creates the units in one transaction, unless (checked inside it) a code is taken or a name
		 * is one of the parent's active units' by then: the preview may be minutes old.
		 */
		async createMany(parentId: string, units: Omit<NewUnit, 'id' | 'parentId'>[], nameKey: NameKey, idFor: (name: string, taken: Set<string>) => string): Promise<number | 'conflict'> {
			return db.$transaction(async (tx) => {
				const codes = units.flatMap((u) => (u.code === null ? [] : [u.code]));
				const takenCode = await tx.unit.count({ where: { code: { in: codes } } });
				const siblings = await tx.unit.findMany({ where: { parentId, active: true }, select: { name: true } });
				const names = new Set(siblings.map((s) => nameKey(s.name)));
				if (takenCode > 0 || units.some((u) => names.has(nameKey(u.name)))) {
					return 'conflict';
				}
				const taken = new Set((await tx.unit.findMany({ select: { id: true } })).map((u) => u.id));
				for (const unit of units) {
					const id = idFor(unit.name, taken);
					taken.add(id);
					await tx.unit.create({ data: { ...unit, id, parentId }, select: { id: true } });
				}
				return units.length;
			});
		},
	};
}

class MergeChanged extends Error {}

export type UnitsRepository = ReturnType<typeof createUnitsRepository>;
