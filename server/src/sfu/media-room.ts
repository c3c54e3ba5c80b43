import type { ActiveSpeakerObserver, Producer, Router, WebRtcServer } from 'mediasoup/node/lib/types.js';
import { TypedEmitter } from '../lib/typed-emitter.ts';
import { MEDIA_CODECS } from './media-codecs.ts';
import { Peer, type Source } from './peer.ts';
import type { WorkerPool } from './worker-pool.ts';

type Log = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type MediaRoomEvents = {
	'producer-added': [participantId: string, producer: Producer, source: Source];
	'producer-removed': [participantId: string, producer: Producer, source: Source];
	'producer-paused': [participantId: string, producer: Producer, source: Source];
	'producer-resumed': [participantId: string, producer: Producer, source: Source];
	'active-speaker': [participantId: string | null];
	/** The router closed underneath (its worker died); every peer is already closed. */
	'router-closed': [];
};

/** Peer.produce stores the source in the producer's appData. */
function sourceOf(producer: Producer): Source {
	return (producer.appData as { source: Source }).source;
}

/**
 * The media of one live meeting: a router on the least-loaded worker, one Peer per connected
 * site, and an active-speaker observer over every microphone. Peers consume any producer of
 * the room except their own.
 */
export class MediaRoom extends TypedEmitter<MediaRoomEvents> {
	readonly #router: Router;
	readonly #webRtcServer: WebRtcServer;
	readonly #speaker: ActiveSpeakerObserver;
	readonly #log: Log;
	readonly #peers = new Map<string, Peer>();
	readonly #owners = new Map<string, string>();
	#closed = false;

	static async create(pool: WorkerPool, log: Log): Promise<MediaRoom> {
		const { router, webRtcServer } = await pool.createRouter(MEDIA_CODECS);
		try {
			const speaker = await router.createActiveSpeakerObserver({ interval: 300 });
			return new MediaRoom(router, webRtcServer, speaker, log);
		} catch (error) {
			router.close();
			throw error;
		}
	}

	private constructor(router: Router, webRtcServer: WebRtcServer, speaker: ActiveSpeakerObserver, log: Log) {
		super((event, error) => log.error({ err: error, event }, 'MediaRoom listener threw'));
		this.#router = router;
		this.#webRtcServer = webRtcServer;
		this.#speaker = speaker;
		this.#log = log;
		speaker.on('dominantspeaker', ({ producer }) => {
			this.safeEmit('active-speaker', this.#owners.get(producer.id) ?? null);
		});
		router.observer.once('close', () => {
			if (!this.#closed) {
				this.#closed = true;
				this.#peers.forEach((peer) => peer.close());
				this.#peers.clear();
				this.safeEmit('router-closed');
			}
		});
	}

	/** For subscribers that consume the room's producers themselves (recording). */
	get router(): Router {
		return this.#router;
	}

	get routerRtpCapabilities(): Router['rtpCapabilities'] {
		return this.#router.rtpCapabilities;
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Every live producer with its owner, for a site that just joined. */
	producers(): { participantId: string; producer: Producer; source: Source }[] {
		return [...this.#peers.entries()].flatMap(([participantId, peer]) => peer.producers.map((p) => ({ participantId, ...p })));
	}

	peer(participantId: string): Peer | undefined {
		return this.#peers.get(participantId);
	}

	createPeer(participantId: string): Peer {
		this.#peers.get(participantId)?.close();
		const peer: Peer = new Peer({
			router: this.#router,
			webRtcServer: this.#webRtcServer,
			log: this.#log,
			findProducer: (producerId) => {
				const owner = this.#owners.get(producerId);
				return owner === undefined || owner === participantId ? undefined : this.#peers.get(owner)?.producer(producerId);
			},
		});
		this.#peers.set(participantId, peer);
		peer.on('producer-created', (producer, source) => {
			this.#owners.set(producer.id, participantId);
			if (producer.kind === 'audio') {
				void this.#speaker.addProducer({ producerId: producer.id }).catch((error: unknown) => {
					this.#log.warn({ err: error }, 'active speaker observer refused a producer');
				});
			}
			this.safeEmit('producer-added', participantId, producer, source);
		});
		peer.on('producer-closed', (producer) => {
			this.#owners.delete(producer.id);
			this.safeEmit('producer-removed', participantId, producer, sourceOf(producer));
		});
		peer.on('producer-paused', (producer) => this.safeEmit('producer-paused', participantId, producer, sourceOf(producer)));
		peer.on('producer-resumed', (producer) => this.safeEmit('producer-resumed', participantId, producer, sourceOf(producer)));
		peer.once('closed', () => {
			if (this.#peers.get(participantId) === peer) {
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
		this.#peers.forEach((peer) => peer.close());
		this.#peers.clear();
		this.#router.close();
	}
}
