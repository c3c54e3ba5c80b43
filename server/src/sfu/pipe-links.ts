import type { PipeTransport, Producer, Router } from 'mediasoup/node/lib/types.js';
import { InvalidStateError, UnavailableError } from '../lib/errors.ts';

/**
 * Why several pipe transport pairs: mediasoup's own pipeToRouter puts everything between two
 * routers through ONE pair, so all that one worker receives from another lands in one UDP socket.
 * Measured at 171 sites on 2 workers (bench/forwarding.ts), that socket's receive buffer
 * overflowed whenever its worker was scheduled out for a few milliseconds: every drop of the run
 * was there, none at the 171 ingress sockets. Spreading the producers over several pairs gives a
 * burst several buffers.
 *
 * A new pair between two routers is opened for every PRODUCERS_PER_LINK producers they pipe (both
 * ways), up to enough pairs for each router to receive pipes on about PIPE_SOCKETS_PER_ROUTER
 * sockets: a room on W workers then holds at most about W × PIPE_SOCKETS_PER_ROUTER ports of
 * RTC_INTERNAL_PORTS (which the recorders share), whatever W.
 */
export const PRODUCERS_PER_LINK = 8;
export const PIPE_SOCKETS_PER_ROUTER = 8;
/** After a pair failed to open (no free port, say), the routers make do with their open pairs for this long. */
export const OPEN_RETRY_MS = 10_000;

/** A pair's transport on each of its two routers, by router id. */
type Pair = ReadonlyMap<string, PipeTransport>;

/** One pipe transport pair between two routers, carrying producers both ways. */
type Link = {
	ready: Promise<Pair>;
	/** Producers it carries or is about to. */
	producers: number;
};

function pairKey(a: Router, b: Router): string {
	return a.id < b.id ? `${a.id} ${b.id}` : `${b.id} ${a.id}`;
}

function closePair(pair: Pair): void {
	for (const transport of pair.values()) {
		transport.close();
	}
}

/**
 * The pipes between the routers of one room: `pipe` makes a producer of one router consumable on
 * another (the pipe producer there has the producer's id) over the least-used pipe transport pair
 * of those two routers. The pipe follows the original: pause, resume and close. A pair closes when
 * either of its routers does.
 */
export class PipeLinks {
	/** By pairKey. */
	readonly #links = new Map<string, Link[]>();
	/** When a pair between two routers last failed to open, by pairKey. */
	readonly #openFailedAt = new Map<string, number>();
	/** How many routers the room has now (the cap on pairs follows it). */
	readonly #routers: () => number;
	#closed = false;

	constructor(options: { routers: () => number }) {
		this.#routers = options.routers;
	}

	/** Transport pairs open or opening between two routers (for tests: mediasoup does not tell a pipe transport apart). */
	linkCount(a: Router, b: Router): number {
		return this.#links.get(pairKey(a, b))?.length ?? 0;
	}

	/** The most pairs two routers open: ports stay about PIPE_SOCKETS_PER_ROUTER per router. */
	get maxLinksPerPair(): number {
		return Math.max(1, Math.ceil(PIPE_SOCKETS_PER_ROUTER / Math.max(1, this.#routers() - 1)));
	}

	async pipe(producer: Producer, from: Router, to: Router): Promise<Producer> {
		if (this.#closed) {
			throw new InvalidStateError('The media session closed');
		}
		const key = pairKey(from, to);
		let link = this.#choose(key, from, to);
		let release = this.#carry(link);
		const tried = new Set<Link>();
		try {
			let out: PipeTransport;
			let into: PipeTransport;
			for (;;) {
				tried.add(link);
				try {
					const pair = await link.ready;
					out = pair.get(from.id)!;
					into = pair.get(to.id)!;
					if (out.closed || into.closed) {
						throw new InvalidStateError('The pipe closed');
					}
					break;
				} catch (error) {
					// A pair that could not open (no free port left in RTC_INTERNAL_PORTS, say) or that
					// closed is dropped already: another pair, open or opening, carries this producer.
					release();
					const other = this.#least((this.#links.get(key) ?? []).filter((l) => !tried.has(l)));
					if (!other || this.#closed) {
						throw error;
					}
					link = other;
					release = this.#carry(link);
				}
			}
			const pipeConsumer = await out.consume({ producerId: producer.id });
			let pipeProducer: Producer;
			try {
				pipeProducer = await into.produce({
					id: producer.id,
					kind: pipeConsumer.kind,
					rtpParameters: pipeConsumer.rtpParameters,
					paused: pipeConsumer.producerPaused,
					appData: producer.appData,
				});
			} catch (error) {
				pipeConsumer.close();
				throw error;
			}
			if (producer.closed || pipeConsumer.closed || pipeProducer.closed || out.closed || into.closed) {
				pipeProducer.close();
				pipeConsumer.close();
				throw new InvalidStateError('The stream ended while it was being piped');
			}
			pipeConsumer.observer.on('close', () => pipeProducer.close());
			// The original paused or resumed: mediasoup tells the pipe consumer, the other side follows.
			// A pause or resume the worker failed to apply would leave the pipe in the wrong state for
			// good: closed instead, its consumers go and the next consume pipes the stream again.
			const follow = (change: Promise<void>): void => void change.catch(() => pipeProducer.close());
			pipeConsumer.observer.on('pause', () => follow(pipeProducer.pause()));
			pipeConsumer.observer.on('resume', () => follow(pipeProducer.resume()));
			const carried = release;
			pipeProducer.observer.once('close', () => {
				pipeConsumer.close();
				carried();
			});
			release = () => undefined;
			// Paused or resumed between the consume and the produce.
			if (pipeConsumer.producerPaused !== pipeProducer.paused) {
				try {
					await (pipeConsumer.producerPaused ? pipeProducer.pause() : pipeProducer.resume());
				} catch (error) {
					// Left open, it would hold the producer's id on that router for good.
					pipeProducer.close();
					throw error;
				}
			}
			return pipeProducer;
		} catch (error) {
			release();
			throw error;
		}
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const links of this.#links.values()) {
			for (const link of links) {
				link.ready.then(closePair, () => undefined);
			}
		}
		this.#links.clear();
	}

	/** Counts a producer on the link at once (so that pipes asked for together spread); the returned function uncounts it, once. */
	#carry(link: Link): () => void {
		link.producers += 1;
		let carried = true;
		return () => {
			if (carried) {
				carried = false;
				link.producers -= 1;
			}
		};
	}

	#least(links: Link[]): Link | undefined {
		return links.reduce<Link | undefined>((best, l) => (best === undefined || l.producers < best.producers ? l : best), undefined);
	}

	#choose(key: string, from: Router, to: Router): Link {
		const links = this.#links.get(key) ?? [];
		this.#links.set(key, links);
		const least = this.#least(links);
		const failedAt = this.#openFailedAt.get(key);
		const mayOpen = links.length < this.maxLinksPerPair && (failedAt === undefined || Date.now() - failedAt >= OPEN_RETRY_MS);
		if (least && (least.producers < PRODUCERS_PER_LINK || !mayOpen)) {
			return least;
		}
		const link: Link = { ready: this.#open(from, to), producers: 0 };
		links.push(link);
		const drop = (): void => {
			const list = this.#links.get(key);
			const at = list?.indexOf(link) ?? -1;
			if (list && at >= 0) {
				list.splice(at, 1);
				if (list.length === 0) {
					this.#links.delete(key);
				}
			}
		};
		link.ready.then(
			(pair) => {
				// Either side closing (its router or worker gone) ends the pair.
				for (const transport of pair.values()) {
					transport.observer.once('close', () => {
						closePair(pair);
						drop();
					});
				}
				if ([...pair.values()].some((t) => t.closed)) {
					closePair(pair);
					drop();
				}
			},
			() => {
				this.#openFailedAt.set(key, Date.now());
				drop();
			}
		);
		return link;
	}

	async #open(a: Router, b: Router): Promise<Pair> {
		const made = await Promise.allSettled([a.createPipeTransport({ listenIp: '127.0.0.1' }), b.createPipeTransport({ listenIp: '127.0.0.1' })]);
		const [ta, tb] = made.map((m) => (m.status === 'fulfilled' ? m.value : undefined));
		if (!ta || !tb) {
			ta?.close();
			tb?.close();
			// Mostly no free port in RTC_INTERNAL_PORTS: passing, so the consumer is asked again later.
			const reason = made.flatMap((m) => (m.status === 'rejected' ? [m.reason as unknown] : []))[0];
			throw new UnavailableError(`No pipe between the workers could open: ${(reason as Error).message}`);
		}
		const pair: Pair = new Map([
			[a.id, ta],
			[b.id, tb],
		]);
		try {
			await Promise.all([
				ta.connect({ ip: tb.tuple.localIp, port: tb.tuple.localPort }),
				tb.connect({ ip: ta.tuple.localIp, port: ta.tuple.localPort }),
			]);
		} catch (error) {
			closePair(pair);
			throw error;
		}
		if (this.#closed) {
			closePair(pair);
			throw new InvalidStateError('The media session closed');
		}
		return pair;
	}
}
