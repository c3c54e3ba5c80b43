import type { ActiveSpeakerObserver, Producer, Router, RtpCapabilities, WebRtcServer } from 'mediasoup/node/lib/types.js';
import { InvalidStateError, UnavailableError } from '../lib/errors.ts';
import { TypedEmitter } from '../lib/typed-emitter.ts';
import { MEDIA_CODECS } from './media-codecs.ts';
import { Peer, type Source } from './peer.ts';
import { PipeLinks } from './pipe-links.ts';
import type { LiveSlot, WorkerPool, WorkerSlot } from './worker-pool.ts';

type Log = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type MediaRoomEvents = {
	/** `router`: the router the producer lives on (its site's). */
	'producer-added': [participantId: string, producer: Producer, source: Source, router: Router];
	'producer-removed': [participantId: string, producer: Producer, source: Source];
	'producer-paused': [participantId: string, producer: Producer, source: Source];
	'producer-resumed': [participantId: string, producer: Producer, source: Source];
	'active-speaker': [participantId: string | null];
	/**
	 * A router closed underneath (its worker died): the peers it carried are closed already and
	 * listed here; the room goes on over its other routers (and new ones).
	 */
	'peers-lost': [participantIds: string[]];
};

/** Peer.produce stores the source in the producer's appData. */
function sourceOf(producer: Producer): Source {
	return (producer.appData as { source: Source }).source;
}

/**
 * A producer piped to another router: the pipe producer there once made, whether the speaker
 * observer uses it, and since when nobody on that router consumes it (a pipe forwards every
 * simulcast layer, so an unused one is closed: see #sweepPipes).
 */
type Pipe = { ready: Promise<void>; producer: Producer | null; observed: boolean; idleSweeps: number };

/** How often pipes nobody consumes are looked for; one idle twice in a row is closed. */
const PIPE_SWEEP_MS = 20_000;

/** One router of the room, on one worker, with the sites placed there. */
type RoomRouter = { router: Router; slot: WorkerSlot; webRtcServer: WebRtcServer; peers: Set<string> };

/**
 * The media of one live meeting, spread over every worker: one router per worker that carries a
 * site of the meeting, each site placed on the least-loaded worker. A site receiving a producer
 * of another router gets it through a pipe (PipeLinks: one pipe producer per producer and router,
 * shared by every consumer there, over several pipe transports). An active-speaker observer on one router hears every
 * microphone (piped to it). A worker's death closes only the sites it carried.
 */
export class MediaRoom extends TypedEmitter<MediaRoomEvents> {
	readonly #pool: WorkerPool;
	readonly #log: Log;
	readonly #routers = new Map<string, RoomRouter>();
	/** Routers being created, by worker slot, so that two joins at once make one router per worker. */
	readonly #opening = new Map<number, Promise<RoomRouter>>();
	readonly #peers = new Map<string, { peer: Peer; room: RoomRouter }>();
	readonly #owners = new Map<string, string>();
	/** Producers piped to a router, by `${producerId} ${routerId}`. */
	readonly #pipes = new Map<string, Pipe>();
	readonly #links = new PipeLinks({ routers: () => this.#routers.size });
	readonly #sweep: NodeJS.Timeout;
	readonly #rtpCapabilities: Router['rtpCapabilities'];
	#speaker: { observer: ActiveSpeakerObserver; room: RoomRouter } | null = null;
	#speakerStarting = false;
	#closed = false;

	/** Opens the room's first router on the least-loaded worker (its capabilities are every router's). */
	static async create(pool: WorkerPool, log: Log): Promise<MediaRoom> {
		const { router, slot, webRtcServer } = await pool.createRouter(MEDIA_CODECS);
		const room = new MediaRoom(pool, log, router.rtpCapabilities);
		room.#adopt({ router, slot, webRtcServer, peers: new Set() });
		return room;
	}

	private constructor(pool: WorkerPool, log: Log, rtpCapabilities: Router['rtpCapabilities']) {
		super((event, error) => log.error({ err: error, event }, 'MediaRoom listener threw'));
		this.#pool = pool;
		this.#log = log;
		this.#rtpCapabilities = rtpCapabilities;
		this.#sweep = setInterval(() => this.#sweepPipes(), PIPE_SWEEP_MS);
		this.#sweep.unref();
	}

	/** Every router is made from the same codec list, so their capabilities are equal. */
	get routerRtpCapabilities(): Router['rtpCapabilities'] {
		return this.#rtpCapabilities;
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** The routers and how many of the room's sites each carries, for metrics and tests. */
	placement(): { workerIndex: number; routerId: string; sites: number }[] {
		return [...this.#routers.values()].map((r) => ({ workerIndex: r.slot.index, routerId: r.router.id, sites: r.peers.size }));
	}

	/** Every live producer with its owner. */
	producers(): { participantId: string; producer: Producer; source: Source }[] {
		return [...this.#peers.entries()].flatMap(([participantId, { peer }]) => peer.producers.map((p) => ({ participantId, ...p })));
	}

	peer(participantId: string): Peer | undefined {
		return this.#peers.get(participantId)?.peer;
	}

	/** Places a new site on the least-loaded worker (opening the room's router there if needed). */
	async createPeer(participantId: string): Promise<Peer> {
		this.#assertOpen();
		this.#peers.get(participantId)?.peer.close();
		const room = await this.#routerOn(this.#pool.leastLoaded());
		this.#assertOpen();
		if (room.router.closed) {
			throw new UnavailableError('The media worker stopped; join again in a moment');
		}
		const peer: Peer = new Peer({
			router: room.router,
			webRtcServer: room.webRtcServer,
			log: this.#log,
			findProducer: (producerId, rtpCapabilities) => this.#producerFor(participantId, producerId, room, rtpCapabilities),
		});
		this.#peers.set(participantId, { peer, room });
		room.peers.add(participantId);
		room.slot.peers += 1;
		peer.on('producer-created', (producer, source) => {
			this.#owners.set(producer.id, participantId);
			if (producer.kind === 'audio') {
				void this.#observe(producer);
			}
			this.safeEmit('producer-added', participantId, producer, source, room.router);
		});
		peer.on('producer-closed', (producer) => {
			this.#owners.delete(producer.id);
			for (const key of [...this.#pipes.keys()]) {
				if (key.startsWith(`${producer.id} `)) {
					this.#pipes.delete(key);
				}
			}
			this.safeEmit('producer-removed', participantId, producer, sourceOf(producer));
		});
		peer.on('producer-paused', (producer) => this.safeEmit('producer-paused', participantId, producer, sourceOf(producer)));
		peer.on('producer-resumed', (producer) => this.safeEmit('producer-resumed', participantId, producer, sourceOf(producer)));
		peer.once('closed', () => {
			room.peers.delete(participantId);
			room.slot.peers -= 1;
			if (this.#peers.get(participantId)?.peer === peer) {
				this.#peers.delete(participantId);
			}
		});
		return peer;
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		clearInterval(this.#sweep);
		for (const { peer } of this.#peers.values()) {
			peer.close();
		}
		this.#peers.clear();
		this.#pipes.clear();
		this.#links.close();
		for (const room of this.#routers.values()) {
			room.router.close();
		}
		this.#routers.clear();
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('The media session closed');
		}
	}

	#routerOn(slot: LiveSlot): Promise<RoomRouter> {
		const existing = [...this.#routers.values()].find((r) => r.slot === slot && !r.router.closed);
		if (existing) {
			return Promise.resolve(existing);
		}
		let opening = this.#opening.get(slot.index);
		if (!opening) {
			opening = this.#pool.createRouter(MEDIA_CODECS, slot).then(({ router, webRtcServer }) => {
				if (this.#closed) {
					router.close();
					throw new InvalidStateError('The media session closed');
				}
				const room = { router, slot, webRtcServer, peers: new Set<string>() };
				this.#adopt(room);
				return room;
			});
			const done = (): void => {
				this.#opening.delete(slot.index);
			};
			opening.then(done, done);
			this.#opening.set(slot.index, opening);
		}
		return opening;
	}

	#adopt(room: RoomRouter): void {
		if (room.router.closed) {
			return;
		}
		this.#routers.set(room.router.id, room);
		room.router.observer.once('close', () => this.#routerClosed(room));
		this.#ensureSpeakerObserver();
	}

	/**
	 * The producer a peer on `room` may consume: another site's, piped to that router first if it
	 * lives on another one (the pipe producer has the same id, so consumers name it alike).
	 */
	async #producerFor(participantId: string, producerId: string, room: RoomRouter, rtpCapabilities: RtpCapabilities): Promise<Producer | undefined> {
		const owner = this.#owners.get(producerId);
		if (owner === undefined || owner === participantId) {
			return undefined;
		}
		const source = this.#peers.get(owner);
		const producer = source?.peer.producer(producerId);
		if (!source || !producer) {
			return undefined;
		}
		// Asked where the producer lives, before a pipe is made for a site that could not use it.
		if (!source.room.router.canConsume({ producerId, rtpCapabilities })) {
			throw new InvalidStateError('This browser cannot decode that stream');
		}
		if (source.room !== room) {
			await this.#pipe(producer, source.room, room, false);
		}
		return producer;
	}

	#pipe(producer: Producer, from: RoomRouter, to: RoomRouter, observed: boolean): Promise<void> {
		const key = `${producer.id} ${to.router.id}`;
		const existing = this.#pipes.get(key);
		if (existing) {
			existing.observed ||= observed;
			existing.idleSweeps = 0;
			return existing.ready;
		}
		const pipe: Pipe = { ready: Promise.resolve(), producer: null, observed, idleSweeps: 0 };
		pipe.ready = this.#links.pipe(producer, from.router, to.router).then((pipeProducer) => {
			pipe.producer = pipeProducer;
			pipeProducer.observer.once('close', () => {
				if (this.#pipes.get(key) === pipe) {
					this.#pipes.delete(key);
				}
			});
		});
		// A failed pipe is tried again by the next consumer.
		pipe.ready.catch(() => {
			if (this.#pipes.get(key) === pipe) {
				this.#pipes.delete(key);
			}
		});
		this.#pipes.set(key, pipe);
		return pipe.ready;
	}

	/**
	 * Closes the pipes nobody on their router has consumed for two sweeps in a row (sites paging
	 * through a gallery would otherwise leave every camera piped to every router for good). Closing
	 * the pipe producer closes its pipe consumer on the source router too.
	 */
	#sweepPipes(): void {
		for (const [key, pipe] of this.#pipes) {
			const [producerId, routerId] = key.split(' ') as [string, string];
			const room = this.#routers.get(routerId);
			if (!pipe.producer || pipe.observed) {
				continue;
			}
			const used = room !== undefined && [...room.peers].some((id) => this.#peers.get(id)?.peer.consumes(producerId));
			pipe.idleSweeps = used ? 0 : pipe.idleSweeps + 1;
			if (pipe.idleSweeps >= 2) {
				this.#pipes.delete(key);
				pipe.producer.close();
			}
		}
	}

	/** Starts the active-speaker observer on a live router unless one runs or is starting. */
	#ensureSpeakerObserver(): void {
		if (this.#closed || this.#speakerStarting || (this.#speaker && !this.#speaker.room.router.closed)) {
			return;
		}
		const room = [...this.#routers.values()].find((r) => !r.router.closed);
		if (!room) {
			return;
		}
		this.#speakerStarting = true;
		void this.#startSpeakerObserver(room).finally(() => {
			this.#speakerStarting = false;
			// Its router died while it started: try the next one.
			if (!this.#speaker || this.#speaker.room.router.closed) {
				this.#speaker = null;
				if (!room.router.closed) {
					return;
				}
				this.#ensureSpeakerObserver();
			}
		});
	}

	async #startSpeakerObserver(room: RoomRouter): Promise<void> {
		try {
			const observer = await room.router.createActiveSpeakerObserver({ interval: 300 });
			if (this.#closed || room.router.closed || this.#speaker) {
				observer.close();
				return;
			}
			this.#speaker = { observer, room };
			observer.on('dominantspeaker', ({ producer }) => {
				this.safeEmit('active-speaker', this.#owners.get(producer.id) ?? null);
			});
			for (const { producer } of this.producers()) {
				if (producer.kind === 'audio') {
					void this.#observe(producer);
				}
			}
		} catch (error) {
			if (!room.router.closed) {
				this.#log.warn({ err: error }, 'could not start the active speaker observer');
			}
		}
	}

	/** Lets the observer hear a microphone (through a pipe when it lives on another router). */
	async #observe(producer: Producer): Promise<void> {
		const speaker = this.#speaker;
		const owner = this.#owners.get(producer.id);
		const source = owner === undefined ? undefined : this.#peers.get(owner);
		if (!speaker || !source || producer.closed) {
			return;
		}
		try {
			if (source.room !== speaker.room) {
				await this.#pipe(producer, source.room, speaker.room, true);
			}
			if (!producer.closed && !speaker.observer.closed) {
				await speaker.observer.addProducer({ producerId: producer.id });
			}
		} catch (error) {
			if (!producer.closed && !speaker.observer.closed) {
				this.#log.warn({ err: error }, 'active speaker observer refused a producer');
			}
		}
	}

	#routerClosed(room: RoomRouter): void {
		this.#routers.delete(room.router.id);
		for (const key of [...this.#pipes.keys()]) {
			if (key.endsWith(` ${room.router.id}`)) {
				this.#pipes.delete(key);
			}
		}
		if (this.#closed) {
			return;
		}
		const lost = [...room.peers];
		for (const participantId of lost) {
			this.#peers.get(participantId)?.peer.close();
		}
		if (this.#speaker?.room === room) {
			this.#speaker = null;
		}
		this.#ensureSpeakerObserver();
		this.safeEmit('peers-lost', lost);
	}
}
