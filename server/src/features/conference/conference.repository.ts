import { AttendanceLedger, type AttendanceRow } from '../../domain/attendance-ledger.ts';
import { insertMeetingAction, type MeetingActionRecord } from '../meetings/meetings.repository.ts';
import type { Database } from '../../db/open-database.ts';
import type { RosterUnit } from './conference-roster.ts';

/** What the live roll call starts from when a room opens: the units, and the record so far. */
export type RosterBasis = {
	units: RosterUnit[];
	attendance: AttendanceRow[];
	/** The chair's removals and admissions of member units, in order (site.removed / waiting.admitted). */
	decisions: { unitId: string; action: 'site.removed' | 'waiting.admitted' }[];
};

/** What a live room needs to know of its meeting, read fresh when the room opens. */
export type LiveMeetingRow = {
	id: string;
	title: string;
	status: 'scheduled' | 'live' | 'ended' | 'cancelled';
	locked: boolean;
	joinMuted: boolean;
	recordingEnabled: boolean;
	recordingPaused: boolean;
	startedAt: Date | null;
	endsAt: Date;
};

/** The conference's durable record: attendance, the meeting's status, lock and chair actions. */
export function createConferenceRepository(db: Database) {
	return {
		async findMeeting(meetingId: string): Promise<LiveMeetingRow | null> {
			return db.meeting.findUnique({
				where: { id: meetingId },
				select: { id: true, title: true, status: true, locked: true, joinMuted: true, recordingEnabled: true, recordingPaused: true, startedAt: true, endsAt: true },
			});
		},

		/**
		 * The join and, for the first host site, the meeting going live: both or neither. False (and
		 * nothing written) when the meeting was to start but is no longer scheduled: it was
		 * cancelled meanwhile, and a cancelled meeting never comes back to life.
		 */
		async recordJoin(meetingId: string, unitId: string, at: Date, start: boolean): Promise<boolean> {
			if (!start) {
				await db.attendanceEvent.create({ data: { meetingId, unitId, kind: 'join', reason: '', at }, select: { id: true } });
				return true;
			}
			return db.$transaction(async (tx) => {
				const { count } = await tx.meeting.updateMany({ where: { id: meetingId, status: 'scheduled' }, data: { status: 'live', startedAt: at } });
				if (count !== 1) {
					return false;
				}
				await tx.attendanceEvent.create({ data: { meetingId, unitId, kind: 'join', reason: '', at }, select: { id: true } });
				return true;
			});
		},

		/**
		 * The host unit and the units invited now, plus units withdrawn after they attended (as the
		 * roll call after the meeting lists them: they were there).
		 */
		async rosterUnits(meetingId: string): Promise<RosterUnit[]> {
			const meeting = await db.meeting.findUnique({
				where: { id: meetingId },
				select: {
					hostUnit: { select: { id: true, name: true } },
					invitations: {
						where: { OR: [{ revokedAt: null }, { unit: { attendance: { some: { meetingId } } } }] },
						select: { unit: { select: { id: true, name: true } } },
					},
				},
			});
			if (!meeting) {
				return [];
			}
			return [
				{ unitId: meeting.hostUnit.id, unitName: meeting.hostUnit.name, host: true },
				...meeting.invitations.map((i) => ({ unitId: i.unit.id, unitName: i.unit.name, host: false })),
			];
		},

		async rosterBasis(meetingId: string): Promise<RosterBasis> {
			const [units, attendance, decisions] = await Promise.all([
				this.rosterUnits(meetingId),
				db.attendanceEvent.findMany({ where: { meetingId }, select: { unitId: true, kind: true, reason: true, at: true }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
				db.meetingAction.findMany({
					where: { meetingId, action: { in: ['site.removed', 'waiting.admitted'] }, targetUnitId: { not: null } },
					select: { targetUnitId: true, action: true },
					orderBy: [{ at: 'asc' }, { id: 'asc' }],
				}),
			]);
			return {
				units,
				attendance,
				decisions: decisions.map((d) => ({ unitId: d.targetUnitId ?? '', action: d.action as 'site.removed' | 'waiting.admitted' })),
			};
		},

		async recordLeave(meetingId: string, unitId: string, reason: string, at: Date): Promise<void> {
			await db.attendanceEvent.create({ data: { meetingId, unitId, kind: 'leave', reason, at }, select: { id: true } });
		},

		async addAction(meetingId: string, entry: MeetingActionRecord): Promise<void> {
			await insertMeetingAction(db, meetingId, entry);
		},

		async setLocked(meetingId: string, locked: boolean): Promise<void> {
			await db.meeting.update({ where: { id: meetingId }, data: { locked }, select: { id: true } });
		},

		async setJoinMuted(meetingId: string, joinMuted: boolean): Promise<void> {
			await db.meeting.update({ where: { id: meetingId }, data: { joinMuted }, select: { id: true } });
		},

		async setRecordingPaused(meetingId: string, paused: boolean): Promise<void> {
			await db.meeting.update({ where: { id: meetingId }, data: { recordingPaused: paused }, select: { id: true } });
		},

		/** Ends a live meeting; false when it was not live (already ended, or never started). */
		async endMeeting(meetingId: string, at: Date): Promise<boolean> {
			// A pause ends with the meeting: it is a state of the live room, not of the recording.
			const { count } = await db.meeting.updateMany({ where: { id: meetingId, status: 'live' }, data: { status: 'ended', endedAt: at, recordingPaused: false } });
			return count === 1;
		},

		async listLive(): Promise<{ id: string; endsAt: Date }[]> {
			return db.meeting.findMany({ where: { status: 'live' }, select: { id: true, endsAt: true } });
		},

		/**
		 * Sites present as far as the database knows: one entry per join not yet matched by a leave
		 * (a unit may be in twice, e.g. its chair and its secretary).
		 */
		async unitsStillPresent(meetingId: string): Promise<string[]> {
			const events = await db.attendanceEvent.findMany({
				where: { meetingId },
				select: { unitId: true, kind: true, reason: true, at: true },
				orderBy: [{ at: 'asc' }, { id: 'asc' }],
			});
			// Folded by the same rules as the roll call, so that recovery closes exactly what it shows open.
			const ledger = AttendanceLedger.from(events);
			return [...new Set(events.map((e) => e.unitId))].flatMap((unitId) => Array.from({ length: ledger.get(unitId)?.open ?? 0 }, () => unitId));
		},
	};
}

export type ConferenceRepository = ReturnType<typeof createConferenceRepository>;
