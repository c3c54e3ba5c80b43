import { Type, type Static } from 'typebox';
import { DateTime } from './common.ts';

/**
 * Every action code written to a meeting's action log (GET /api/meetings/:id/actions), with who
 * and when. The client names each one in words (i18n keys `action.<code>`).
 */
export const MEETING_ACTIONS = [
	'meeting.created',
	'meeting.updated',
	'meeting.cancelled',
	'invitation.renewed',
	'invitation.revoked',
	'attachment.added',
	'attachment.removed',
	'floor.granted',
	'floor.ended',
	'floor.skipped',
	'floor.declined',
	'site.muted',
	'all.muted',
	'unmute.requested',
	'site.removed',
	'meeting.locked',
	'meeting.unlocked',
	'join.muted',
	'join.unmuted',
	'recording.paused',
	'recording.resumed',
	'recordings.deleted',
	'transcript.corrected',
	'waiting.admitted',
	'waiting.denied',
	'meeting.ended',
] as const;

export type MeetingActionCode = (typeof MEETING_ACTIONS)[number];

const known: ReadonlySet<string> = new Set(MEETING_ACTIONS);

/** Whether a logged code is one this build knows (older or newer servers may log others). */
export function isMeetingActionCode(code: string): code is MeetingActionCode {
	return known.has(code);
}

/**
 * Security events outside meetings (GET /api/audit), with who, from where and when. Sessions that
 * merely expire are not logged one by one.
 */
export const AUDIT_ACTIONS = [
	'auth.login',
	'auth.login_failed',
	'auth.logout',
	'auth.password_changed',
	'auth.password_reset_used',
	'setup.completed',
	'user.created',
	'user.updated',
	'user.disabled',
	'user.enabled',
	'user.password_reset',
	'unit.created',
	'unit.updated',
	'unit.deactivated',
	'unit.activated',
	'unit.merged',
	'units.imported',
	'recordings.deleted',
	'recordings.expired',
	'minutes.created',
	'minutes.submitted',
	'minutes.returned',
	'minutes.approved',
	'minutes.signed',
	'minutes.signed_uploaded',
	'minutes.issued',
	'minutes.restored',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One audit event. `action` is a string, not the enum: older or newer servers may log other codes. */
export const AuditEntry = Type.Object({
	id: Type.String(),
	action: Type.String(),
	at: DateTime,
	/** Who acted; null for a failed sign-in (nobody is signed in) or an account deleted since. */
	actor: Type.Union([Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() }), Type.Null()]),
	/** The actor's unit at the time. */
	unitId: Type.Union([Type.String(), Type.Null()]),
	/** The username typed at a failed sign-in, else "". */
	username: Type.String(),
	/** The client's address as the server saw it (behind a trusted proxy, the forwarded one). */
	address: Type.String(),
	/** A JSON object with the event's specifics (e.g. the account disabled), or "". */
	detail: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;

/** GET /api/audit query: a time window (both ends optional) and keyset paging, newest first. */
export const AuditQuery = Type.Object(
	{
		from: Type.Optional(DateTime),
		to: Type.Optional(DateTime),
		limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
		/** The previous page's `next`: continues after its last event. */
		cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
	},
	{ additionalProperties: false }
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditPage = Type.Object({
	events: Type.Array(AuditEntry),
	/** Pass as `cursor` for the next (older) page; null on the last page. */
	next: Type.Union([Type.String(), Type.Null()]),
});
export type AuditPage = Static<typeof AuditPage>;
