/**
 * Every action code written to a meeting's action log (GET /api/meetings/:id/actions), with who
 * and when. The client names each one in words (i18n keys `action.<code>`).
 */
export const MEETING_ACTIONS = [
	'meeting.created',
	'meeting.updated',
	'meeting.cancelled',
	'invitation.renewed',
	'attachment.added',
	'attachment.removed',
	'floor.granted',
	'floor.ended',
	'site.muted',
	'all.muted',
	'unmute.requested',
	'site.removed',
	'meeting.locked',
	'meeting.unlocked',
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
