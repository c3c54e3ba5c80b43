import { Type } from 'typebox';
import { defineNotifications, defineRequests, Empty } from './schema.ts';

const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

/**
 * The meeting page (outside the room) follows its meeting's background work: the server says what
 * changed and the page fetches it again over HTTP, where access is checked as for any read.
 */
export const meetingWatchRequests = defineRequests({
	/** Follow one meeting (a socket follows at most one; watching another stops the first). */
	'meeting:watch': { request: Type.Object({ meetingId: Uuid }, { additionalProperties: false }), response: Empty },
	'meeting:unwatch': { request: Empty, response: Empty },
});

export const meetingWatchNotifications = defineNotifications({
	/**
	 * jobs: a job started, progressed, finished or failed; transcript: segments were added or
	 * corrected; recordings: files were added or deleted, or the chair paused or resumed the
	 * recording; meeting: the meeting started or ended; attendance: a site joined or left.
	 */
	'meeting:updated': Type.Object({
		meetingId: Type.String(),
		what: Type.Union([Type.Literal('jobs'), Type.Literal('transcript'), Type.Literal('recordings'), Type.Literal('meeting'), Type.Literal('attendance')]),
	}),
});
