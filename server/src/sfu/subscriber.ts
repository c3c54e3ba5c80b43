import type { Consumer, RtpCapabilities } from 'mediasoup/node/lib/types.js';
import { UnavailableError } from '../lib/errors.ts';
import type { Peer, Source } from './peer.ts';
import { STALLED_VIDEO_MS, watchStalledVideo } from './stalled-video.ts';

/** One stream a site should receive: for video, the most simulcast layer it takes and its priority. */
export type Wanted = {
	producerId: string;
	participantId: string;
	kind: 'audio' | 'video';
	source: Source;
	/** Preferred spatial layer of a video consumer (0 = lowest); ignored for audio. */
	spatialLayer: number;
	/** mediasoup shares a weak downlink by priority: the large tile before thumbnails. */
	priority: number;
};

export type ConsumerAdded = {
	consumerId: string;
	producerId: string;
	participantId: string;
	kind: 'audio' | 'video';
	source: Source;
	rtpParameters: Consumer['rtpParameters'];
};

type Log = { warn: (obj: object, msg: string) => void };

type Held = { consumer: Consumer; spatialLayer: number; priority: number };

/**
 * Keeps one peer's consumers equal to what it should receive (want()): creates the missing ones
 * (paused; the site resumes each once its side is ready), closes those no longer wanted and moves
 * the others to their layer. Runs one pass at a time; wants that change during a pass start
 * another, so the last want always wins.
 */
export class Subscriber {
	readonly #peer: Peer;
	readonly #rtpCapabilities: RtpCapabilities;
	readonly #added: (added: ConsumerAdded) => void;
	readonly #log: Log;
	readonly #held = new Map<string, Held>();
	/**
	 * Producers this site could not receive (its browser cannot decode them, or the worker refused):
	 * not asked again, and not logged again, until they leave the wanted set and come back.
	 */
	readonly #refused = new Set<string>();
	/**
	 * Video consumers replaced as stalled (stalled-video.ts), per producer, while the site wants it:
	 * each next one waits twice as long (a camera whose layers keep going on and off must not have
	 * its consumers remade every few seconds). Forgotten when the producer leaves the wanted set.
	 */
	readonly #stalls = new Map<string, number>();
	readonly #lost: () => void;
	#wanted = new Map<string, Wanted>();
	#running: Promise<void> | null = null;
	#dirty = false;
	#closed = false;

	/** `lost`: a consumer ended by itself (its transport or producer closed): the wants are worth computing again. */
	constructor(options: { peer: Peer; rtpCapabilities: RtpCapabilities; added: (added: ConsumerAdded) => void; lost: () => void; log: Log }) {
		this.#peer = options.peer;
		this.#lost = options.lost;
		this.#rtpCapabilities = options.rtpCapabilities;
		this.#added = options.added;
		this.#log = options.log;
		options.peer.once('closed', () => this.close());
	}

	get peer(): Peer {
		return this.#peer;
	}

	/** Producer ids this site receives now, with the layer asked for each. */
	receiving(): Map<string, { kind: 'audio' | 'video'; spatialLayer: number }> {
		return new Map([...this.#held].map(([producerId, held]) => [producerId, { kind: held.consumer.kind, spatialLayer: held.spatialLayer }]));
	}

	want(wanted: Iterable<Wanted>): void {
		if (this.#closed) {
			return;
		}
		this.#wanted = new Map([...wanted].map((w) => [w.producerId, w]));
		for (const producerId of [...this.#refused, ...this.#stalls.keys()]) {
			if (!this.#wanted.has(producerId)) {
				this.#refused.delete(producerId);
				this.#stalls.delete(producerId);
			}
		}
		this.#dirty = true;
		this.#running ??= this.#run().finally(() => {
			this.#running = null;
		});
	}

	/** Resolves when the passes asked for so far are done (tests, benchmarks). */
	async settled(): Promise<void> {
		while (this.#running) {
			await this.#running;
		}
	}

	close(): void {
		this.#closed = true;
		this.#wanted.clear();
	}

	async #run(): Promise<void> {
		while (this.#dirty && !this.#closed && !this.#peer.closed) {
			this.#dirty = false;
			const wanted = this.#wanted;
			for (const [producerId, held] of [...this.#held]) {
				if (!wanted.has(producerId) || held.consumer.closed) {
					this.#held.delete(producerId);
					held.consumer.close();
				}
			}
			for (const w of wanted.values()) {
				if (this.#dirty || this.#closed) {
					break;
				}
				if (this.#refused.has(w.producerId)) {
					continue;
				}
				const held = this.#held.get(w.producerId);
				try {
					if (held) {
						await this.#adjust(held, w);
					} else {
						await this.#create(w);
					}
				} catch (error) {
					// The producer closed or its site left meanwhile: the next want no longer names it. A
					// passing shortage (no pipe could open) is tried again by the next pass.
					if (!this.#peer.closed && !(error instanceof UnavailableError) && !/gone|No producer|closed|not found/i.test((error as Error).message)) {
						this.#refused.add(w.producerId);
						this.#log.warn({ err: error, producerId: w.producerId }, 'could not receive a stream');
					}
				}
			}
		}
	}

	async #create(w: Wanted): Promise<void> {
		const consumer = await this.#peer.consume(w.producerId, this.#rtpCapabilities);
		if (this.#closed || !this.#wanted.has(w.producerId)) {
			consumer.close();
			return;
		}
		const held: Held = { consumer, spatialLayer: -1, priority: -1 };
		this.#held.set(w.producerId, held);
		consumer.observer.once('close', () => {
			if (this.#held.get(w.producerId) === held) {
				this.#held.delete(w.producerId);
				this.#lost();
			}
		});
		// Closed, it is made again by the next pass (#lost), with a reference stream that flows.
		watchStalledVideo(
			consumer,
			() => {
				const replaced = (this.#stalls.get(w.producerId) ?? 0) + 1;
				this.#stalls.set(w.producerId, replaced);
				this.#log.warn({ producerId: w.producerId, consumerId: consumer.id, replaced }, 'replacing a video consumer that forwards nothing');
				consumer.close();
			},
			STALLED_VIDEO_MS * 2 ** Math.min(this.#stalls.get(w.producerId) ?? 0, 4)
		);
		try {
			await this.#adjust(held, w);
		} catch (error) {
			// Not announced: closed, so that the next pass makes it again.
			this.#held.delete(w.producerId);
			consumer.close();
			throw error;
		}
		if (!consumer.closed) {
			this.#added({
				consumerId: consumer.id,
				producerId: w.producerId,
				participantId: w.participantId,
				kind: consumer.kind,
				source: w.source,
				rtpParameters: consumer.rtpParameters,
			});
		}
	}

	async #adjust(held: Held, w: Wanted): Promise<void> {
		const { consumer } = held;
		if (consumer.kind === 'video' && held.spatialLayer !== w.spatialLayer) {
			held.spatialLayer = w.spatialLayer;
			if (consumer.type === 'simulcast' || consumer.type === 'svc') {
				await consumer.setPreferredLayers({ spatialLayer: w.spatialLayer });
			}
		}
		if (held.priority !== w.priority) {
			held.priority = w.priority;
			await consumer.setPriority(w.priority);
		}
	}
}
