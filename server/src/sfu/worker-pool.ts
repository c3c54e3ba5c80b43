import * as mediasoup from 'mediasoup';
import type { Router, RtpCodecCapability, WebRtcServer, Worker, WorkerLogLevel } from 'mediasoup/node/lib/types.js';
import { UnavailableError } from '../lib/errors.ts';
import { TypedEmitter } from '../lib/typed-emitter.ts';

export type WorkerPoolOptions = {
	numWorkers: number;
	logLevel: WorkerLogLevel;
	listenIp: string;
	announcedAddress: string;
	/** Worker i's WebRtcServer listens on portBase + i, UDP and TCP. */
	portBase: number;
	/** Ports of the transports that are not WebRTC (the recorders' plain transports), loopback only. */
	internalPorts?: { min: number; max: number };
	/** First delay before replacing a dead worker; doubles while respawning fails. */
	respawnDelayMs?: number;
};

type Log = {
	info: (obj: object, msg: string) => void;
	warn: (obj: object, msg: string) => void;
	error: (obj: object, msg: string) => void;
};

/** One worker process and its WebRtcServer, or a slot waiting for a replacement. */
export type WorkerSlot = {
	readonly index: number;
	readonly port: number;
	worker: Worker | undefined;
	webRtcServer: WebRtcServer | undefined;
	routers: number;
	/** Sites whose media this worker carries, over all meetings: what placement balances. */
	peers: number;
	deaths: number;
};

/** A slot whose worker is running. */
export type LiveSlot = WorkerSlot & { worker: Worker; webRtcServer: WebRtcServer };

export type WorkerPoolEvents = {
	/** A worker died; its routers are already closed. */
	'worker-died': [WorkerSlot, Error];
	/** A replacement worker for the slot is running. */
	'worker-replaced': [WorkerSlot];
};

export type WorkerPoolStatus = {
	ready: boolean;
	workers: { index: number; port: number; pid: number | null; alive: boolean; routers: number; peers: number; deaths: number }[];
};

/**
 * The mediasoup workers: one process per core, each with one WebRtcServer on a fixed port so
 * that a firewall opens exactly numWorkers UDP and TCP ports. A worker that dies is logged and
 * replaced on the same port; until then the pool is not ready.
 */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
	readonly #options: WorkerPoolOptions;
	readonly #log: Log;
	readonly #slots: WorkerSlot[] = [];
	readonly #timers = new Set<NodeJS.Timeout>();
	#closed = false;

	static async create(options: WorkerPoolOptions, log: Log): Promise<WorkerPool> {
		const pool = new WorkerPool(options, log);
		try {
			for (let index = 0; index < options.numWorkers; index += 1) {
				const slot: WorkerSlot = {
					index,
					port: options.portBase + index,
					worker: undefined,
					webRtcServer: undefined,
					routers: 0,
					peers: 0,
					deaths: 0,
				};
				pool.#slots.push(slot);
				await pool.#start(slot);
			}
		} catch (error) {
			pool.close();
			throw error;
		}
		return pool;
	}

	private constructor(options: WorkerPoolOptions, log: Log) {
		super((event, error) => log.error({ err: error, event }, 'WorkerPool listener threw'));
		this.#options = options;
		this.#log = log;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get ready(): boolean {
		return !this.#closed && this.#slots.every((slot) => slot.worker !== undefined && !slot.worker.died);
	}

	status(): WorkerPoolStatus {
		return {
			ready: this.ready,
			workers: this.#slots.map((slot) => ({
				index: slot.index,
				port: slot.port,
				pid: slot.worker?.pid ?? null,
				alive: slot.worker !== undefined && !slot.worker.died,
				routers: slot.routers,
				peers: slot.peers,
				deaths: slot.deaths,
			})),
		};
	}

	/** Live workers, for tests and benchmarks that need a specific one. */
	get slots(): readonly WorkerSlot[] {
		return this.#slots;
	}

	/**
	 * The live worker carrying the fewest sites (then the fewest routers): sites, and so the
	 * meetings' load, spread over the cores.
	 */
	leastLoaded(): LiveSlot {
		let best: LiveSlot | undefined;
		for (const slot of this.#slots) {
			if (slot.worker && slot.webRtcServer && !slot.worker.died && (!best || slot.peers < best.peers || (slot.peers === best.peers && slot.routers < best.routers))) {
				best = slot as LiveSlot;
			}
		}
		if (!best || this.#closed) {
			throw new UnavailableError('No media worker is available; try again in a few seconds');
		}
		return best;
	}

	/** Creates a router on `slot` (default: the least-loaded worker); the router count follows its lifetime. */
	async createRouter(mediaCodecs: RtpCodecCapability[], slot: LiveSlot = this.leastLoaded()): Promise<{ router: Router; slot: WorkerSlot; webRtcServer: WebRtcServer }> {
		const router = await slot.worker.createRouter({ mediaCodecs });
		slot.routers += 1;
		router.observer.once('close', () => {
			slot.routers -= 1;
		});
		return { router, slot, webRtcServer: slot.webRtcServer };
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const timer of this.#timers) {
			clearTimeout(timer);
		}
		this.#timers.clear();
		for (const slot of this.#slots) {
			slot.worker?.close();
		}
	}

	async #start(slot: WorkerSlot): Promise<void> {
		const { listenIp, announcedAddress, logLevel } = this.#options;
		const ports = this.#options.internalPorts;
		const worker = await mediasoup.createWorker({ logLevel, appData: { index: slot.index }, ...(ports ? { rtcMinPort: ports.min, rtcMaxPort: ports.max } : {}) });
		try {
			const announcedIp = listenIp === announcedAddress ? undefined : announcedAddress;
			const webRtcServer = await worker.createWebRtcServer({
				listenInfos: [
					{ protocol: 'udp', ip: listenIp, announcedIp, port: slot.port },
					{ protocol: 'tcp', ip: listenIp, announcedIp, port: slot.port },
				],
			});
			slot.worker = worker;
			slot.webRtcServer = webRtcServer;
			slot.routers = 0;
			slot.peers = 0;
		} catch (error) {
			worker.close();
			throw error;
		}
		worker.on('died', (error) => this.#onDied(slot, worker, error));
		this.#log.info({ index: slot.index, pid: worker.pid, port: slot.port }, 'mediasoup worker started');
	}

	#onDied(slot: WorkerSlot, worker: Worker, error: Error): void {
		if (slot.worker !== worker) {
			return;
		}
		slot.worker = undefined;
		slot.webRtcServer = undefined;
		slot.deaths += 1;
		this.#log.error({ err: error, index: slot.index, pid: worker.pid }, 'mediasoup worker died; replacing it');
		this.safeEmit('worker-died', slot, error);
		this.#scheduleRespawn(slot, this.#options.respawnDelayMs ?? 1000);
	}

	#scheduleRespawn(slot: WorkerSlot, delayMs: number): void {
		if (this.#closed) {
			return;
		}
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			if (this.#closed) {
				return;
			}
			this.#start(slot).then(
				() => {
					if (this.#closed) {
						slot.worker?.close();
						return;
					}
					this.safeEmit('worker-replaced', slot);
				},
				(error: unknown) => {
					const next = Math.min(delayMs * 2, 30000);
					this.#log.warn({ err: error, index: slot.index, retryInMs: next }, 'mediasoup worker respawn failed');
					this.#scheduleRespawn(slot, next);
				}
			);
		}, delayMs);
		this.#timers.add(timer);
	}
}
