import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { InvalidPayloadError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import type { EnqueueInput, JobRecord, JobsRepository } from './jobs.repository.ts';

/** What a pino logger (fastify.log) offers and the runner uses. */
export type JobLog = {
	debug: (obj: object, msg: string) => void;
	info: (obj: object, msg: string) => void;
	warn: (obj: object, msg: string) => void;
	error: (obj: object, msg: string) => void;
	child: (bindings: Record<string, unknown>) => JobLog;
};

export type JobContext = {
	/** Aborted when the job is cancelled, its lease is lost, or the runner shuts down; reason is a JobAbortedError. */
	signal: AbortSignal;
	/** 0-100; stored and announced (job:progress) while this runner holds the job, else ignored. */
	progress: (percent: number) => Promise<void>;
	log: JobLog;
};

/** Resolves with the job's result (JSON-serialisable); a throw is a failed attempt. */
export type JobHandler = (job: JobRecord, ctx: JobContext) => Promise<unknown>;

export type JobAbortCause = 'cancelled' | 'lease-lost' | 'shutdown';

/** The reason of a handler's aborted signal. */
export class JobAbortedError extends Error {
	readonly why: JobAbortCause;

	constructor(why: JobAbortCause) {
		super(
			{
				cancelled: 'The job was cancelled',
				'lease-lost': 'Another runner took over the job (this runner stopped renewing its lease in time)',
				shutdown: 'The server is shutting down',
			}[why]
		);
		this.name = 'JobAbortedError';
		this.why = why;
	}
}

type JobRef = { id: string; kind: string; meetingId: string | null };

export type JobRunnerEvents = {
	'job:started': [JobRef & { attempt: number }];
	'job:progress': [JobRef & { progress: number }];
	'job:done': [JobRef & { result: unknown }];
	/** `final`: no retry follows; otherwise the job runs again from retryAt. */
	'job:failed': [JobRef & { error: string; attempts: number; final: boolean; retryAt: Date | null }];
	'job:cancelled': [JobRef];
};

export type JobRunnerOptions = {
	repository: JobsRepository;
	log: JobLog;
	/** Names this runner's leases; unique per runner (default: host, pid and a random part). */
	owner?: string;
	/** Jobs running at once over all kinds; default 1, since the SFU comes first on 2 cores. */
	concurrency?: number;
	/** Default 30 s: how long a runner that stopped (killed, frozen) keeps a job from the others. */
	leaseMs?: number;
	/** Default 10 s; well under leaseMs, so that one slow renewal does not lose the job. */
	heartbeatMs?: number;
	/** Default 1 s: how soon a job enqueued by another process, or a retry coming due, is seen. */
	pollMs?: number;
	/** First retry after about this long (default 10 s), doubling per attempt up to retryMaxMs (15 min). */
	retryBaseMs?: number;
	retryMaxMs?: number;
	/** How long close() waits for aborted handlers to return (default 10 s). */
	closeTimeoutMs?: number;
};

export type RegisterOptions = {
	/** Jobs of this kind running at once, within the runner's overall limit (default: no own limit). */
	concurrency?: number;
};

type Registration = { handler: JobHandler; concurrency: number; running: number };

type Running = {
	job: JobRecord;
	controller: AbortController;
	heartbeat: NodeJS.Timeout | undefined;
	beating: boolean;
	progress: number;
	done: Promise<void>;
};

/**
 * Delay before retry number `attempt` (1 = after the first failure): exponential, capped, and
 * jittered between half and all of it so that jobs that failed together (a full disk) do not all
 * come back in the same second.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling * (0.5 + random() * 0.5));
}

function messageOf(error: unknown): string {
	if (error instanceof Error) {
		return error.message || error.name;
	}
	return String(error);
}

function refOf(job: JobRecord): JobRef {
	return { id: job.id, kind: job.kind, meetingId: job.meetingId };
}

function positiveInteger(value: number, name: string): number {
	if (!Number.isInteger(value) || value < 1) {
		throw new InvalidPayloadError(`${name} must be a positive integer, not ${value}`);
	}
	return value;
}

/**
 * Runs the durable jobs of the registered kinds, as many at once as the limits allow. The queue
 * is the database: this runner leases a job, renews the lease while the handler runs and writes
 * the outcome only while it still holds it, so any number of runners (processes) may share one
 * database file, and a job of a runner that died is taken over once its lease expires.
 */
export class JobRunner extends TypedEmitter<JobRunnerEvents> {
	readonly owner: string;
	readonly #repo: JobsRepository;
	readonly #log: JobLog;
	readonly #concurrency: number;
	readonly #leaseMs: number;
	readonly #heartbeatMs: number;
	readonly #pollMs: number;
	readonly #retryBaseMs: number;
	readonly #retryMaxMs: number;
	readonly #closeTimeoutMs: number;
	readonly #kinds = new Map<string, Registration>();
	readonly #running = new Map<string, Running>();
	#started = false;
	#closed = false;
	/** Set when close() stopped waiting: late handlers then write nothing (the database may be closed). */
	#detached = false;
	#closing: Promise<void> | undefined;
	#pump: Promise<void> | undefined;
	#pumpAgain = false;
	#pollTimer: NodeJS.Timeout | undefined;

	constructor(options: JobRunnerOptions) {
		super((event, error) => options.log.error({ err: error, event }, 'JobRunner listener threw'));
		this.#repo = options.repository;
		this.#log = options.log;
		this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
		this.#concurrency = positiveInteger(options.concurrency ?? 1, 'concurrency');
		this.#leaseMs = positiveInteger(options.leaseMs ?? 30000, 'leaseMs');
		this.#heartbeatMs = positiveInteger(options.heartbeatMs ?? 10000, 'heartbeatMs');
		this.#pollMs = positiveInteger(options.pollMs ?? 1000, 'pollMs');
		this.#retryBaseMs = positiveInteger(options.retryBaseMs ?? 10000, 'retryBaseMs');
		this.#retryMaxMs = positiveInteger(options.retryMaxMs ?? 15 * 60 * 1000, 'retryMaxMs');
		this.#closeTimeoutMs = positiveInteger(options.closeTimeoutMs ?? 10000, 'closeTimeoutMs');
		if (this.#heartbeatMs >= this.#leaseMs) {
			throw new InvalidPayloadError(`heartbeatMs (${this.#heartbeatMs}) must be shorter than leaseMs (${this.#leaseMs})`);
		}
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Ids of the jobs whose handlers run in this runner now. */
	get runningJobIds(): string[] {
		return [...this.#running.keys()];
	}

	/**
	 * Handles jobs of `kind` from now on; one handler per kind. A handler stopped by its signal must
	 * throw (spawnNiced's AbortError does): returning means the work is done, and its result is kept
	 * even if the runner was shutting down meanwhile.
	 */
	register(kind: string, handler: JobHandler, options: RegisterOptions = {}): void {
		if (this.#closed) {
			throw new InvalidStateError(`The job runner is closed; cannot register "${kind}"`);
		}
		if (this.#kinds.has(kind)) {
			throw new InvalidStateError(`A handler for job kind "${kind}" is already registered`);
		}
		this.#kinds.set(kind, { handler, concurrency: positiveInteger(options.concurrency ?? Number.MAX_SAFE_INTEGER, 'concurrency'), running: 0 });
		this.#wake();
	}

	/** Starts taking jobs (the app does it once ready, so that every feature has registered). */
	start(): void {
		if (this.#closed || this.#started) {
			return;
		}
		this.#started = true;
		this.#wake();
	}

	/**
	 * Adds a job, or finds the one with the same key (whatever its status: use retry to run a
	 * failed or cancelled one again). Any runner on the database may run it.
	 */
	async enqueue(input: EnqueueInput): Promise<{ job: JobRecord; created: boolean }> {
		if (input.kind.trim() === '' || input.key.trim() === '') {
			throw new InvalidPayloadError('A job needs a kind and a key');
		}
		if (input.priority !== undefined && !Number.isInteger(input.priority)) {
			throw new InvalidPayloadError(`priority must be an integer, not ${input.priority}`);
		}
		if (input.maxAttempts !== undefined) {
			positiveInteger(input.maxAttempts, 'maxAttempts');
		}
		const outcome = await this.#repo.enqueue(input);
		if (outcome.created) {
			this.#wake();
		}
		return outcome;
	}

	/**
	 * Cancels a queued or running job; a running one's handler sees its signal aborted (at once
	 * here, at the next heartbeat in another runner). Cancelling a cancelled job changes nothing.
	 */
	async cancel(id: string): Promise<JobRecord> {
		const outcome = await this.#repo.cancel(id);
		if (!outcome) {
			throw new NotFoundError(`No job ${id}`);
		}
		const { job, changed } = outcome;
		if (!changed) {
			if (job.status !== 'cancelled') {
				throw new InvalidStateError(`The job is already ${job.status}`);
			}
			return job;
		}
		const local = this.#running.get(id);
		if (local) {
			// job:cancelled follows once the handler has returned.
			local.controller.abort(new JobAbortedError('cancelled'));
		} else {
			this.safeEmit('job:cancelled', refOf(job));
		}
		return job;
	}

	/** Queues a failed or cancelled job again, with all its attempts. */
	async retry(id: string): Promise<JobRecord> {
		const job = await this.#repo.retry(id);
		if (!job) {
			const current = await this.#repo.findById(id);
			throw current ? new InvalidStateError(`Only a failed or cancelled job is retried; this one is ${current.status}`) : new NotFoundError(`No job ${id}`);
		}
		this.#wake();
		return job;
	}

	/**
	 * Stops taking jobs, aborts the running handlers (reason: shutdown) and waits for them up to
	 * closeTimeoutMs. A job whose handler returned is handed back to the queue (its attempt not
	 * counted); one that did not return is left to its lease, which expires. Idempotent.
	 */
	close(): Promise<void> {
		if (this.#closing) {
			return this.#closing;
		}
		this.#closed = true;
		clearTimeout(this.#pollTimer);
		this.#closing = (async () => {
			await this.#pump;
			for (const entry of this.#running.values()) {
				entry.controller.abort(new JobAbortedError('shutdown'));
			}
			const all = Promise.allSettled([...this.#running.values()].map((entry) => entry.done));
			let timer: NodeJS.Timeout | undefined;
			const timedOut = await Promise.race([
				all.then(() => false),
				new Promise<boolean>((resolve) => {
					timer = setTimeout(() => resolve(true), this.#closeTimeoutMs);
				}),
			]);
			clearTimeout(timer);
			if (timedOut) {
				this.#detached = true;
				for (const entry of this.#running.values()) {
					clearInterval(entry.heartbeat);
				}
				this.#log.warn({ jobs: this.runningJobIds }, 'job handlers did not stop in time; their leases will expire');
			}
		})();
		return this.#closing;
	}

	/** Looks for due jobs now (after an enqueue, a job finishing, a registration) rather than at the next poll. */
	#wake(): void {
		if (!this.#started || this.#closed) {
			return;
		}
		if (this.#pump) {
			this.#pumpAgain = true;
			return;
		}
		clearTimeout(this.#pollTimer);
		this.#pump = this.#fill().finally(() => {
			this.#pump = undefined;
			if (this.#closed) {
				return;
			}
			if (this.#pumpAgain) {
				this.#pumpAgain = false;
				this.#wake();
				return;
			}
			this.#pollTimer = setTimeout(() => this.#wake(), this.#pollMs);
			this.#pollTimer.unref();
		});
	}

	/** Kinds that may start one more job now. */
	#kindsWithRoom(): string[] {
		return [...this.#kinds].filter(([, registration]) => registration.running < registration.concurrency).map(([kind]) => kind);
	}

	async #fill(): Promise<void> {
		try {
			while (!this.#closed && this.#running.size < this.#concurrency) {
				const kinds = this.#kindsWithRoom();
				if (kinds.length === 0) {
					return;
				}
				const now = new Date();
				const job = await this.#repo.leaseNext({ owner: this.owner, kinds, now, leaseUntil: new Date(now.getTime() + this.#leaseMs) });
				if (!job) {
					return;
				}
				if (this.#closed) {
					// close() began during the lease: hand the job straight back.
					await this.#repo.release(job.id, this.owner);
					return;
				}
				this.#run(job);
			}
		} catch (error) {
			// The database is busy or failing: the next poll tries again.
			this.#log.error({ err: error }, 'could not lease a job');
		}
	}

	#run(job: JobRecord): void {
		const registration = this.#kinds.get(job.kind);
		if (!registration) {
			// Cannot happen: only registered kinds are leased, and kinds are never unregistered.
			throw new InvalidStateError(`No handler for job kind "${job.kind}"`);
		}
		const entry: Running = { job, controller: new AbortController(), heartbeat: undefined, beating: false, progress: 0, done: Promise.resolve() };
		this.#running.set(job.id, entry);
		registration.running += 1;
		entry.heartbeat = setInterval(() => void this.#beat(entry), this.#heartbeatMs);
		entry.heartbeat.unref();
		this.safeEmit('job:started', { ...refOf(job), attempt: job.attempts });
		entry.done = this.#execute(entry, registration.handler).finally(() => {
			clearInterval(entry.heartbeat);
			this.#running.delete(job.id);
			registration.running -= 1;
			this.#wake();
		});
	}

	async #execute(entry: Running, handler: JobHandler): Promise<void> {
		const { job, controller } = entry;
		const log = this.#log.child({ jobId: job.id, kind: job.kind });
		const ctx: JobContext = { signal: controller.signal, progress: (percent) => this.#progress(entry, percent), log };
		let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
		try {
			outcome = { ok: true, result: await handler(job, ctx) };
		} catch (error) {
			outcome = { ok: false, error };
		}
		clearInterval(entry.heartbeat);
		if (this.#detached) {
			log.warn({}, 'job handler returned after the runner closed; nothing recorded');
			return;
		}
		try {
			const reason: unknown = controller.signal.aborted ? controller.signal.reason : null;
			// A handler that finished its work keeps its result, unless the job was cancelled: only an
			// unfinished job is handed back on shutdown or a lost lease.
			if (reason instanceof JobAbortedError && (reason.why === 'cancelled' || !outcome.ok)) {
				await this.#settleAborted(job, reason.why, log);
			} else if (outcome.ok) {
				if (await this.#repo.complete(job.id, this.owner, outcome.result)) {
					log.info({ attempts: job.attempts }, 'job done');
					this.safeEmit('job:done', { ...refOf(job), result: outcome.result });
				} else {
					await this.#noLongerHeld(job, log);
				}
			} else {
				await this.#recordFailure(job, outcome.error, log);
			}
		} catch (error) {
			// The lease expires and another attempt follows: at worst the job runs again.
			log.error({ err: error }, 'could not record the job’s outcome');
		}
	}

	async #settleAborted(job: JobRecord, why: JobAbortCause, log: JobLog): Promise<void> {
		switch (why) {
			case 'cancelled':
				log.info({}, 'job cancelled');
				this.safeEmit('job:cancelled', refOf(job));
				return;
			case 'lease-lost':
				log.warn({}, 'job lease lost; another runner has it');
				return;
			case 'shutdown':
				await this.#repo.release(job.id, this.owner);
				return;
		}
	}

	async #recordFailure(job: JobRecord, error: unknown, log: JobLog): Promise<void> {
		const message = messageOf(error);
		const retryAt = new Date(Date.now() + retryDelayMs(job.attempts, this.#retryBaseMs, this.#retryMaxMs));
		const state = await this.#repo.fail(job, this.owner, message, retryAt);
		if (state === null) {
			await this.#noLongerHeld(job, log);
			return;
		}
		const final = state === 'failed';
		log.warn({ err: error, attempts: job.attempts, maxAttempts: job.maxAttempts, retryAt: final ? null : retryAt }, final ? 'job failed' : 'job attempt failed; will retry');
		this.safeEmit('job:failed', { ...refOf(job), error: message, attempts: job.attempts, final, retryAt: final ? null : retryAt });
	}

	/** The outcome was not written: the job was cancelled meanwhile, or another runner took it over. */
	async #noLongerHeld(job: JobRecord, log: JobLog): Promise<void> {
		const current = await this.#repo.findById(job.id);
		if (current === null || current.status === 'cancelled') {
			this.safeEmit('job:cancelled', refOf(job));
			return;
		}
		log.warn({ status: current.status, leaseOwner: current.leaseOwner }, 'job outcome not recorded: this runner no longer holds the job');
	}

	async #beat(entry: Running): Promise<void> {
		if (entry.beating || entry.controller.signal.aborted) {
			return;
		}
		entry.beating = true;
		try {
			const held = await this.#repo.heartbeat(entry.job.id, this.owner, new Date(Date.now() + this.#leaseMs));
			if (!held && !entry.controller.signal.aborted) {
				const current = await this.#repo.findById(entry.job.id);
				// A job deleted with its meeting counts as cancelled.
				entry.controller.abort(new JobAbortedError(current === null || current.status === 'cancelled' ? 'cancelled' : 'lease-lost'));
			}
		} catch (error) {
			this.#log.warn({ err: error, jobId: entry.job.id }, 'could not renew a job lease');
		} finally {
			entry.beating = false;
		}
	}

	async #progress(entry: Running, percent: number): Promise<void> {
		const value = Math.max(0, Math.min(100, Math.round(percent)));
		if (!Number.isFinite(value) || value === entry.progress || entry.controller.signal.aborted || this.#detached) {
			return;
		}
		if (await this.#repo.setProgress(entry.job.id, this.owner, value)) {
			entry.progress = value;
			this.safeEmit('job:progress', { ...refOf(entry.job), progress: value });
		}
	}
}
