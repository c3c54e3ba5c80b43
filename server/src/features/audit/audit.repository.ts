import type { AuditEntry } from '#shared/api/audit.ts';
import type { Database } from '../../db/open-database.ts';
import { subtree } from '../../domain/unit-tree.ts';

export type AuditRecord = {
	action: string;
	actorId: string | null;
	unitId: string | null;
	username: string;
	address: string;
	detail: string;
};

/** Where a page of the list starts: after this event, in newest-first order. */
export type AuditPosition = { at: Date; id: string };

export type AuditListQuery = {
	/** Events whose actor's unit is one of these. */
	unitIds: string[];
	/** Also events without a unit of this action (failed sign-ins: nobody to attribute them to); null: none of those. */
	unattributedAction: string | null;
	from: Date | null;
	to: Date | null;
	after: AuditPosition | null;
	limit: number;
};

export function createAuditRepository(db: Database) {
	return {
		/** Append-only: nothing in the application updates or deletes an audit event. */
		async append(record: AuditRecord): Promise<void> {
			await db.auditEvent.create({ data: record, select: { id: true } });
		},

		/**
		 * The unit and every unit below it, at any depth (a province, its communes, and so on), and
		 * whether the unit is a root (nobody above it: the host unit set up first).
		 */
		async scopeOf(unitId: string): Promise<{ unitIds: string[]; root: boolean }> {
			const tree = await db.unit.findMany({ select: { id: true, parentId: true } });
			return { unitIds: [...subtree(tree, unitId)], root: tree.some((unit) => unit.id === unitId && unit.parentId === null) };
		},

		/** Newest first; ties on the timestamp are ordered by id, so pages neither skip nor repeat. */
		async list(query: AuditListQuery): Promise<(AuditEntry & { atDate: Date })[]> {
			const rows = await db.auditEvent.findMany({
				where: {
					AND: [
						query.unattributedAction === null
							? { unitId: { in: query.unitIds } }
							: { OR: [{ unitId: { in: query.unitIds } }, { unitId: null, action: query.unattributedAction }] },
						query.from ? { at: { gte: query.from } } : {},
						query.to ? { at: { lt: query.to } } : {},
						query.after ? { OR: [{ at: { lt: query.after.at } }, { at: query.after.at, id: { lt: query.after.id } }] } : {},
					],
				},
				orderBy: [{ at: 'desc' }, { id: 'desc' }],
				take: query.limit,
				select: {
					id: true,
					action: true,
					at: true,
					unitId: true,
					username: true,
					address: true,
					detail: true,
					actor: { select: { id: true, username: true, displayName: true } },
				},
			});
			return rows.map(({ at, ...row }) => ({ ...row, at: at.toISOString(), atDate: at }));
		},
	};
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
