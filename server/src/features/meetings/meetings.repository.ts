import type { MeetingActionCode } from '#shared/api/audit.ts';
import type { Database } from '../../db/open-database.ts';
import type { Prisma } from '../../generated/prisma/client.ts';

export type NewMeeting = {
	title: string;
	description: string;
	location: string;
	hostUnitId: string;
	chairId: string;
	createdById: string;
	startsAt: Date;
	endsAt: Date;
	recordingEnabled: boolean;
	joinMuted: boolean;
	agenda: { title: string; presenter: string; durationMinutes: number }[];
	invitations: { unitId: string; tokenHash: string; expiresAt: Date }[];
};

const detailSelect = {
	id: true,
	title: true,
	description: true,
	location: true,
	status: true,
	locked: true,
	recordingEnabled: true,
	joinMuted: true,
	startsAt: true,
	endsAt: true,
	startedAt: true,
	endedAt: true,
	hostUnit: { select: { id: true, name: true } },
	chair: { select: { id: true, displayName: true } },
	agendaItems: {
		select: { id: true, position: true, title: true, presenter: true, durationMinutes: true },
		orderBy: { position: 'asc' },
	},
	invitations: {
		select: { unitId: true, revokedAt: true, unit: { select: { name: true } } },
		orderBy: { unit: { name: 'asc' } },
	},
	attachments: {
		select: { id: true, originalName: true, mimeType: true, sizeBytes: true, createdAt: true },
		orderBy: { createdAt: 'asc' },
	},
} as const;

/** One line of a meeting's action log: who (and from which address) did what to whom, when. */
export type MeetingActionRecord = {
	actorId: string | null;
	address: string;
	action: MeetingActionCode;
	targetUnitId: string | null;
	detail: string;
	at: Date;
};

/** The one writer of the action log, for this repository and the conference's. */
export async function insertMeetingAction(db: Pick<Database, 'meetingAction'>, meetingId: string, entry: MeetingActionRecord): Promise<void> {
	await db.meetingAction.create({ data: { meetingId, ...entry }, select: { id: true } });
}

/**
 * Whether every one of `unitIds` is an active unit directly below `hostUnitId`, read in the writing
 * transaction: a unit merged or deactivated after the service's check is not invited.
 */
async function allInvitable(tx: Prisma.TransactionClient, hostUnitId: string, unitIds: string[]): Promise<boolean> {
	return (await tx.unit.count({ where: { id: { in: unitIds }, parentId: hostUnitId, active: true } })) === new Set(unitIds).size;
}

/** Why a write of invitations was refused. */
export type InvitationRefusal = 'unit_inactive';

export type MeetingRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof createMeetingsRepository>['findDetail']>>>;

export function createMeetingsRepository(db: Database) {
	return {
		/** The new meeting's id, or unit_inactive (nothing written) when an invited unit is no longer active. */
		async create(meeting: NewMeeting): Promise<{ id: string } | InvitationRefusal> {
			const { agenda, invitations, ...fields } = meeting;
			return db.$transaction(async (tx) => {
				if (!(await allInvitable(tx, fields.hostUnitId, invitations.map((i) => i.unitId)))) {
					return 'unit_inactive';
				}
				return tx.meeting.create({
					data: {
						...fields,
						agendaItems: { create: agenda.map((item, position) => ({ ...item, position })) },
						invitations: { create: invitations },
					},
					select: { id: true },
				});
			});
		},

		async findDetail(id: string) {
			return db.meeting.findUnique({ where: { id }, select: detailSelect });
		},

		/**
		 * Meetings a unit hosts or is invited to (not revoked), in a time window. `unitIds`: the unit
		 * and the units merged into it, whose history is listed as its own.
		 */
		async listForUnit(unitIds: string[], from: Date, to: Date) {
			return db.meeting.findMany({
				where: {
					startsAt: { lt: to },
					endsAt: { gt: from },
					OR: [{ hostUnitId: { in: unitIds } }, { invitations: { some: { unitId: { in: unitIds }, revokedAt: null } } }],
				},
				select: {
					id: true,
					title: true,
					description: true,
					location: true,
					status: true,
					startsAt: true,
					endsAt: true,
					updatedAt: true,
					hostUnit: { select: { id: true, name: true } },
					agendaItems: { select: { title: true, presenter: true, durationMinutes: true }, orderBy: { position: 'asc' } },
					_count: { select: { invitations: { where: { revokedAt: null } } } },
				},
				orderBy: { startsAt: 'asc' },
			});
		},

		/**
		 * Replaces a scheduled or live meeting's details, agenda and invitations, with its action-log
		 * lines, in one transaction; 'closed' (nothing written) if the meeting is no longer open to
		 * change, 'unit_inactive' (nothing written) if a unit of `invitedUnitIds`, every unit invited
		 * after the change, is no longer active.
		 * `issued` are fresh links for units invited now or again (a withdrawn unit's row gets the new
		 * token, so its old link stays dead); the remaining links' expiry follows the new end.
		 */
		async replaceMeeting(
			meetingId: string,
			change: {
				fields: { title: string; description: string; location: string; chairId: string; startsAt: Date; endsAt: Date; recordingEnabled: boolean; joinMuted: boolean };
				agenda: NewMeeting['agenda'];
				invitedUnitIds: string[];
				issued: NewMeeting['invitations'];
				withdrawn: string[];
				linksExpireAt: Date;
				actions: MeetingActionRecord[];
				now: Date;
			}
		): Promise<'stored' | 'closed' | InvitationRefusal> {
			return db.$transaction(async (tx) => {
				const meeting = await tx.meeting.findUnique({ where: { id: meetingId }, select: { hostUnitId: true } });
				if (!meeting) {
					return 'closed';
				}
				if (!(await allInvitable(tx, meeting.hostUnitId, change.invitedUnitIds))) {
					return 'unit_inactive';
				}
				// Recording is set before the start only: a meeting that went live meanwhile keeps its setting.
				const { count } = await tx.meeting.updateMany({
					where: { id: meetingId, OR: [{ status: 'scheduled' }, { status: 'live', recordingEnabled: change.fields.recordingEnabled }] },
					data: change.fields,
				});
				if (count === 0) {
					return 'closed';
				}
				await tx.agendaItem.deleteMany({ where: { meetingId } });
				for (const [position, item] of change.agenda.entries()) {
					await tx.agendaItem.create({ data: { ...item, meetingId, position }, select: { id: true } });
				}
				await tx.invitation.updateMany({ where: { meetingId, revokedAt: null }, data: { expiresAt: change.linksExpireAt } });
				await tx.invitation.updateMany({ where: { meetingId, unitId: { in: change.withdrawn }, revokedAt: null }, data: { revokedAt: change.now } });
				for (const fresh of change.issued) {
					await tx.invitation.upsert({
						where: { meetingId_unitId: { meetingId, unitId: fresh.unitId } },
						create: { ...fresh, meetingId },
						update: { tokenHash: fresh.tokenHash, expiresAt: fresh.expiresAt, revokedAt: null },
						select: { id: true },
					});
				}
				for (const entry of change.actions) {
					await insertMeetingAction(tx, meetingId, entry);
				}
				return 'stored';
			});
		},

		async renewInvitationToken(meetingId: string, unitId: string, tokenHash: string, expiresAt: Date): Promise<boolean> {
			const result = await db.invitation.updateMany({ where: { meetingId, unitId, revokedAt: null }, data: { tokenHash, expiresAt } });
			return result.count === 1;
		},

		async findInvitationByTokenHash(tokenHash: string) {
			return db.invitation.findUnique({
				where: { tokenHash },
				select: { meetingId: true, unitId: true, expiresAt: true, revokedAt: true, unit: { select: { name: true } } },
			});
		},

		/** Cancels the meeting unless it went live; false if it did. */
		async cancelUnlessLive(id: string): Promise<boolean> {
			const { count } = await db.meeting.updateMany({ where: { id, status: { not: 'live' } }, data: { status: 'cancelled' } });
			return count === 1;
		},

		async listAttendance(meetingId: string) {
			return db.attendanceEvent.findMany({
				where: { meetingId },
				select: { unitId: true, kind: true, reason: true, at: true, unit: { select: { name: true } } },
				orderBy: [{ at: 'asc' }, { id: 'asc' }],
			});
		},

		async addAction(meetingId: string, entry: MeetingActionRecord): Promise<void> {
			await insertMeetingAction(db, meetingId, entry);
		},

		async listActions(meetingId: string) {
			return db.meetingAction.findMany({
				where: { meetingId },
				select: { action: true, targetUnitId: true, detail: true, address: true, at: true, actor: { select: { displayName: true } } },
				orderBy: [{ at: 'asc' }, { id: 'asc' }],
			});
		},

		async findChairCandidate(userId: string, hostUnitId: string): Promise<boolean> {
			return (await db.user.count({ where: { id: userId, unitId: hostUnitId, role: 'chair', disabled: false } })) === 1;
		},

		/** How many of `unitIds` are units directly below `parentId`, and how many of those are active. */
		async countChildUnits(parentId: string, unitIds: string[]): Promise<{ children: number; active: number }> {
			const rows = await db.unit.findMany({ where: { parentId, id: { in: unitIds } }, select: { active: true } });
			return { children: rows.length, active: rows.filter((r) => r.active).length };
		},

		/** The units merged into `unitId`, directly or through another merged unit (their meetings are its history). */
		async findMergedUnitIds(unitId: string): Promise<string[]> {
			const found: string[] = [];
			for (let level = [unitId]; level.length > 0; ) {
				const rows = await db.unit.findMany({ where: { mergedIntoId: { in: level } }, select: { id: true } });
				level = rows.map((r) => r.id).filter((id) => id !== unitId && !found.includes(id));
				found.push(...level);
			}
			return found;
		},
	};
}

export type MeetingsRepository = ReturnType<typeof createMeetingsRepository>;
