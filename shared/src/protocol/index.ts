import type { Static, TSchema } from 'typebox';
import type { Ack } from './ack.ts';
import { echoTestRequests } from './echo-test.ts';
import { mediaNotifications, mediaRequests } from './media.ts';
import { meetingWatchNotifications, meetingWatchRequests } from './meeting-watch.ts';
import { minutesNotifications, minutesRequests } from './minutes.ts';
import { roomNotifications, roomRequests } from './room.ts';
import { systemNotifications } from './system.ts';

export * from './ack.ts';
export { Direction, Kind, Source } from './media.ts';
export type { ParticipantView, RoomDelta, RoomSettings, RoomSnapshot, RosterEntry, RosterState } from './room.ts';

/**
 * Sent in the socket.io handshake `auth`; the server refuses other versions, so a page left open
 * across an upgrade is told to reload. 2: csrfToken in the handshake, `mutedByChair`, close reason
 * `revoked`. 3: the snapshot's `recording`, `chair:recording`, `meeting:watch`.
 * 5: minutes co-editing (`minutes:*`). 6: server-made consumers (`room:receive`, `room:view`,
 * `consumer:added`, `producer:layers`), `room:delta`, `room:resync`, the snapshot's settings and
 * recent speakers, `chair:join-muted`.
 */
export const PROTOCOL_VERSION = 6;

/** Every client→server event: a request schema and the schema of its ack data. */
export const clientRequests = { ...mediaRequests, ...echoTestRequests, ...roomRequests, ...meetingWatchRequests, ...minutesRequests };

/** Every server→client notification (fire and forget). */
export const serverNotifications = { ...mediaNotifications, ...systemNotifications, ...roomNotifications, ...meetingWatchNotifications, ...minutesNotifications };

export type RequestName = keyof typeof clientRequests;
export type RequestOf<K extends RequestName> = Static<(typeof clientRequests)[K]['request']>;
export type ResponseOf<K extends RequestName> = Static<(typeof clientRequests)[K]['response']>;
export type NotificationName = keyof typeof serverNotifications;
export type NotificationOf<K extends NotificationName> = Static<(typeof serverNotifications)[K]>;

export type ClientToServerEvents = {
	[K in RequestName]: (payload: RequestOf<K>, ack: (response: Ack<ResponseOf<K>>) => void) => void;
};

export type ServerToClientEvents = {
	[K in NotificationName]: (payload: NotificationOf<K>) => void;
};

export type HandshakeAuth = {
	protocolVersion: number;
	/**
	 * The CSRF token of the session whose cookie goes with the handshake (from the sign-in reply or
	 * GET /api/auth/session). Without it, or with another one, the socket is anonymous: a page of
	 * another origin that gets the browser to send the cookie cannot act as the user.
	 */
	csrfToken?: string;
};

/** Event names are public API: lower-case noun:verb (checked by a unit test). */
export const EVENT_NAME_PATTERN = /^[a-z-]+:[a-z-]+$/;

export type { TSchema };
