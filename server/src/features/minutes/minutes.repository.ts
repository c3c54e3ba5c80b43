import type { MinutesStatus } from '#shared/api/minutes.ts';
import type { Database } from '../../db/open-database.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';

const minutesSelect = {
	id: true,
	meetingId: true,
	status: true,
	seq: true,
	returnComment: true,
	createdAt: true,
	updatedAt: true,
	meeting: { select: { id: true, title: true, hostUnitId: true, chairId: true, startedAt: true, invitations: { where: { revokedAt: null }, select: { unitId: true } } } },
	document: { select: { id: true, number: true, symbol: true } },
	files: { orderBy: { createdAt: 'asc' }, select: { id: true, kind: true, fileName: true, sizeBytes: true, sha256: true, createdAt: true } },
} as const;

export type MinutesRow = NonNullable<Awaited<ReturnType<ReturnType<typeof createMinutesRepository>['findById']>>>;

/** The minutes rows and their workflow state (the Yjs update log is the collab feature's). */
export function createMinutesRepository(db: Database) {
	return {
		findById(id: string) {
			return db.minutes.findUnique({ where: { id }, select: minutesSelect });
		},

		findByMeeting(meetingId: string) {
			return db.minutes.findUnique({ where: { meetingId }, select: minutesSelect });
		},

		meetingFacts(meetingId: string) {
			return db.meeting.findUnique({
				where: { id: meetingId },
				select: { id: true, hostUnitId: true, chairId: true, startedAt: true, status: true, invitations: { where: { revokedAt: null }, select: { unitId: true } } },
			});
		},

		/**
		 * The minutes row to draft into; null when the meeting already has minutes (the unique key
		 * answers a race too). A row left without its draft (a crash between the two writes) is
		 * taken again rather than blocking the meeting's minutes for good.
		 */
		async create(meetingId: string): Promise<{ id: string } | null> {
			try {
				return await db.minutes.create({ data: { meetingId }, select: { id: true } });
			} catch (error) {
				if (isUniqueViolation(error)) {
					return db.minutes.findFirst({ where: { meetingId, seq: 0, versions: { none: {} } }, select: { id: true } });
				}
				throw error;
			}
		},

		/** The few facts access needs, for the check co-editing makes on every batch of edits. */
		accessFacts(id: string) {
			return db.minutes.findUnique({
				where: { id },
				select: { status: true, meeting: { select: { hostUnitId: true, chairId: true, invitations: { where: { revokedAt: null }, select: { unitId: true } } } } },
			});
		},

		/** Removes minutes whose draft could not be stored (nothing else points at them yet). */
		async removeEmpty(id: string): Promise<void> {
			await db.minutes.deleteMany({ where: { id, seq: 0 } });
		},

		/**
		 * Moves the workflow only from the expected step: two chairs approving at once, or an
		 * approval racing a return, leave exactly one winner (false for the other).
		 */
		async transition(id: string, from: MinutesStatus, to: MinutesStatus, options: { returnComment?: string; seq?: number } = {}): Promise<boolean> {
			const { returnComment, seq } = options;
			const { count } = await db.minutes.updateMany({
				// With `seq`: only if no edit was stored since (an approval must bind the content it rendered).
				where: { id, status: from, ...(seq !== undefined ? { seq } : {}) },
				data: { status: to, ...(returnComment !== undefined ? { returnComment } : {}) },
			});
			return count === 1;
		},

		/** Inside the document store's issuing transaction: the number is kept only if the minutes were still signed. */
		async markIssued(tx: Prisma.TransactionClient, id: string): Promise<boolean> {
			const { count } = await tx.minutes.updateMany({ where: { id, status: 'signed' }, data: { status: 'issued' } });
			return count === 1;
		},
	};
}

export type MinutesRepository = ReturnType<typeof createMinutesRepository>;
