import { Type } from 'typebox';
import { defineNotifications, defineRequests, Empty } from './schema.ts';

const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
/**
 * A Yjs update or state vector, base64. Socket messages are capped at 64 KiB, so anything larger
 * (initial load, a big paste) goes over HTTP: GET /api/minutes/:id/state, POST /api/minutes/:id/updates.
 */
const Base64 = Type.String({ maxLength: 48 * 1024, pattern: '^[A-Za-z0-9+/]*={0,2}$' });

/**
 * Co-editing the minutes: a small Yjs provider on the app's own socket (cookie session, CSRF-bound
 * handshake, reconnection). An update is acknowledged only after it is stored.
 */
export const minutesRequests = defineRequests({
	/**
	 * Open one minutes for editing or reading (a socket follows at most one). The reply carries the
	 * server's state vector and seq; the client then sends what the server lacks and fetches what
	 * it lacks (small diffs inline in `update`, else `update` is null and the client GETs the state).
	 */
	'minutes:join': {
		request: Type.Object({ minutesId: Uuid, stateVector: Base64 }, { additionalProperties: false }),
		response: Type.Object({
			seq: Type.Integer(),
			stateVector: Type.String(),
			update: Type.Union([Type.String(), Type.Null()]),
			canEdit: Type.Boolean(),
			status: Type.String(),
		}),
	},
	'minutes:leave': { request: Empty, response: Empty },
	/** A batch of local edits (Y.mergeUpdates of the queue); acked with the seq it was stored as. */
	'minutes:update': {
		request: Type.Object({ minutesId: Uuid, update: Base64 }, { additionalProperties: false }),
		response: Type.Object({ seq: Type.Integer() }),
	},
	/** Presence (y-protocols awareness update): who is editing which field; not stored. */
	'minutes:awareness': {
		request: Type.Object({ minutesId: Uuid, update: Base64 }, { additionalProperties: false }),
		response: Empty,
	},
});

export const minutesNotifications = defineNotifications({
	/** Another editor's stored update. */
	'minutes:updated': Type.Object({ minutesId: Type.String(), seq: Type.Integer(), update: Type.String() }),
	'minutes:awareness': Type.Object({ minutesId: Type.String(), update: Type.String() }),
	/** The workflow moved (submitted, returned, approved, …): editors reload the view, maybe read-only. */
	'minutes:status': Type.Object({ minutesId: Type.String(), status: Type.String() }),
});
