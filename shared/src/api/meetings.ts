import { Type, type Static } from 'typebox';
import { Chair } from './accounts.ts';
import { Attachment } from './attachments.ts';
import { DateTime, Uuid } from './common.ts';

const UnitId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' });

/** Path parameters of /api/meetings/:id and the routes below it. */
export const MeetingParams = Type.Object({ id: Uuid });

/** Path parameters of /api/meetings/:id/invitations/:unitId/link. */
export const InvitationParams = Type.Object({ id: Uuid, unitId: Type.String({ maxLength: 64 }) });

/** Query of the meeting list and the unit calendar; defaults: from 30 days ago, to 400 days after from. */
export const DateRange = Type.Object({
	from: Type.Optional(DateTime),
	to: Type.Optional(DateTime),
});

export const AgendaItemInput = Type.Object(
	{
		title: Type.String({ minLength: 1, maxLength: 300 }),
		presenter: Type.String({ maxLength: 200 }),
		durationMinutes: Type.Integer({ minimum: 1, maximum: 480 }),
	},
	{ additionalProperties: false }
);

export const MeetingInput = Type.Object(
	{
		title: Type.String({ minLength: 1, maxLength: 200 }),
		description: Type.String({ maxLength: 5000 }),
		location: Type.String({ maxLength: 200 }),
		startsAt: DateTime,
		endsAt: DateTime,
		chairId: Uuid,
		agenda: Type.Array(AgendaItemInput, { maxItems: 50 }),
		// A province invites up to about 170 communes, wards and special zones.
		invitedUnitIds: Type.Array(UnitId, { maxItems: 250, uniqueItems: true }),
		/** Record every site's tracks while live (default true); cannot change once the meeting has started. */
		recordingEnabled: Type.Optional(Type.Boolean()),
		/**
		 * Communes enter muted by the chair and ask for the floor to speak (large meetings). Default:
		 * on when 30 or more units are invited (create), unchanged (update). The chair may change it live.
		 */
		joinMuted: Type.Optional(Type.Boolean()),
	},
	{ additionalProperties: false }
);
export type MeetingInput = Static<typeof MeetingInput>;

/** From this many invited units a meeting is large: communes enter muted unless the organiser says otherwise. */
export const JOIN_MUTED_FROM_UNITS = 30;

export const MeetingStatus = Type.Union([Type.Literal('scheduled'), Type.Literal('live'), Type.Literal('ended'), Type.Literal('cancelled')]);

export const MeetingSummary = Type.Object({
	id: Type.String(),
	title: Type.String(),
	location: Type.String(),
	status: MeetingStatus,
	startsAt: DateTime,
	endsAt: DateTime,
	hostUnit: Type.Object({ id: Type.String(), name: Type.String() }),
	invitedCount: Type.Integer(),
});
export type MeetingSummary = Static<typeof MeetingSummary>;

export const MeetingDetail = Type.Object({
	id: Type.String(),
	title: Type.String(),
	description: Type.String(),
	location: Type.String(),
	status: MeetingStatus,
	locked: Type.Boolean(),
	recordingEnabled: Type.Boolean(),
	joinMuted: Type.Boolean(),
	startsAt: DateTime,
	endsAt: DateTime,
	startedAt: Type.Union([DateTime, Type.Null()]),
	endedAt: Type.Union([DateTime, Type.Null()]),
	hostUnit: Type.Object({ id: Type.String(), name: Type.String() }),
	chair: Type.Union([Chair, Type.Null()]),
	agenda: Type.Array(
		Type.Object({
			id: Type.String(),
			position: Type.Integer(),
			title: Type.String(),
			presenter: Type.String(),
			durationMinutes: Type.Integer(),
		})
	),
	invitations: Type.Array(Type.Object({ unitId: Type.String(), unitName: Type.String(), revoked: Type.Boolean() })),
	attachments: Type.Array(Attachment),
	permissions: Type.Object({ manage: Type.Boolean(), moderate: Type.Boolean(), join: Type.Boolean() }),
});
export type MeetingDetail = Static<typeof MeetingDetail>;

/** A unit's join link: the token is shown only when it is created or renewed. */
export const JoinLink = Type.Object({ unitId: Type.String(), unitName: Type.String(), url: Type.String() });
export type JoinLink = Static<typeof JoinLink>;

/** Reply of scheduling or editing a meeting: links only for newly invited units. */
export const MeetingWithLinks = Type.Object({ meeting: MeetingDetail, joinLinks: Type.Array(JoinLink) });
export type MeetingWithLinks = Static<typeof MeetingWithLinks>;

/** Why a site left a live meeting, as recorded in its attendance. */
export const LEAVE_REASONS = ['left', 'disconnected', 'removed', 'replaced', 'ended', 'media-failure', 'server-restart', 'revoked'] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];

export const AttendanceEntry = Type.Object({
	unitId: Type.String(),
	unitName: Type.String(),
	kind: Type.Union([Type.Literal('join'), Type.Literal('leave')]),
	/** One of LEAVE_REASONS for a leave, empty for a join. */
	reason: Type.String(),
	at: DateTime,
});
export type AttendanceEntry = Static<typeof AttendanceEntry>;

/**
 * One unit's roll call (điểm danh) of a meeting, folded from its attendance: whether it attended,
 * when it first joined and last left, the time any of its sites was in the room, and how often its
 * connection dropped. Also served as CSV (`/roll-call.csv`).
 */
export const RollCallEntry = Type.Object({
	unitId: Type.String(),
	unitName: Type.String(),
	host: Type.Boolean(),
	present: Type.Boolean(),
	firstJoinedAt: Type.Union([DateTime, Type.Null()]),
	/** Null while a site of the unit is still in the room, or if it never joined. */
	lastLeftAt: Type.Union([DateTime, Type.Null()]),
	/** Whole minutes (rounded) during which at least one site of the unit was in the room. */
	attendedMinutes: Type.Integer(),
	disconnections: Type.Integer(),
});
export type RollCallEntry = Static<typeof RollCallEntry>;

export const MeetingActionEntry = Type.Object({
	/** One of MEETING_ACTIONS (shared/src/api/audit.ts); kept a plain string so that readers tolerate codes they do not know. */
	action: Type.String(),
	actor: Type.Union([Type.String(), Type.Null()]),
	targetUnitId: Type.Union([Type.String(), Type.Null()]),
	detail: Type.String(),
	/** The network address the action came from ("" when the server acted by itself). */
	address: Type.String(),
	at: DateTime,
});
export type MeetingActionEntry = Static<typeof MeetingActionEntry>;
