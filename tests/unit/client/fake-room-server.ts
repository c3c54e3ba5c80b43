import type { RtpCapabilities, RtpParameters } from 'mediasoup-client/lib/types.js';
import type { FakeParameters } from 'mediasoup-client/lib/handlers/FakeHandler.js';
import type { Ack, ErrorCode, ParticipantView, RoomSnapshot } from '../../../shared/src/protocol/index.ts';

/**
 * What RoomClient needs of a browser and a server, in memory: fake media parameters for
 * mediasoup-client's FakeHandler, fake local tracks, and a socket whose requests a test answers
 * (at once, later through a deferred, or never, so that the client's request timeout fires).
 */

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');

const routerCapabilities: RtpCapabilities = {
	codecs: [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
		{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
	],
	headerExtensions: [],
};

/** The "browser" side: what FakeHandler reports as native capabilities and local DTLS parameters. */
export const fakeParameters: FakeParameters = {
	generateNativeRtpCapabilities: () => ({
		codecs: [
			{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
			{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
		],
		headerExtensions: [],
	}),
	generateNativeSctpCapabilities: () => ({ numStreams: { OS: 1024, MIS: 1024 } }),
	generateLocalDtlsParameters: () => ({ role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: FINGERPRINT }] }),
};

export function transportOptions(id: string) {
	return {
		id,
		iceParameters: { usernameFragment: `ufrag-${id}`, password: `password-${id}`, iceLite: true },
		iceCandidates: [{ foundation: 'udp', ip: '127.0.0.1', port: 40000, priority: 1015, protocol: 'udp' as const, type: 'host' as const }],
		dtlsParameters: { role: 'auto' as const, fingerprints: [{ algorithm: 'sha-256' as const, value: FINGERPRINT }] },
	};
}

const audioRtpParameters: RtpParameters = {
	codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
	encodings: [{ ssrc: 11111111 }],
	headerExtensions: [],
	rtcp: { cname: 'remote', reducedSize: true, mux: true },
};

const videoRtpParameters: RtpParameters = {
	codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
	encodings: [{ ssrc: 22222222 }],
	headerExtensions: [],
	rtcp: { cname: 'remote', reducedSize: true, mux: true },
};

/**
 * The consumer:added the server pushes for one producer of another site: ids "<join>-consumer-<producer>",
 * so that a test can tell which join's peer it was made for.
 */
export function consumerAdded(join: number, participantId: string, source: 'microphone' | 'camera' | 'screen', producerId = `${participantId}-${source}`) {
	const kind = source === 'microphone' ? 'audio' : 'video';
	return {
		consumerId: `${join}-consumer-${producerId}`,
		producerId,
		participantId,
		kind,
		source,
		rtpParameters: kind === 'audio' ? audioRtpParameters : videoRtpParameters,
	} as const;
}

const ARRIVAL = ['me', 'other', 'third', 'fourth'];

export function participant(id: string, producers: ParticipantView['producers'] = []): ParticipantView {
	return {
		id,
		unitId: `unit-${id}`,
		unitName: `Xã ${id}`,
		displayName: `Xã ${id}`,
		host: false,
		chair: false,
		micMuted: false,
		mutedByChair: false,
		cameraOff: false,
		audioOnly: false,
		screenSharing: false,
		// Rooms list participants by arrival (joinedAt): the tests' sites arrive in this order.
		joinedAt: `2025-01-01T00:00:0${ARRIVAL.includes(id) ? ARRIVAL.indexOf(id) : 9}.000Z`,
		producers,
	};
}

/** A room with this site (me) and one other site sending its microphone. */
export function snapshot(seq: number): RoomSnapshot {
	return {
		roomId: 'room-1',
		seq,
		meetingId: 'meeting-1',
		title: 'Giao ban tuần',
		locked: false,
		participants: [participant('me', []), participant('other', [{ id: 'other-microphone', kind: 'audio', source: 'microphone', paused: false }])],
		floorQueue: [],
		spotlight: null,
		activeSpeaker: null,
		waiting: [],
		roster: [],
		recording: { enabled: true, paused: false },
		settings: { joinMuted: false, lastN: 4, maxThumbnails: 9, downlinkKbps: 4000 },
		recentSpeakers: [],
	};
}

export function fakeLocalStream(): MediaStream {
	const track = (kind: 'audio' | 'video') =>
		({
			id: `local-${kind}`,
			kind,
			enabled: true,
			readyState: 'live',
			addEventListener: () => undefined,
			removeEventListener: () => undefined,
			stop: () => undefined,
		}) as unknown as MediaStreamTrack;
	const audio = track('audio');
	const video = track('video');
	return { getAudioTracks: () => [audio], getVideoTracks: () => [video] } as unknown as MediaStream;
}

export type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void };

export function deferred<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

type Answer = Ack<unknown> | Promise<Ack<unknown>>;
type Payload = Record<string, unknown>;
/** Answers one request; `join` is the number of the room:join this request follows (1 = the first). */
type Handler = (payload: Payload, join: number) => Answer;

export const ok = (data: unknown): Ack<unknown> => ({ ok: true, data });
export const fail = (code: ErrorCode, message = `${code} from the fake server`): Ack<unknown> => ({ ok: false, error: { code, message } });
/** A request the server never answers: the client's request timeout ends it. */
export const never = (): Promise<Ack<unknown>> => new Promise(() => undefined);

/**
 * The parts of socket.io-client's Socket that RoomClient and request() use, with a scripted
 * server behind: every request is recorded, and transports get ids "<join>-<direction>" so that
 * a test can tell which join created them.
 */
export class FakeSocket {
	connected = true;
	readonly requests: { event: string; payload: Payload; join: number }[] = [];
	joins = 0;
	/** Producers made so far: each gets an id of its own, as a camera produced again does on the server. */
	#produced = 0;
	readonly #handlers = new Map<string, Handler>();
	readonly #listeners = new Map<string, Set<(payload: unknown) => void>>();

	constructor() {
		this.answer('room:join', (_, join) => this.joined(join));
		this.answer('transport:create', ({ direction }, join) => ok(transportOptions(`${join}-${String(direction)}`)));
		this.answer('producer:create', ({ source }, join) => ok({ producerId: `${join}-${String(source)}-${++this.#produced}` }));
		// Like the server, the consumers of a site's receive transport come as soon as it says it is ready
		// (here even before the answer): the other site's microphone.
		this.answer('room:receive', (_, join) => {
			this.push('consumer:added', consumerAdded(join, 'other', 'microphone'));
			return ok({});
		});
		this.answer('room:view', ({ thumbnails }) => ok({ thumbnails }));
		this.answer('transport:restart-ice', ({ direction }, join) => ok({ iceParameters: transportOptions(`${join}-${String(direction)}-restarted`).iceParameters }));
	}

	/** The server's usual answer to a room:join: joined, with the room's snapshot. */
	joined(join: number): Ack<unknown> {
		return ok({ status: 'joined', participantId: 'me', routerRtpCapabilities: routerCapabilities, snapshot: snapshot(join) });
	}

	/** Scripts the server's answer to one event (requests without a script are answered { ok: true, data: {} }). */
	answer(event: string, handler: Handler): void {
		this.#handlers.set(event, handler);
	}

	sent(event: string): Payload[] {
		return this.requests.filter((r) => r.event === event).map((r) => r.payload);
	}

	on(event: string, listener: (payload: unknown) => void): this {
		let listeners = this.#listeners.get(event);
		if (!listeners) {
			listeners = new Set();
			this.#listeners.set(event, listeners);
		}
		listeners.add(listener);
		return this;
	}

	off(event: string, listener: (payload: unknown) => void): this {
		this.#listeners.get(event)?.delete(listener);
		return this;
	}

	listenerCount(): number {
		return [...this.#listeners.values()].reduce((n, set) => n + set.size, 0);
	}

	timeout(ms: number): { emitWithAck: (event: string, payload: Payload) => Promise<Ack<unknown>> } {
		return { emitWithAck: (event, payload) => this.#request(event, payload, ms) };
	}

	/** A server→client notification, or socket.io's own 'connect' and 'disconnect'. */
	push(event: string, payload?: unknown): void {
		for (const listener of [...(this.#listeners.get(event) ?? [])]) {
			listener(payload);
		}
	}

	drop(): void {
		this.connected = false;
		this.push('disconnect', 'transport close');
	}

	reconnect(): void {
		this.connected = true;
		this.push('connect');
	}

	#request(event: string, payload: Payload, ms: number): Promise<Ack<unknown>> {
		if (event === 'room:join') {
			this.joins += 1;
		}
		const join = this.joins;
		this.requests.push({ event, payload, join });
		const handler = this.#handlers.get(event) ?? (() => ok({}));
		return new Promise((resolve, reject) => {
			// Like socket.io's timeout(): the ack promise rejects when no answer comes in time.
			const timer = setTimeout(() => reject(new Error('operation has timed out')), ms);
			void Promise.resolve(handler(payload, join)).then((answer) => {
				clearTimeout(timer);
				resolve(answer);
			});
		});
	}
}
