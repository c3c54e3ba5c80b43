import type { PipeTransport, Producer, Router } from 'mediasoup/node/lib/types.js';
import { InvalidStateError } from '../lib/errors.ts';

/**
 * A new pipe transport pair is opened for every this many producers piped one way between two
 * routers, up to MAX_LINKS. mediasoup's own pipeToRouter puts everything one router sends another
 * through ONE pair, so all of it lands in one UDP socket of the receiving worker: measured at 171
 * sites on 2 workers (bench/forwarding.ts), that socket's receive buffer overflowed whenever the
 * worker was scheduled out for a few milliseconds (every drop of the run was there, none at the
 * 171 ingress sockets). Spreading the producers over several sockets gives each burst several
 * buffers.
 */
export const PRODUCERS_PER_LINK = 8;
export const MAX_LINKS = 16;

type Transports = { out: PipeTransport; in: PipeTransport };

/** One pipe transport pair carrying producers from one router to another (one way). */
type Link = {
	ready: Promise<Transports>;
	/** Producers it carries or is about to. */
	producers: number;
};

/**
 * The pipes between the routers of one room: `pipe` makes a producer of one router consumable on
 * another (the pipe producer there has the producer's id), over the least-used pipe transport pair
 * of that direction, opening another while they carry PRODUCERS_PER_LINK each. The pipe follows the
 * original: pause, resume and close. A pair closes when either of its routers does.
 */
export class PipeLinks {
	/** By `${fromRouterId} ${toRouterId}`. */
	readonly #links = new Map<string, Link[]>();
	#closed = false;

	/** Transport pairs open or opening from one router to another (metrics, tests). */
	linkCount(from: Router, to: Router): number {
		return this.#links.get(`${from.id} ${to.id}`)?.length ?? 0;
	}

	async pipe(producer: Producer, from: Router, to: Router): Promise<Producer> {
		if (this.#closed) {
			throw new InvalidStateError('The media session closed');
		}
		let link = this.#choose(from, to);
		let release = this.#carry(link);
		try {
			let transports: Transports;
			for (;;) {
				try {
					transports = await link.ready;
					break;
				} catch (error) {
					// A new pair that could not open (no free port left in RTC_INTERNAL_PORTS, say) is
					// dropped already: another pair, open or opening, carries this producer.
					release();
					const other = this.#least(this.#links.get(`${from.id} ${to.id}`) ?? []);
					if (!other) {
						throw error;
					}
					link = other;
					release = this.#carry(link);
				}
			}
			const pipeConsumer = await transports.out.consume({ producerId: producer.id });
			let pipeProducer: Producer;
			try {
				pipeProducer = await transports.in.produce({
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
			if (producer.closed || pipeConsumer.closed || pipeProducer.closed) {
				pipeProducer.close();
				pipeConsumer.close();
				throw new InvalidStateError('The stream ended while it was being piped');
			}
			pipeConsumer.observer.on('close', () => pipeProducer.close());
			// The original paused or resumed: mediasoup tells the pipe consumer, the other side follows.
			pipeConsumer.observer.on('pause', () => void pipeProducer.pause().catch(() => undefined));
			pipeConsumer.observer.on('resume', () => void pipeProducer.resume().catch(() => undefined));
			const carried = release;
			pipeProducer.observer.once('close', () => {
				pipeConsumer.close();
				carried();
			});
			release = () => undefined;
			// Paused or resumed between the consume and the produce.
			if (pipeConsumer.producerPaused !== pipeProducer.paused) {
				await (pipeConsumer.producerPaused ? pipeProducer.pause() : pipeProducer.resume());
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
				link.ready.then(
					(t) => {
						t.out.close();
						t.in.close();
					},
					() => undefined,
				);
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

	#choose(from: Router, to: Router): Link {
		const key = `${from.id} ${to.id}`;
		const links = this.#links.get(key) ?? [];
		this.#links.set(key, links);
		const least = this.#least(links);
		if (least && (least.producers < PRODUCERS_PER_LINK || links.length >= MAX_LINKS)) {
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
		link.ready.then((t) => {
			// Either side closing (its router or worker gone) ends the pair.
			t.out.observer.once('close', () => {
				t.in.close();
				drop();
			});
			t.in.observer.once('close', () => {
				t.out.close();
				drop();
			});
			if (t.out.closed || t.in.closed) {
				t.out.close();
				t.in.close();
				drop();
			}
		}, drop);
		return link;
	}

	async #open(from: Router, to: Router): Promise<Transports> {
		const [out, into] = await Promise.allSettled([from.createPipeTransport({ listenIp: '127.0.0.1' }), to.createPipeTransport({ listenIp: '127.0.0.1' })]);
		if (out.status === 'rejected' || into.status === 'rejected') {
			if (out.status === 'fulfilled') {
				out.value.close();
			}
			if (into.status === 'fulfilled') {
				into.value.close();
			}
			throw out.status === 'rejected' ? out.reason : (into as PromiseRejectedResult).reason;
		}
		const transports = { out: out.value, in: into.value };
		try {
			await Promise.all([
				transports.out.connect({ ip: transports.in.tuple.localIp, port: transports.in.tuple.localPort }),
				transports.in.connect({ ip: transports.out.tuple.localIp, port: transports.out.tuple.localPort }),
			]);
		} catch (error) {
			transports.out.close();
			transports.in.close();
			throw error;
		}
		if (this.#closed) {
			transports.out.close();
			transports.in.close();
			throw new InvalidStateError('The media session closed');
		}
		return transports;
	}
}
