import type {
	Consumer,
	DtlsParameters,
	MediaKind,
	PlainTransport,
	Producer,
	Router,
	RtpCapabilities,
	RtpParameters,
	SrtpParameters,
	Transport,
	WebRtcServer,
	WebRtcTransport,
} from 'mediasoup/node/lib/types.js';
import { types as mediasoupTypes } from 'mediasoup';
import { type AppError, InvalidPayloadError, InvalidStateError, NotFoundError, RateLimitedError } from '../lib/errors.ts';
import { TypedEmitter } from '../lib/typed-emitter.ts';

export type Direction = 'send' | 'recv';
export type Source = 'microphone' | 'camera' | 'screen';

type Log = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type PeerOptions = {
	router: Router;
	webRtcServer: WebRtcServer;
	/**
	 * Producers this peer may consume, made available on its router (piped from another one if
	 * needed); the peer never reaches into its room.
	 */
	findProducer: (producerId: string, rtpCapabilities: RtpCapabilities) => Producer | undefined | Promise<Producer | undefined>;
	log: Log;
	/** A transport whose DTLS has not connected by then is closed (a client that vanished mid-join). */
	connectTimeoutMs?: number;
};

export type PeerEvents = {
	closed: [];
	'producer-created': [Producer, Source];
	'producer-closed': [Producer];
	/** From mediasoup's own observer, whoever paused it (the site itself or the chair). */
	'producer-paused': [Producer];
	'producer-resumed': [Producer];
	/** A consumer ended because its producer or transport closed. */
	'consumer-closed': [string];
};

export type TransportInfo = {
	id: string;
	iceParameters: WebRtcTransport['iceParameters'];
	iceCandidates: WebRtcTransport['iceCandidates'];
	dtlsParameters: WebRtcTransport['dtlsParameters'];
};

/** Above what a site receives at 250 invited units with every microphone open plus its video. */
const MAX_CONSUMERS = 320;

/**
 * Worker refusals (plain Errors, message as the worker wrote it) that only the client's input
 * causes: the same SSRC, MID or RID as another track of the transport, a second DTLS connect.
 */
const WORKER_INPUT_ERRORS: [RegExp, () => AppError][] = [
	[/already exists in RTP listener/, () => new InvalidPayloadError('An SSRC, MID or RID of these RTP parameters is already used by another track of this transport')],
	[/connect\(\) already called/, () => new InvalidStateError('This transport is already connected')],
];

/**
 * mediasoup deep-validates the RTP and DTLS structures a client sends and throws TypeError for
 * bad ones; only here, around those calls, is a TypeError the client's input rather than our bug.
 * The worker's own refusals of client input become the matching AppError too, so that a client
 * cannot fill the error log with stack traces.
 */
async function clientInput<T>(call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		if (error instanceof TypeError || error instanceof mediasoupTypes.UnsupportedError) {
			throw new InvalidPayloadError(error.message, { cause: error });
		}
		if (error instanceof Error && !(error instanceof mediasoupTypes.InvalidStateError)) {
			const known = WORKER_INPUT_ERRORS.find(([pattern]) => pattern.test(error.message));
			if (known) {
				throw known[1]();
			}
		}
		throw error;
	}
}

/**
 * A request about one of this peer's media objects. The worker may already have closed it (its
 * producer's site just left) while this side has not heard yet; it then answers with a plain
 * "... not found" error, which is a normal race, not a bug.
 */
async function onMediaObject<T>(what: string, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		if (error instanceof Error && !(error instanceof mediasoupTypes.InvalidStateError) && /not found/i.test(error.message)) {
			throw new NotFoundError(`That ${what} is gone`);
		}
		throw error;
	}
}
/**
 * A client restarts ICE once per outage (then rejoins if that fails); a client that loops would
 * make the worker churn credentials, so restarts of one transport are kept apart (Jicofo: 5 s).
 */
const ICE_RESTART_MIN_INTERVAL_MS = 3000;

/**
 * One participant's media on one router: at most one WebRTC transport per direction, its
 * producers (one per source) and consumers. Closing the peer closes all of them.
 */
export class Peer extends TypedEmitter<PeerEvents> {
	readonly #options: PeerOptions;
	readonly #transports = new Map<Direction, WebRtcTransport | PlainTransport>();
	readonly #producers = new Map<string, { producer: Producer; source: Source }>();
	readonly #consumers = new Map<string, Consumer>();
	readonly #iceRestartedAt = new WeakMap<WebRtcTransport, number>();
	readonly #connectCalled = new WeakSet<WebRtcTransport>();
	#closed = false;

	constructor(options: PeerOptions) {
		super((event, error) => options.log.error({ err: error, event }, 'Peer listener threw'));
		this.#options = options;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get router(): Router {
		return this.#options.router;
	}

	producer(id: string): Producer | undefined {
		return this.#producers.get(id)?.producer;
	}

	get producers(): { producer: Producer; source: Source }[] {
		return [...this.#producers.values()];
	}

	async createTransport(direction: Direction): Promise<TransportInfo> {
		this.#assertOpen();
		this.#transports.get(direction)?.close();
		const transport = await this.#options.router.createWebRtcTransport({
			webRtcServer: this.#options.webRtcServer,
			enableUdp: true,
			enableTcp: true,
			preferUdp: true,
			initialAvailableOutgoingBitrate: 600_000,
			appData: { direction },
		});
		this.#register(direction, transport);
		transport.on('dtlsstatechange', (state) => {
			// mediasoup: a failed or closed DTLS state is not recoverable; the client makes a new transport.
			if (state === 'failed' || state === 'closed') {
				transport.close();
			}
		});
		const timer = setTimeout(() => {
			if (!transport.closed && transport.dtlsState !== 'connected') {
				this.#options.log.warn({ transportId: transport.id, direction }, 'transport never connected; closing it');
				transport.close();
			}
		}, this.#options.connectTimeoutMs ?? 30000);
		timer.unref();
		transport.observer.once('close', () => clearTimeout(timer));
		return {
			id: transport.id,
			iceParameters: transport.iceParameters,
			iceCandidates: transport.iceCandidates,
			dtlsParameters: transport.dtlsParameters,
		};
	}

	/**
	 * A plain RTP transport (no ICE, no DTLS) on the server's own network, for RTP gateways,
	 * recorders and the forwarding benchmark. Sending learns its remote from the first packet
	 * (comedia); receiving sends to `remote`. With `srtp` (the remote's key) the transport
	 * encrypts and decrypts with SRTP, as WebRTC transports always do.
	 */
	async createPlainTransport(direction: Direction, listenIp: string, remote?: { ip: string; port: number }, srtp?: SrtpParameters): Promise<{ ip: string; port: number }> {
		this.#assertOpen();
		this.#transports.get(direction)?.close();
		const transport = await this.#options.router.createPlainTransport({
			listenIp,
			rtcpMux: true,
			comedia: direction === 'send',
			...(srtp ? { enableSrtp: true, srtpCryptoSuite: srtp.cryptoSuite } : {}),
			appData: { direction },
		});
		this.#register(direction, transport);
		if (remote || srtp) {
			await transport.connect({ ...remote, ...(srtp ? { srtpParameters: srtp } : {}) });
		}
		return { ip: transport.tuple.localIp, port: transport.tuple.localPort };
	}

	async connectTransport(direction: Direction, dtlsParameters: DtlsParameters): Promise<void> {
		const transport = this.#webRtcTransport(direction);
		// dtlsState stays 'new' after connect() until ICE completes, so it alone does not tell.
		if (this.#connectCalled.has(transport) || transport.dtlsState !== 'new') {
			throw new InvalidStateError(`The ${direction} transport is already connected`);
		}
		this.#connectCalled.add(transport);
		try {
			await clientInput(() => transport.connect({ dtlsParameters }));
		} catch (error) {
			// Parameters the worker refused leave the transport unconnected: the client may correct them.
			if (error instanceof InvalidPayloadError) {
				this.#connectCalled.delete(transport);
			}
			throw error;
		}
	}

	async restartIce(direction: Direction): Promise<WebRtcTransport['iceParameters']> {
		const transport = this.#webRtcTransport(direction);
		const last = this.#iceRestartedAt.get(transport);
		if (last !== undefined && performance.now() - last < ICE_RESTART_MIN_INTERVAL_MS) {
			throw new RateLimitedError(`ICE restart at most once every ${ICE_RESTART_MIN_INTERVAL_MS / 1000} s per transport`);
		}
		this.#iceRestartedAt.set(transport, performance.now());
		return transport.restartIce();
	}

	async produce(kind: MediaKind, source: Source, rtpParameters: RtpParameters, paused = false): Promise<Producer> {
		const transport = this.#transport('send');
		if (this.producers.some((p) => p.source === source)) {
			throw new InvalidStateError(`A ${source} track is already being sent; close it first`);
		}
		if ((source === 'microphone') !== (kind === 'audio')) {
			throw new InvalidStateError(`A ${source} source cannot carry ${kind}`);
		}
		const producer = await clientInput(() => transport.produce({ kind, rtpParameters, paused, appData: { source } }));
		if (this.#closed || transport.closed) {
			// The site left (or its transport was replaced) while the worker created the producer.
			producer.close();
			throw new InvalidStateError('The media session closed');
		}
		if (this.producers.some((p) => p.source === source)) {
			// Two produce requests for one source overlapped; the first one wins.
			producer.close();
			throw new InvalidStateError(`A ${source} track is already being sent; close it first`);
		}
		this.#producers.set(producer.id, { producer, source });
		producer.observer.once('close', () => {
			this.#producers.delete(producer.id);
			this.safeEmit('producer-closed', producer);
		});
		producer.observer.on('pause', () => this.safeEmit('producer-paused', producer));
		producer.observer.on('resume', () => this.safeEmit('producer-resumed', producer));
		this.safeEmit('producer-created', producer, source);
		return producer;
	}

	closeProducer(producerId: string): void {
		this.#producer(producerId).close();
	}

	/** Creates a paused consumer: resume it after the client has set it up, so no packet is lost. */
	async consume(producerId: string, rtpCapabilities: RtpCapabilities): Promise<Consumer> {
		const transport = this.#transport('recv');
		const producer = await this.#options.findProducer(producerId, rtpCapabilities);
		this.#assertOpen();
		if (!producer) {
			throw new NotFoundError(`No producer ${producerId} to consume`);
		}
		if (!this.#options.router.canConsume({ producerId, rtpCapabilities })) {
			throw new InvalidStateError('This browser cannot decode that stream');
		}
		if (this.#consumers.size >= MAX_CONSUMERS) {
			throw new InvalidStateError('Too many streams received at once');
		}
		const consumer = await clientInput(() => transport.consume({ producerId, rtpCapabilities, paused: true }));
		if (this.#closed || transport.closed) {
			consumer.close();
			throw new InvalidStateError('The media session closed');
		}
		this.#consumers.set(consumer.id, consumer);
		consumer.observer.once('close', () => {
			this.#consumers.delete(consumer.id);
			this.safeEmit('consumer-closed', consumer.id);
		});
		return consumer;
	}

	async resumeConsumer(consumerId: string): Promise<void> {
		const consumer = this.#consumer(consumerId);
		await onMediaObject('stream', () => consumer.resume());
	}

	/**
	 * The most the server sends this site (its downlink budget): mediasoup's bandwidth estimate
	 * never goes above it, so layers and thumbnails share it by priority.
	 */
	async limitReceiving(bitrate: number): Promise<void> {
		const transport = this.#transport('recv');
		if ('iceParameters' in transport) {
			await onMediaObject('transport', () => transport.setMaxOutgoingBitrate(bitrate));
		}
	}

	/** Whether this peer receives the producer now. */
	consumes(producerId: string): boolean {
		for (const consumer of this.#consumers.values()) {
			if (consumer.producerId === producerId) {
				return true;
			}
		}
		return false;
	}

	/** Whether the peer has its transport for `direction` (room:receive needs the receiving one). */
	hasTransport(direction: Direction): boolean {
		return !this.#closed && this.#transports.has(direction);
	}

	producerBySource(source: Source): Producer | undefined {
		return this.producers.find((p) => p.source === source)?.producer;
	}

	async pauseProducer(producerId: string): Promise<Producer> {
		const producer = this.#producer(producerId);
		await onMediaObject('track', () => producer.pause());
		return producer;
	}

	async resumeProducer(producerId: string): Promise<Producer> {
		const producer = this.#producer(producerId);
		await onMediaObject('track', () => producer.resume());
		return producer;
	}

	#producer(producerId: string): Producer {
		const entry = this.#producers.get(producerId);
		if (!entry) {
			throw new NotFoundError(`No producer ${producerId}`);
		}
		return entry.producer;
	}

	#consumer(consumerId: string): Consumer {
		const consumer = this.#consumers.get(consumerId);
		if (!consumer) {
			throw new NotFoundError(`No consumer ${consumerId}`);
		}
		return consumer;
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const transport of this.#transports.values()) {
			transport.close();
		}
		this.#transports.clear();
		this.safeEmit('closed');
	}

	/** Makes `transport` this peer's transport for `direction`, unless the peer closed while it was created. */
	#register(direction: Direction, transport: WebRtcTransport | PlainTransport): void {
		const base: Transport = transport;
		if (this.#closed) {
			transport.close();
			throw new InvalidStateError('The media session closed');
		}
		this.#transports.set(direction, transport);
		base.observer.once('close', () => {
			if (this.#transports.get(direction) === transport) {
				this.#transports.delete(direction);
			}
		});
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('The media session closed');
		}
	}

	#transport(direction: Direction): WebRtcTransport | PlainTransport {
		this.#assertOpen();
		const transport = this.#transports.get(direction);
		if (!transport) {
			throw new InvalidStateError(`Create the ${direction} transport first`);
		}
		return transport;
	}

	#webRtcTransport(direction: Direction): WebRtcTransport {
		const transport = this.#transport(direction);
		if (!('iceParameters' in transport)) {
			throw new InvalidStateError(`The ${direction} transport is not a WebRTC transport`);
		}
		return transport;
	}
}
