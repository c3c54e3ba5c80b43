import { afterEach, describe, expect, it } from 'vitest';
import { JobAbortedError, type JobRunnerEvents } from '../../../server/src/features/jobs/job-runner.ts';
import { InvalidPayloadError, InvalidStateError, NotFoundError } from '../../../server/src/lib/errors.ts';
import { gate, JobsFixture, recordingLog, sleep, waitFor } from './jobs-fixture.ts';

const WAIT = 15000;

describe('JobRunner', () => {
	let fixture: JobsFixture | undefined;
	afterEach(async () => {
		await fixture?.close();
		fixture = undefined;
	});

	it('retries a failing job with backoff, then fails it after maxAttempts with the last error', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const log = recordingLog();
		const runner = fixture.runner(repository, { log });
		const failures: JobRunnerEvents['job:failed'][0][] = [];
		runner.on('job:failed', (event) => failures.push(event));
		const starts: number[] = [];
		runner.register('flaky', async (job) => {
			starts.push(Date.now());
			if (job.attempts === 2) {
				// Not an Error: still a failed attempt, recorded by its text.
				// eslint-disable-next-line @typescript-eslint/only-throw-error
				throw 'disk full';
			}
			throw new Error(`boom ${job.attempts}`);
		});
		runner.start();
		const { job } = await runner.enqueue({ kind: 'flaky', key: 'flaky:1', maxAttempts: 3 });
		await waitFor(async () => (await repository.findById(job.id))?.status === 'failed', WAIT, 'the job to fail');

		expect(await repository.findById(job.id)).toMatchObject({ status: 'failed', attempts: 3, error: 'boom 3', leaseUntil: null });
		expect(failures.map(({ error, attempts, final }) => ({ error, attempts, final }))).toEqual([
			{ error: 'boom 1', attempts: 1, final: false },
			{ error: 'disk full', attempts: 2, final: false },
			{ error: 'boom 3', attempts: 3, final: true },
		]);
		expect(failures[2]!.retryAt).toBeNull();
		// Each retry started no earlier than the backoff the failure before it set.
		expect(starts).toHaveLength(3);
		for (const n of [0, 1]) {
			expect(starts[n + 1]!).toBeGreaterThanOrEqual(failures[n]!.retryAt!.getTime());
		}
		expect(log.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.msg)).toEqual([
			'job attempt failed; will retry',
			'job attempt failed; will retry',
			'job failed',
		]);

		// An explicit retry runs it again with fresh attempts.
		await runner.retry(job.id);
		await waitFor(() => starts.length === 4, WAIT, 'the retried job to start');
		await expect(runner.retry('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
	});

	it('aborts a running handler when its job is cancelled, through this runner at once or elsewhere at the next heartbeat', async () => {
		fixture = new JobsFixture();
		const a = await fixture.connect();
		const runner = fixture.runner(a.repository, { owner: 'A' });
		const reasons: unknown[] = [];
		const cancelled: string[] = [];
		runner.on('job:cancelled', (event) => cancelled.push(event.id));
		runner.register('long', async (_job, { signal }) => {
			await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
			reasons.push(signal.reason);
			return 'finished anyway';
		});
		runner.start();

		// Cancelled in the database behind the runner's back (as another process would): seen by the heartbeat.
		const first = (await runner.enqueue({ kind: 'long', key: 'long:1' })).job;
		await waitFor(() => runner.runningJobIds.includes(first.id), WAIT, 'the first job to start');
		await a.repository.cancel(first.id);
		await waitFor(() => cancelled.includes(first.id), WAIT, 'job:cancelled for the first job');

		// Cancelled through this runner: aborted without waiting for a heartbeat.
		const second = (await runner.enqueue({ kind: 'long', key: 'long:2' })).job;
		await waitFor(() => runner.runningJobIds.includes(second.id), WAIT, 'the second job to start');
		expect(await runner.cancel(second.id)).toMatchObject({ status: 'cancelled' });
		await waitFor(() => cancelled.includes(second.id), WAIT, 'job:cancelled for the second job');

		expect(reasons).toHaveLength(2);
		for (const reason of reasons) {
			expect(reason).toBeInstanceOf(JobAbortedError);
			expect((reason as JobAbortedError).why).toBe('cancelled');
		}
		// The handlers' results were not written over the cancellation.
		for (const id of [first.id, second.id]) {
			expect(await a.repository.findById(id)).toMatchObject({ status: 'cancelled', result: null });
		}
		await expect(runner.cancel(second.id)).resolves.toMatchObject({ status: 'cancelled' });
		await expect(runner.cancel('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
	});

	it('never starts a job cancelled while queued', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const runner = fixture.runner(repository);
		const ran: string[] = [];
		runner.register('k', async (job) => {
			ran.push(job.key);
		});
		const doomed = (await runner.enqueue({ kind: 'k', key: 'k:doomed', priority: 10 })).job;
		await runner.cancel(doomed.id);
		await runner.enqueue({ kind: 'k', key: 'k:after' });
		runner.start();
		await waitFor(() => ran.includes('k:after'), WAIT, 'the later job to run');
		expect(ran).toEqual(['k:after']);
		await expect(runner.cancel((await repository.enqueue({ kind: 'k', key: 'k:after' })).job.id)).rejects.toBeInstanceOf(InvalidStateError);
	});

	it('stores and announces progress while the handler runs', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const runner = fixture.runner(repository);
		const announced: number[] = [];
		runner.on('job:progress', (event) => announced.push(event.progress));
		const hold = gate();
		runner.register('k', async (_job, { progress }) => {
			await progress(12.4);
			await progress(40);
			await progress(40);
			await hold.promise;
		});
		runner.start();
		const { job } = await runner.enqueue({ kind: 'k', key: 'k:1', meetingId: null });
		await waitFor(async () => (await repository.findById(job.id))?.progress === 40, WAIT, 'progress 40 in the table');
		expect(await repository.findById(job.id)).toMatchObject({ status: 'running', progress: 40 });
		expect(announced).toEqual([12, 40]);
		// Only the lease holder writes progress.
		expect(await repository.setProgress(job.id, 'someone else', 90)).toBe(false);
		hold.open();
		await waitFor(async () => (await repository.findById(job.id))?.status === 'done', WAIT, 'the job to finish');
		expect(await repository.findById(job.id)).toMatchObject({ progress: 100, result: null });
	});

	it('runs no more jobs at once than the runner’s limit, nor of one kind than the kind’s limit', async () => {
		fixture = new JobsFixture();
		const { db, repository } = await fixture.connect();
		const runner = fixture.runner(repository, { concurrency: 3 });
		const now = { all: 0, a: 0 };
		const max = { all: 0, a: 0 };
		const hold = gate();
		const started: string[] = [];
		const handler = (kind: 'a' | 'b') => async () => {
			now.all += 1;
			max.all = Math.max(max.all, now.all);
			if (kind === 'a') {
				now.a += 1;
				max.a = Math.max(max.a, now.a);
			}
			started.push(kind);
			await hold.promise;
			await sleep(Math.random() * 5);
			now.all -= 1;
			if (kind === 'a') {
				now.a -= 1;
			}
		};
		runner.register('a', handler('a'), { concurrency: 1 });
		runner.register('b', handler('b'));
		for (let n = 0; n < 4; n += 1) {
			await runner.enqueue({ kind: 'a', key: `a:${n}`, priority: 1 });
			await runner.enqueue({ kind: 'b', key: `b:${n}` });
		}
		runner.start();
		await waitFor(() => started.length === 3, WAIT, 'three jobs to start');
		// Give the runner many polls to overstep its limits, if it would.
		await sleep(FAST_POLLS);
		expect(started.sort()).toEqual(['a', 'b', 'b']);
		expect(await db.job.count({ where: { status: 'running' } })).toBe(3);
		hold.open();
		await waitFor(async () => (await db.job.count({ where: { status: 'done' } })) === 8, WAIT, 'all jobs done');
		expect(max).toEqual({ all: 3, a: 1 });
	});

	it('on close aborts running handlers and hands their jobs back; a new runner on the database runs them and the queued ones', async () => {
		fixture = new JobsFixture();
		const first = await fixture.connect();
		const runner = fixture.runner(first.repository, { owner: 'before' });
		const aborted: unknown[] = [];
		runner.register('k', async (_job, { signal }) => {
			await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
			aborted.push(signal.reason);
			// Stopped, not finished: a handler says so by throwing (returning would mean done).
			throw signal.reason;
		});
		runner.start();
		const one = (await runner.enqueue({ kind: 'k', key: 'k:1', priority: 1 })).job;
		const two = (await runner.enqueue({ kind: 'k', key: 'k:2' })).job;
		await waitFor(() => runner.runningJobIds.includes(one.id), WAIT, 'the first job to start');

		const closing = runner.close();
		expect(runner.close()).toBe(closing);
		await closing;
		expect(aborted).toHaveLength(1);
		expect((aborted[0] as JobAbortedError).why).toBe('shutdown');
		expect(await first.repository.findById(one.id)).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
		expect(await first.repository.findById(two.id)).toMatchObject({ status: 'queued', attempts: 0 });
		expect(() => runner.register('other', async () => undefined)).toThrow(InvalidStateError);

		const second = await fixture.connect();
		const after = fixture.runner(second.repository, { owner: 'after' });
		const ran: string[] = [];
		after.register('k', async (job) => {
			ran.push(job.key);
		});
		after.start();
		await waitFor(() => ran.length === 2, WAIT, 'both jobs to run after the restart');
		expect(ran).toEqual(['k:1', 'k:2']);
		expect(await second.repository.findById(one.id)).toMatchObject({ status: 'done', attempts: 1, leaseOwner: 'after' });
	});

	it('stops waiting for a handler that ignores the abort, and records nothing when it returns late', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const log = recordingLog();
		const runner = fixture.runner(repository, { closeTimeoutMs: 100, log });
		const hold = gate();
		runner.register('stubborn', async () => {
			await hold.promise;
			return 'late';
		});
		runner.start();
		const { job } = await runner.enqueue({ kind: 'stubborn', key: 'stubborn:1' });
		await waitFor(() => runner.runningJobIds.includes(job.id), WAIT, 'the job to start');
		await runner.close();
		expect(log.entries.map((entry) => entry.msg)).toContain('job handlers did not stop in time; their leases will expire');
		hold.open();
		await waitFor(() => log.entries.some((entry) => entry.msg === 'job handler returned after the runner closed; nothing recorded'), WAIT, 'the late return');
		// Still leased to the closed runner: its lease expires and another runner takes it.
		expect(await repository.findById(job.id)).toMatchObject({ status: 'running', result: null });
	});

	it('refuses bad input with coded errors', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const runner = fixture.runner(repository);
		runner.register('k', async () => undefined);
		expect(() => runner.register('k', async () => undefined)).toThrow(InvalidStateError);
		await expect(runner.enqueue({ kind: 'k', key: ' ' })).rejects.toBeInstanceOf(InvalidPayloadError);
		await expect(runner.enqueue({ kind: 'k', key: 'k:1', maxAttempts: 0 })).rejects.toBeInstanceOf(InvalidPayloadError);
		expect(() => fixture!.runner(repository, { leaseMs: 100, heartbeatMs: 100 })).toThrow(InvalidPayloadError);
	});
});

/** Many poll intervals of the FAST runner (20 ms): a wait, not a measured duration. */
const FAST_POLLS = 400;
