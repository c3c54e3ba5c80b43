import { Type, type Static } from 'typebox';
import { DateTime } from './common.ts';

/**
 * Path parameters of /api/join/:token: the same token format room:join accepts, so a link the
 * room would refuse as malformed is refused here the same way (400) before any lookup.
 */
export const JoinLinkParams = Type.Object({ token: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });
export type JoinLinkParams = Static<typeof JoinLinkParams>;

/**
 * What a valid join link opens, shown before the camera is asked for: the meeting, who hosts and
 * chairs it, and the unit the link admits ("you join as"). Only meetings that can still be joined
 * are described; an ended or cancelled one is an error with its reason.
 */
export const JoinLinkCard = Type.Object({
	meetingId: Type.String(),
	title: Type.String(),
	startsAt: DateTime,
	endsAt: DateTime,
	location: Type.String(),
	status: Type.Union([Type.Literal('scheduled'), Type.Literal('live')]),
	hostUnitName: Type.String(),
	/** The chair's name; null when the meeting has no chair (any more). */
	chairName: Type.Union([Type.String(), Type.Null()]),
	/** The invited unit the link admits. */
	unit: Type.Object({ id: Type.String(), name: Type.String() }),
});
export type JoinLinkCard = Static<typeof JoinLinkCard>;
