import type { MeetingActionCode } from '#shared/api/audit.ts';
import type { Database } from '../../db/open-database.ts';

export type NewMeeting = {
	title: string;
	description: string;
	location: string;
	hostUnitId: string;
	chairId: string;
	createdById: string;
	startsAt: Date;
	endsAt: Date;
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

export type MeetingRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof createMeetingsRepository>['findDetail']>>>;

export function createMeetingsRepository(db: Database) {
	return {
		async create(meeting: NewMeeting): Promise<string> {
			const { agenda, invitations, ...fields } = meeting;
			const created = await db.meeting.create({
				data: {
					...fields,
					agendaItems: { create: agenda.map((item, position) => ({ ...item, position })) },
					invitations: { create: invitations },
				},
				select: { id: true },
			});
			return created.id;
		},

		async findDetail(id: string) {
			return db.meeting.findUnique({ where: { id }, select: detailSelect });
		},

		/** Meetings a unit hosts or is invited to (not revoked), in a time window. */
		async listForUnit(unitId: string, from: Date, to: Date) {
			return db.meeting.findMany({
				where: {
					startsAt: { lt: to },
					endsAt: { gt: from },
					OR: [{ hostUnitId: unitId }, { invitations: { some: { unitId, revokedAt: null } } }],
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

		async update(id: string, fields: { title: string; description: string; location: string; chairId: string; startsAt: Date; endsAt: Date }): Promise<void> {
			await db.meeting.update({ where: { id }, data: fields, select: { id: true } });
		},

		async replaceAgenda(meetingId: string, agenda: NewMeeting['agenda']): Promise<void> {
			await db.$transaction([
				db.agendaItem.deleteMany({ where: { meetingId } }),
				...agenda.map((item, position) => db.agendaItem.create({ data: { ...item, meetingId, position }, select: { id: true } })),
			]);
		},

		/** Invites new units (fresh), revokes units no longer wanted and re-activates re-added ones, atomically. */
		async setInvitations(meetingId: string, wantedUnitIds: string[], fresh: NewMeeting['invitations'], now: Date): Promise<void> {
			const existing = await db.invitation.findMany({ where: { meetingId }, select: { unitId: true, revokedAt: true } });
			const wanted = new Set(wantedUnitIds);
			const key = (unitId: string) => ({ meetingId_unitId: { meetingId, unitId } });
			await db.$transaction([
				...existing
					.filter((e) => wanted.has(e.unitId) !== (e.revokedAt === null))
					.map((e) => db.invitation.update({ where: key(e.unitId), data: { revokedAt: wanted.has(e.unitId) ? null : now }, select: { id: true } })),
				...fresh.map((f) => db.invitation.create({ data: { ...f, meetingId }, select: { id: true } })),
			]);
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

		async addAction(meetingId: string, actorId: string | null, action: MeetingActionCode, targetUnitId: string | null, detail: string, at: Date): Promise<void> {
			await db.meetingAction.create({ data: { meetingId, actorId, action, targetUnitId, detail, at }, select: { id: true } });
		},

		async listActions(meetingId: string) {
			return db.meetingAction.findMany({
				where: { meetingId },
				select: { action: true, targetUnitId: true, detail: true, at: true, actor: { select: { displayName: true } } },
				orderBy: [{ at: 'asc' }, { id: 'asc' }],
			});
		},

		async findChairCandidate(userId: string, hostUnitId: string): Promise<boolean> {
			return (await db.user.count({ where: { id: userId, unitId: hostUnitId, role: 'chair', disabled: false } })) === 1;
		},

		async countChildUnits(parentId: string, unitIds: string[]): Promise<number> {
			return db.unit.count({ where: { parentId, id: { in: unitIds } } });
		},
	};
}

export type MeetingsRepository = ReturnType<typeof createMeetingsRepository>;
