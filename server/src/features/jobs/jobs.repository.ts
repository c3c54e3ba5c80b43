import type { JobStatus } from '#shared/api/jobs.ts';
import type { Database } from '../../db/open-database.ts';
import type { Prisma, Job as JobRow } from '../../generated/prisma/client.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';

/** A job as the runner and the services see it: payload and result parsed, no Prisma types. */
export type JobRecord = {
	id: string;
	kind: string;
	key: string;
	payload: unknown;
	status: JobStatus;
	priority: number;
	attempts: number;
	maxAttempts: number;
	runAfter: Date;
	leaseOwner: string | null;
	leaseUntil: Date | null;
	progress: number;
	/** The handler's result once done, else null. */
	result: unknown;
	error: string;
	meetingId: string | null;
	createdAt: Date;
	updatedAt: Date;
	finishedAt: Date | null;
};

export type EnqueueInput = {
	kind: string;
	/** Same key, same work: see enqueue. */
	key: string;
	/** JSON-serialisable input of the handler. */
	payload?: unknown;
	meetingId?: string | null;
	priority?: number;
	maxAttempts?: number;
	/** Not before this time (default: now). */
	runAfter?: Date;
};

/** A job leased to one runner: the fields fail() needs to decide between a retry and the end. */
export type LeasedJob = Pick<JobRecord, 'id' | 'attempts' | 'maxAttempts'>;

/** Failure messages are for people reading the meeting page and the log, not whole stderr dumps. */
const MAX_ERROR_LENGTH = 2000;

/** How many due candidates one leaseNext tries when other runners keep taking them first. */
const LEASE_TRIES = 8;

function toRecord(row: JobRow): JobRecord {
	return {
		...row,
		payload: JSON.parse(row.payload) as unknown,
		result: row.result === '' ? null : (JSON.parse(row.result) as unknown),
	};
}

function clippedError(message: string): string {
	return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

/** Queued and due, or running under a lease its holder stopped renewing (a runner that died). */
function due(now: Date): Prisma.JobWhereInput {
	return { OR: [{ status: 'queued', runAfter: { lte: now } }, { status: 'running', leaseUntil: { lt: now } }] };
}

/**
 * The durable job queue. Every state change that a runner makes is a conditional update on
 * (id, leaseOwner, status): SQLite runs each UPDATE alone, so of two runners (processes) racing
 * for a job or writing its outcome, exactly one matches and the other sees count 0.
 */
export function createJobsRepository(db: Database) {
	return {
		/**
		 * Adds a job unless one with this key exists, in which case that one is returned whatever its
		 * status: a finished job is not run again by enqueueing it again (see retry).
		 */
		async enqueue(input: EnqueueInput): Promise<{ job: JobRecord; created: boolean }> {
			const existing = await db.job.findUnique({ where: { key: input.key } });
			if (existing) {
				return { job: toRecord(existing), created: false };
			}
			try {
				const row = await db.job.create({
					data: {
						kind: input.kind,
						key: input.key,
						payload: JSON.stringify(input.payload ?? {}),
						meetingId: input.meetingId ?? null,
						priority: input.priority ?? 0,
						maxAttempts: input.maxAttempts ?? 5,
						// Always set here: the column's SQL default has another text format than Prisma's dates.
						runAfter: input.runAfter ?? new Date(),
					},
				});
				return { job: toRecord(row), created: true };
			} catch (error) {
				// Another process added the same key between the lookup and the insert.
				if (isUniqueViolation(error)) {
					return { job: toRecord(await db.job.findUniqueOrThrow({ where: { key: input.key } })), created: false };
				}
				throw error;
			}
		},

		async findById(id: string): Promise<JobRecord | null> {
			const row = await db.job.findUnique({ where: { id } });
			return row ? toRecord(row) : null;
		},

		/**
		 * Leases the most urgent due job of these kinds to `owner` until `leaseUntil`, counting an
		 * attempt: an attempt is a start, so a job whose runner dies mid-way (a crash it may have
		 * caused) uses up its attempts too instead of being retried forever.
		 */
		async leaseNext(options: { owner: string; kinds: string[]; now: Date; leaseUntil: Date }): Promise<JobRecord | null> {
			const { owner, kinds, now, leaseUntil } = options;
			if (kinds.length === 0) {
				return null;
			}
			for (let tries = 0; tries < LEASE_TRIES; tries += 1) {
				const candidate = await db.job.findFirst({
					where: { kind: { in: kinds }, ...due(now) },
					orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
					select: { id: true, status: true, attempts: true, maxAttempts: true },
				});
				if (!candidate) {
					return null;
				}
				if (candidate.status === 'running' && candidate.attempts >= candidate.maxAttempts) {
					await db.job.updateMany({
						where: { id: candidate.id, ...due(now) },
						data: {
							status: 'failed',
							error: `The runner stopped during the last of ${candidate.maxAttempts} attempts (its lease expired)`,
							leaseUntil: null,
							finishedAt: now,
						},
					});
					continue;
				}
				const [row] = await db.job.updateManyAndReturn({
					where: { id: candidate.id, ...due(now) },
					data: { status: 'running', leaseOwner: owner, leaseUntil, attempts: { increment: 1 }, progress: 0 },
				});
				if (row) {
					return toRecord(row);
				}
			}
			return null;
		},

		/** Renews the lease; false when `owner` no longer holds a running job (cancelled, or taken after expiry). */
		async heartbeat(id: string, owner: string, leaseUntil: Date): Promise<boolean> {
			const { count } = await db.job.updateMany({ where: { id, leaseOwner: owner, status: 'running' }, data: { leaseUntil } });
			return count === 1;
		},

		async setProgress(id: string, owner: string, progress: number): Promise<boolean> {
			const { count } = await db.job.updateMany({ where: { id, leaseOwner: owner, status: 'running' }, data: { progress } });
			return count === 1;
		},

		/** Writes the result once: false (and nothing written) unless `owner` still runs the job. */
		async complete(id: string, owner: string, result: unknown): Promise<boolean> {
			const { count } = await db.job.updateMany({
				where: { id, leaseOwner: owner, status: 'running' },
				data: { status: 'done', result: JSON.stringify(result ?? null), progress: 100, error: '', leaseUntil: null, finishedAt: new Date() },
			});
			return count === 1;
		},

		/**
		 * Records a failed attempt: queued again from `retryAt` while attempts remain, else failed for
		 * good. Null (nothing written) unless `owner` still runs the job.
		 */
		async fail(job: LeasedJob, owner: string, message: string, retryAt: Date): Promise<'queued' | 'failed' | null> {
			const final = job.attempts >= job.maxAttempts;
			const { count } = await db.job.updateMany({
				where: { id: job.id, leaseOwner: owner, status: 'running' },
				data: final
					? { status: 'failed', error: clippedError(message), leaseUntil: null, finishedAt: new Date() }
					: { status: 'queued', error: clippedError(message), leaseOwner: null, leaseUntil: null, runAfter: retryAt },
			});
			if (count === 0) {
				return null;
			}
			return final ? 'failed' : 'queued';
		},

		/**
		 * Hands a job back untouched (its runner shuts down): queued at once, and the interrupted
		 * attempt is not counted.
		 */
		async release(id: string, owner: string): Promise<boolean> {
			const { count } = await db.job.updateMany({
				where: { id, leaseOwner: owner, status: 'running' },
				data: { status: 'queued', leaseOwner: null, leaseUntil: null, runAfter: new Date(), attempts: { decrement: 1 }, progress: 0 },
			});
			return count === 1;
		},

		/**
		 * Cancels a queued or running job (the runner holding a running one sees it at its next
		 * heartbeat). Returns the job as it is afterwards, or null if there is none.
		 */
		async cancel(id: string): Promise<{ job: JobRecord; changed: boolean } | null> {
			const [row] = await db.job.updateManyAndReturn({
				where: { id, status: { in: ['queued', 'running'] } },
				data: { status: 'cancelled', leaseUntil: null, finishedAt: new Date() },
			});
			if (row) {
				return { job: toRecord(row), changed: true };
			}
			const current = await db.job.findUnique({ where: { id } });
			return current ? { job: toRecord(current), changed: false } : null;
		},

		/** Queues a failed or cancelled job again with fresh attempts; null if it is in neither state. */
		async retry(id: string): Promise<JobRecord | null> {
			const [row] = await db.job.updateManyAndReturn({
				where: { id, status: { in: ['failed', 'cancelled'] } },
				data: { status: 'queued', attempts: 0, progress: 0, error: '', result: '', runAfter: new Date(), leaseOwner: null, leaseUntil: null, finishedAt: null },
			});
			return row ? toRecord(row) : null;
		},

		/** Oldest first: the order the work was asked for. */
		/** Failed jobs of these kinds that changed since `since`, oldest first, at most `limit`. */
		async listFailed(kinds: readonly string[], since: Date, limit = 1000): Promise<JobRecord[]> {
			const rows = await db.job.findMany({ where: { status: 'failed', kind: { in: [...kinds] }, updatedAt: { gte: since } }, orderBy: { createdAt: 'asc' }, take: limit });
			return rows.map(toRecord);
		},

		/** Per kind: jobs waiting (queued, due or not) and running, and the creation time of the oldest waiting one. */
		async queueStats(): Promise<{ kind: string; status: 'queued' | 'running'; count: number; oldestCreatedAt: Date | null }[]> {
			const rows = await db.job.groupBy({ by: ['kind', 'status'], where: { status: { in: ['queued', 'running'] } }, _count: { _all: true }, _min: { createdAt: true } });
			return rows.map((r) => ({ kind: r.kind, status: r.status as 'queued' | 'running', count: r._count._all, oldestCreatedAt: r._min.createdAt }));
		},

		async listForMeeting(meetingId: string): Promise<JobRecord[]> {
			const rows = await db.job.findMany({ where: { meetingId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
			return rows.map(toRecord);
		},
	};
}

export type JobsRepository = ReturnType<typeof createJobsRepository>;
