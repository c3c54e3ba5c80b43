import type {
	DtlsParameters,
	IceCandidate,
	IceParameters,
	MediaKind,
	RtpCapabilities,
	RtpParameters,
} from 'mediasoup-client/lib/types.js';
import { Type } from 'typebox';
import { defineNotifications, defineRequests, Empty, Id, Opaque } from './schema.ts';

/** A peer has at most one transport per direction, so transports are named by direction. */
export const Direction = Type.Union([Type.Literal('send'), Type.Literal('recv')]);

export const Kind = Type.Unsafe<MediaKind>(Type.Union([Type.Literal('audio'), Type.Literal('video')]));

/** What a producer carries; the chair's layout and the recorder tell sites apart by it. */
export const Source = Type.Union([Type.Literal('microphone'), Type.Literal('camera'), Type.Literal('screen')]);

const TransportOptions = Type.Object(
	{
		id: Type.String(),
		iceParameters: Opaque<IceParameters>('ICE parameters'),
		iceCandidates: Type.Unsafe<IceCandidate[]>(Type.Array(Type.Object({}, { additionalProperties: true }))),
		dtlsParameters: Opaque<DtlsParameters>('DTLS parameters'),
	},
	{ additionalProperties: false }
);

export const mediaRequests = defineRequests({
	/** Creates this peer's WebRTC transport for one direction (replacing an older one). */
	'transport:create': {
		request: Type.Object({ direction: Direction }, { additionalProperties: false }),
		response: TransportOptions,
	},
	/** Completes the DTLS handshake parameters of a transport created by transport:create. */
	'transport:connect': {
		request: Type.Object(
			{ direction: Direction, dtlsParameters: Opaque<DtlsParameters>('DTLS parameters') },
			{ additionalProperties: false }
		),
		response: Empty,
	},
	/** Restarts ICE after the browser reports the connection disconnected or failed. */
	'transport:restart-ice': {
		request: Type.Object({ direction: Direction }, { additionalProperties: false }),
		response: Type.Object({ iceParameters: Opaque<IceParameters>('ICE parameters') }, { additionalProperties: false }),
	},
	/** Starts sending a track on the send transport; `paused`: created paused (a muted microphone). */
	'producer:create': {
		request: Type.Object(
			{ kind: Kind, source: Source, rtpParameters: Opaque<RtpParameters>('RTP parameters'), paused: Type.Optional(Type.Boolean()) },
			{ additionalProperties: false }
		),
		response: Type.Object({ producerId: Type.String() }, { additionalProperties: false }),
	},
	'producer:close': {
		request: Type.Object({ producerId: Id }, { additionalProperties: false }),
		response: Empty,
	},
	/** Creates a paused consumer; the client resumes it with consumer:resume once it is ready. */
	'consumer:create': {
		request: Type.Object(
			{ producerId: Id, rtpCapabilities: Opaque<RtpCapabilities>('receiver RTP capabilities') },
			{ additionalProperties: false }
		),
		response: Type.Object(
			{
				consumerId: Type.String(),
				producerId: Type.String(),
				kind: Kind,
				rtpParameters: Opaque<RtpParameters>('RTP parameters'),
			},
			{ additionalProperties: false }
		),
	},
	'consumer:resume': {
		request: Type.Object({ consumerId: Id }, { additionalProperties: false }),
		response: Empty,
	},
});

export const mediaNotifications = defineNotifications({
	/** The server closed this peer's media (its worker died or the session ended); rejoin to continue. */
	'media:closed': Type.Object({ reason: Type.String() }),
});
