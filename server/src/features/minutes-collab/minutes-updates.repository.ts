import type { MinutesStatus, MinutesVersionKind, MinutesVersionView } from '#shared/api/minutes.ts';
import type { Database } from '../../db/open-database.ts';

/** Why an update was not stored. */
export type AppendRefusal = 'not_found' | 'not_editable';

/** What loading one minutes' document needs: the newest checkpoint and every update after it. */
export type StoredLog = {
	status: MinutesStatus;
	seq: number;
	checkpoint: { seq: number; state: Uint8Array } | null;
	updates: { seq: number; update: Uint8Array }[];
	/** The newest version's seq and time, for spacing the periodic versions. */
	lastVersion: { seq: number; at: Date } | null;
};

export type NewVersion = {
	minutesId: string;
	kind: MinutesVersionKind;
	seq: number;
	state: Uint8Array;
	content: string;
	sha256: string;
	comment: string;
	createdById: string | null;
};

/** A copy Prisma accepts as Bytes (it wants an ArrayBuffer-backed array; Yjs and Buffer may give others). */
function bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
	return new Uint8Array(data);
}

/** Checkpoints kept per minutes: the newest loads; one older stays in case the newest is being written. */
const CHECKPOINTS_KEPT = 2;

/** Interactive transactions queue behind each other on the one connection; typing must not time out there. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 };

const versionSelect = {
	id: true,
	kind: true,
	seq: true,
	sha256: true,
	comment: true,
	createdAt: true,
	createdBy: { select: { id: true, displayName: true } },
} as const;

function versionView(row: { id: string; kind: string; seq: number; sha256: string; comment: string; createdAt: Date; createdBy: { id: string; displayName: string } | null }): MinutesVersionView {
	return {
		id: row.id,
		// Written only by freezeVersion from MinutesVersionKind.
		kind: row.kind as MinutesVersionKind,
		seq: row.seq,
		sha256: row.sha256,
		comment: row.comment,
		createdBy: row.createdBy ? { id: row.createdBy.id, displayName: row.createdBy.displayName } : null,
		createdAt: row.createdAt.toISOString(),
	};
}

/**
 * The minutes' Yjs update log, checkpoints and frozen versions. The log is append-only: an update
 * is numbered and stored in one transaction before anyone is told of it, and nothing here ever
 * changes or removes a stored update.
 */
export function createMinutesUpdatesRepository(db: Database) {
	return {
		/**
		 * Stores one update as the next seq, only while the minutes are a draft. The first statement
		 * writes (the seq bump, guarded by the status), so the transaction holds the write lock from
		 * its start and a workflow step committed before it is seen: an update never lands after
		 * the submission that froze the draft.
		 */
		async appendUpdate(minutesId: string, update: Uint8Array, userId: string | null): Promise<{ seq: number } | { refused: AppendRefusal }> {
			return db.$transaction(async (tx) => {
				const { count } = await tx.minutes.updateMany({ where: { id: minutesId, status: 'draft' }, data: { seq: { increment: 1 } } });
				if (count === 0) {
					const row = await tx.minutes.findUnique({ where: { id: minutesId }, select: { id: true } });
					return { refused: row ? 'not_editable' : 'not_found' } as const;
				}
				const { seq } = await tx.minutes.findUniqueOrThrow({ where: { id: minutesId }, select: { seq: true } });
				await tx.minutesUpdate.create({ data: { minutesId, seq, update: bytes(update), userId }, select: { seq: true } });
				return { seq };
			}, TX_OPTIONS);
		},

		async load(minutesId: string): Promise<StoredLog | null> {
			const minutes = await db.minutes.findUnique({ where: { id: minutesId }, select: { status: true, seq: true } });
			if (!minutes) {
				return null;
			}
			const checkpoint = await db.minutesCheckpoint.findFirst({ where: { minutesId }, orderBy: { seq: 'desc' }, select: { seq: true, state: true } });
			const updates = await db.minutesUpdate.findMany({
				where: { minutesId, seq: { gt: checkpoint?.seq ?? 0 } },
				orderBy: { seq: 'asc' },
				select: { seq: true, update: true },
			});
			const version = await db.minutesVersion.findFirst({ where: { minutesId }, orderBy: { createdAt: 'desc' }, select: { seq: true, createdAt: true } });
			return {
				status: minutes.status,
				seq: minutes.seq,
				checkpoint,
				updates,
				lastVersion: version ? { seq: version.seq, at: version.createdAt } : null,
			};
		},

		async status(minutesId: string): Promise<MinutesStatus | null> {
			const row = await db.minutes.findUnique({ where: { id: minutesId }, select: { status: true } });
			return row?.status ?? null;
		},

		/** Stores the whole state up to `seq` and drops checkpoints older than the ones kept. */
		async saveCheckpoint(minutesId: string, seq: number, state: Uint8Array): Promise<void> {
			await db.minutesCheckpoint.upsert({ where: { minutesId_seq: { minutesId, seq } }, create: { minutesId, seq, state: bytes(state) }, update: {}, select: { seq: true } });
			const kept = await db.minutesCheckpoint.findMany({ where: { minutesId }, orderBy: { seq: 'desc' }, take: CHECKPOINTS_KEPT, select: { seq: true } });
			const oldest = kept.at(-1);
			if (kept.length === CHECKPOINTS_KEPT && oldest) {
				await db.minutesCheckpoint.deleteMany({ where: { minutesId, seq: { lt: oldest.seq } } });
			}
		},

		async createVersion(version: NewVersion): Promise<MinutesVersionView> {
			const row = await db.minutesVersion.create({ data: { ...version, state: bytes(version.state) }, select: versionSelect });
			return versionView(row);
		},

		async listVersions(minutesId: string): Promise<MinutesVersionView[]> {
			const rows = await db.minutesVersion.findMany({ where: { minutesId }, orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }], select: versionSelect });
			return rows.map(versionView);
		},

		async getVersion(minutesId: string, versionId: string): Promise<{ version: MinutesVersionView; content: string } | null> {
			const row = await db.minutesVersion.findFirst({ where: { id: versionId, minutesId }, select: { ...versionSelect, content: true } });
			return row ? { version: versionView(row), content: row.content } : null;
		},

		/** The stored updates from `fromSeq` on (tests and audits: what the log holds). */
		async updatesSince(minutesId: string, fromSeq: number): Promise<{ seq: number; update: Uint8Array; userId: string | null }[]> {
			return db.minutesUpdate.findMany({ where: { minutesId, seq: { gte: fromSeq } }, orderBy: { seq: 'asc' }, select: { seq: true, update: true, userId: true } });
		},
	};
}

export type MinutesUpdatesRepository = ReturnType<typeof createMinutesUpdatesRepository>;
