import type { RtpCapabilities, RtpParameters } from 'mediasoup-client/lib/types.js';
import { Type, type Static } from 'typebox';
import { defineNotifications, defineRequests, Empty, Id, Opaque } from './schema.ts';
import { Kind, Source } from './media.ts';

const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
const ParticipantId = Id;

/** One connected site as every participant sees it. */
export const ParticipantView = Type.Object({
	id: Type.String(),
	unitId: Type.String(),
	unitName: Type.String(),
	/** A person's name when signed in, else the unit's name. */
	displayName: Type.String(),
	host: Type.Boolean(),
	chair: Type.Boolean(),
	micMuted: Type.Boolean(),
	/** Muted by the chair: the site cannot turn its microphone on until given the floor or asked to unmute. */
	mutedByChair: Type.Boolean(),
	cameraOff: Type.Boolean(),
	audioOnly: Type.Boolean(),
	screenSharing: Type.Boolean(),
	joinedAt: Type.String(),
	producers: Type.Array(Type.Object({ id: Type.String(), kind: Kind, source: Source, paused: Type.Boolean() })),
});
export type ParticipantView = Static<typeof ParticipantView>;

export const WaitingView = Type.Object({ id: Type.String(), unitName: Type.String(), displayName: Type.String(), since: Type.String() });

/**
 * Where an invited unit (or the host unit) stands in the meeting: `present` (a site of it is in the
 * room), `waiting` (in the waiting room), `lost` (its connection dropped, or the server or its media
 * restarted, and it has not come back yet), `left` (left by itself), `removed` (by the chair; it
 * waits for admission to come back), `absent` (not joined yet).
 */
export const RosterState = Type.Union([
	Type.Literal('present'),
	Type.Literal('waiting'),
	Type.Literal('lost'),
	Type.Literal('left'),
	Type.Literal('removed'),
	Type.Literal('absent'),
]);
export type RosterState = Static<typeof RosterState>;

/** One unit of the roll call, as the chair sees it live. */
export const RosterEntry = Type.Object({
	unitId: Type.String(),
	unitName: Type.String(),
	host: Type.Boolean(),
	state: RosterState,
	/** When the unit entered this state (ISO); null while absent. */
	since: Type.Union([Type.String(), Type.Null()]),
	/** First join in this meeting (ISO), null if never joined. */
	firstJoinedAt: Type.Union([Type.String(), Type.Null()]),
	/** Times its connection dropped (lost) during the meeting. */
	disconnections: Type.Integer(),
	/** Its sites in the room now (participant ids), and in the waiting room (waiting ids). */
	participantIds: Type.Array(Type.String()),
	waitingIds: Type.Array(Type.String()),
});
export type RosterEntry = Static<typeof RosterEntry>;

/**
 * How the room receives media, set by the server: `joinMuted` communes enter with their microphone
 * muted by the chair (large meetings: they ask for the floor); `lastN` the strip of recent speakers
 * every site shows; `maxThumbnails` the most thumbnails a site may show at once (room:view), from
 * the per-site downlink budget; the gallery pages through the other sites in pages of that size
 * less the strip.
 */
export const RoomSettings = Type.Object({
	joinMuted: Type.Boolean(),
	lastN: Type.Integer({ minimum: 0 }),
	maxThumbnails: Type.Integer({ minimum: 1 }),
	downlinkKbps: Type.Integer({ minimum: 1 }),
});
export type RoomSettings = Static<typeof RoomSettings>;

/**
 * The whole room state; sent after every change. `seq` increases within one live room, `roomId`
 * names that room: after a media failure the meeting continues in a new room whose seq starts
 * again, so clients compare seq only within the same roomId.
 */
export const RoomSnapshot = Type.Object({
	roomId: Type.String(),
	seq: Type.Integer(),
	meetingId: Type.String(),
	title: Type.String(),
	locked: Type.Boolean(),
	participants: Type.Array(ParticipantView),
	/** Participant ids in the order they asked for the floor. */
	floorQueue: Type.Array(Type.Object({ participantId: Type.String(), since: Type.String() })),
	/** The participant holding the floor (granted), shown large to everyone. */
	spotlight: Type.Union([Type.String(), Type.Null()]),
	activeSpeaker: Type.Union([Type.String(), Type.Null()]),
	/** Only the chair receives the waiting room. */
	waiting: Type.Array(WaitingView),
	/** Only the chair receives the roll call: the host unit, then every invited unit, by name. */
	roster: Type.Array(RosterEntry),
	/**
	 * `enabled`: this meeting is recorded (set when scheduling); `paused`: the chair paused it. While
	 * enabled and not paused every site shows "Đang ghi hình".
	 */
	recording: Type.Object({ enabled: Type.Boolean(), paused: Type.Boolean() }),
	settings: RoomSettings,
	/** The most recent speakers (floor holders and active speakers), newest first, at most settings.lastN. */
	recentSpeakers: Type.Array(Type.String()),
});
export type RoomSnapshot = Static<typeof RoomSnapshot>;

/**
 * What changed since the previous seq, broadcast instead of the whole snapshot (at 170 sites a
 * snapshot is ~60 KB and each join would send one to everybody). Applying it is idempotent: a
 * participant or roster entry is replaced whole, a field present replaces the field. A client
 * applies a delta only on top of seq - 1 of the same roomId; on a gap it asks room:resync.
 */
export const RoomDelta = Type.Object({
	roomId: Type.String(),
	seq: Type.Integer(),
	/** Participants that joined or changed, whole. */
	participants: Type.Optional(Type.Array(ParticipantView)),
	/** Participant ids that left. */
	left: Type.Optional(Type.Array(Type.String())),
	/** Chair only: roll-call entries that changed, whole (by unitId). */
	roster: Type.Optional(Type.Array(RosterEntry)),
	/** Chair only: the roll call's units in order, when the set of units changed (entries not in it are dropped). */
	rosterOrder: Type.Optional(Type.Array(Type.String())),
	/** Chair only: the whole waiting room when it changed. */
	waiting: Type.Optional(Type.Array(WaitingView)),
	locked: Type.Optional(Type.Boolean()),
	floorQueue: Type.Optional(Type.Array(Type.Object({ participantId: Type.String(), since: Type.String() }))),
	spotlight: Type.Optional(Type.Union([Type.String(), Type.Null()])),
	activeSpeaker: Type.Optional(Type.Union([Type.String(), Type.Null()])),
	recording: Type.Optional(Type.Object({ enabled: Type.Boolean(), paused: Type.Boolean() })),
	settings: Type.Optional(RoomSettings),
	recentSpeakers: Type.Optional(Type.Array(Type.String())),
});
export type RoomDelta = Static<typeof RoomDelta>;

const Target = Type.Object({ participantId: ParticipantId }, { additionalProperties: false });

export const roomRequests = defineRequests({
	/**
	 * Joins a meeting as a site: with the signed-in session, or with a unit's invitation token.
	 * A locked meeting puts the site in the waiting room until the chair admits it.
	 */
	'room:join': {
		request: Type.Object(
			{
				meetingId: Type.Optional(Uuid),
				invitationToken: Type.Optional(Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
			},
			{ additionalProperties: false }
		),
		response: Type.Union([
			Type.Object({
				status: Type.Literal('joined'),
				participantId: Type.String(),
				routerRtpCapabilities: Opaque<RtpCapabilities>('router RTP capabilities'),
				snapshot: RoomSnapshot,
			}),
			Type.Object({ status: Type.Literal('waiting'), participantId: Type.String(), meetingTitle: Type.String() }),
		]),
	},
	'room:leave': { request: Empty, response: Empty },
	/** The site's own state: audio-only mode, camera on/off and microphone, as shown to others. */
	'room:set-state': {
		request: Type.Object(
			{ audioOnly: Type.Optional(Type.Boolean()), micMuted: Type.Optional(Type.Boolean()) },
			{ additionalProperties: false }
		),
		response: Empty,
	},
	/** Asks for the floor ("xin phát biểu"); the answer is the site's place in the queue (1 = next). */
	'floor:request': { request: Empty, response: Type.Object({ position: Type.Integer() }) },
	'floor:cancel': { request: Empty, response: Empty },
	/** Chair: give the floor (unmute + spotlight) to a site, usually the head of the queue. */
	'floor:grant': { request: Target, response: Empty },
	/** Chair: move a site that asked for the floor to the end of the queue. */
	'floor:skip': { request: Target, response: Empty },
	/** Chair: take a site off the queue without giving it the floor; the site is told (floor:declined). */
	'floor:decline': { request: Target, response: Empty },
	/** Chair: take the floor back (mute the speaker, clear the spotlight). */
	'floor:end': { request: Empty, response: Empty },
	'chair:mute': { request: Target, response: Empty },
	'chair:mute-all': { request: Empty, response: Type.Object({ muted: Type.Integer() }) },
	'chair:ask-unmute': { request: Target, response: Empty },
	'chair:remove': { request: Target, response: Empty },
	'chair:lock': { request: Type.Object({ locked: Type.Boolean() }, { additionalProperties: false }), response: Empty },
	'chair:end': { request: Empty, response: Empty },
	/** Chair: pause or resume the recording of a recorded meeting (what is paused is a gap in the recording). */
	'chair:recording': { request: Type.Object({ paused: Type.Boolean() }, { additionalProperties: false }), response: Empty },
	'waiting:admit': { request: Target, response: Empty },
	'waiting:deny': { request: Target, response: Empty },
	/** The whole room state again, after a gap in the deltas' seq. */
	'room:resync': { request: Empty, response: RoomSnapshot },
	/**
	 * The site's receive transport is ready: from now on the server creates its consumers
	 * (consumer:added) for the audio of every unmuted site and for the video of what room:view shows.
	 */
	'room:receive': {
		request: Type.Object({ rtpCapabilities: Opaque<RtpCapabilities>('receiver RTP capabilities') }, { additionalProperties: false }),
		response: Empty,
	},
	/**
	 * What the site shows: the large tile (top simulcast layer) and its thumbnails (lowest layer),
	 * in order. The server receives video for exactly these (and nothing in audio-only mode);
	 * thumbnails past settings.maxThumbnails are not received. Answers the thumbnails accepted.
	 */
	'room:view': {
		request: Type.Object(
			{ large: Type.Union([ParticipantId, Type.Null()]), thumbnails: Type.Array(ParticipantId, { maxItems: 64 }) },
			{ additionalProperties: false }
		),
		response: Type.Object({ thumbnails: Type.Array(Type.String()) }, { additionalProperties: false }),
	},
	/** Chair: communes entering from now on start muted (they ask for the floor to speak). */
	'chair:join-muted': { request: Type.Object({ joinMuted: Type.Boolean() }, { additionalProperties: false }), response: Empty },
	'producer:pause': { request: Type.Object({ producerId: Id }, { additionalProperties: false }), response: Empty },
	'producer:resume': { request: Type.Object({ producerId: Id }, { additionalProperties: false }), response: Empty },
});

export const roomNotifications = defineNotifications({
	'room:delta': RoomDelta,
	/** Volatile: the loudest site changed. */
	'room:active-speaker': Type.Object({ participantId: Type.Union([Type.String(), Type.Null()]) }),
	/** A waiting site was admitted: send room:join again. */
	'room:admitted': Type.Object({ meetingId: Type.String() }),
	/** This site is out of the meeting: denied, removed, ended, replaced by a newer window, or its access was revoked (link renewed, unit uninvited, meeting cancelled, account disabled). */
	'room:closed': Type.Object({
		reason: Type.Union([Type.Literal('denied'), Type.Literal('removed'), Type.Literal('ended'), Type.Literal('replaced'), Type.Literal('revoked')]),
	}),
	/**
	 * The server created a (paused) consumer for this site: consume it on the receive transport,
	 * then send consumer:resume. Closed again by consumer:closed (the site left the view, its
	 * microphone stayed muted, its producer closed).
	 */
	'consumer:added': Type.Object({
		consumerId: Type.String(),
		producerId: Type.String(),
		participantId: Type.String(),
		kind: Kind,
		source: Source,
		rtpParameters: Opaque<RtpParameters>('RTP parameters'),
	}),
	'consumer:closed': Type.Object({ consumerId: Type.String() }),
	/**
	 * The simulcast layers anyone receives of this site's camera: 0 when nobody shows it large,
	 * 2 when somebody does. The site stops sending the layers above (its uplink and the server's).
	 */
	'producer:layers': Type.Object({ producerId: Type.String(), maxSpatialLayer: Type.Integer({ minimum: 0, maximum: 2 }) }),
	/** The chair muted this site's microphone (server-side); the client mirrors it. */
	'chair:muted': Type.Object({}),
	'chair:unmute-requested': Type.Object({}),
	/** The chair gave this site the floor: unmute the microphone. */
	'floor:granted': Type.Object({}),
	/** The chair took this site off the floor queue without giving it the floor. */
	'floor:declined': Type.Object({}),
});
