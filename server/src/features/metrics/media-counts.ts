import type { Worker } from 'mediasoup/node/lib/types.js';
import type { WorkerPool } from '../../sfu/worker-pool.ts';

/**
 * Producers and consumers alive per worker slot, counted from mediasoup's observer events (every
 * router, transport, producer and consumer of the worker, the recorders' plain transports
 * included). A replacement worker starts again from zero; the dead one's objects closed with it.
 */
export class MediaCounts {
	readonly #counts = new Map<number, { producers: number; consumers: number }>();

	constructor(pool: WorkerPool) {
		for (const slot of pool.slots) {
			if (slot.worker) {
				this.#follow(slot.index, slot.worker);
			}
		}
		pool.on('worker-replaced', (slot) => {
			if (slot.worker) {
				this.#follow(slot.index, slot.worker);
			}
		});
	}

	get(index: number): { producers: number; consumers: number } {
		return { ...(this.#counts.get(index) ?? { producers: 0, consumers: 0 }) };
	}

	#follow(index: number, worker: Worker): void {
		const counts = { producers: 0, consumers: 0 };
		this.#counts.set(index, counts);
		worker.observer.on('newrouter', (router) => {
			router.observer.on('newtransport', (transport) => {
				transport.observer.on('newproducer', (producer) => {
					counts.producers += 1;
					producer.observer.once('close', () => (counts.producers -= 1));
				});
				transport.observer.on('newconsumer', (consumer) => {
					counts.consumers += 1;
					consumer.observer.once('close', () => (counts.consumers -= 1));
				});
			});
		});
	}
}
