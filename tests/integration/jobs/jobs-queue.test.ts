import { afterEach, describe, expect, it } from 'vitest';
import { JobsFixture, sleep, waitFor } from './jobs-fixture.ts';

const LONG_AGO = new Date(Date.UTC(2020, 0, 1));

describe('job queue (SQLite)', () => {
	let fixture: JobsFixture | undefined;
	afterEach(async () => {
		await fixture?.close();
		fixture = undefined;
	});

	it('enqueues once per key: a second enqueue, even of a finished job or from another connection, returns the first', async () => {
		fixture = new JobsFixture();
		const a = await fixture.connect();
		const b = await fixture.connect();
		const first = await a.repository.enqueue({ kind: 'mix', key: 'mix:1', payload: { meeting: 'm1' } });
		expect(first.created).toBe(true);
		const again = await b.repository.enqueue({ kind: 'mix', key: 'mix:1', payload: { meeting: 'other' } });
		expect(again).toMatchObject({ created: false, job: { id: first.job.id, payload: { meeting: 'm1' } } });

		const leased = await a.repository.leaseNext({ owner: 'A', kinds: ['mix'], now: new Date(), leaseUntil: new Date(Date.now() + 60000) });
		expect(await a.repository.complete(leased!.id, 'A', { ok: 1 })).toBe(true);
		const afterDone = await b.repository.enqueue({ kind: 'mix', key: 'mix:1' });
		expect(afterDone).toMatchObject({ created: false, job: { id: first.job.id, status: 'done', result: { ok: 1 } } });

		expect(await a.db.job.count()).toBe(1);
	});

	it('takes the most urgent due job first: priority, then age; never one waiting for its runAfter or of another kind', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const later = new Date(Date.now() + 60 * 60 * 1000);
		await repository.enqueue({ kind: 'k', key: 'low-old', priority: 0 });
		await repository.enqueue({ kind: 'k', key: 'not-yet', priority: 9, runAfter: later });
		await repository.enqueue({ kind: 'other', key: 'other', priority: 10 });
		await repository.enqueue({ kind: 'k', key: 'high', priority: 5 });
		// createdAt has millisecond resolution: make sure the two equal priorities differ in age.
		await sleep(5);
		await repository.enqueue({ kind: 'k', key: 'low-new', priority: 0 });
		const order: string[] = [];
		for (;;) {
			const job = await repository.leaseNext({ owner: 'A', kinds: ['k'], now: new Date(), leaseUntil: new Date(Date.now() + 60000) });
			if (!job) {
				break;
			}
			order.push(job.key);
		}
		expect(order).toEqual(['high', 'low-old', 'low-new']);
	});

	it('hands the job of a runner that stopped renewing its lease to another runner; the first one’s late writes change nothing', async () => {
		fixture = new JobsFixture();
		// One connection for both runners: what tells them apart is the lease owner. (Two connections
		// writing at once in one process would block each other: better-sqlite3 waits synchronously.)
		const a = await fixture.connect();
		const b = a;
		const { job } = await a.repository.enqueue({ kind: 'transcribe', key: 'transcribe:1' });
		// Runner A leases the job and is then killed: it never renews or completes.
		const held = await a.repository.leaseNext({ owner: 'A', kinds: ['transcribe'], now: new Date(), leaseUntil: new Date(Date.now() + 60 * 60 * 1000) });
		expect(held?.id).toBe(job.id);

		const leaseCalls: number[] = [];
		const runnerB = fixture.runner(
			{
				...b.repository,
				leaseNext: async (options) => {
					leaseCalls.push(1);
					return b.repository.leaseNext(options);
				},
			},
			{ owner: 'B' }
		);
		const ranBy: string[] = [];
		runnerB.register('transcribe', async () => {
			ranBy.push('B');
			return { by: 'B' };
		});
		runnerB.start();
		// While A's lease is valid, B polls but does not take the job.
		await waitFor(() => leaseCalls.length >= 5, 15000, 'runner B to poll');
		expect(ranBy).toEqual([]);
		expect(await a.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: 'running', leaseOwner: 'A' });

		// A's lease runs out (moved into the past rather than waited for).
		await a.db.job.update({ where: { id: job.id }, data: { leaseUntil: LONG_AGO } });
		await waitFor(async () => (await a.repository.findById(job.id))?.status === 'done', 15000, 'runner B to finish the job');
		expect(ranBy).toEqual(['B']);
		const done = await a.repository.findById(job.id);
		expect(done).toMatchObject({ status: 'done', leaseOwner: 'B', attempts: 2, result: { by: 'B' }, progress: 100 });

		// A wakes up and tries to report: nothing it writes lands.
		expect(await a.repository.heartbeat(job.id, 'A', new Date(Date.now() + 60000))).toBe(false);
		expect(await a.repository.setProgress(job.id, 'A', 50)).toBe(false);
		expect(await a.repository.complete(job.id, 'A', { by: 'A' })).toBe(false);
		expect(await a.repository.fail(held!, 'A', 'late failure', new Date())).toBeNull();
		expect(await a.repository.findById(job.id)).toMatchObject({ status: 'done', result: { by: 'B' }, error: '', progress: 100, updatedAt: done!.updatedAt });
	});

	it('fails, instead of starting again, a job whose runner died during its last attempt', async () => {
		fixture = new JobsFixture();
		const { db, repository } = await fixture.connect();
		const { job } = await repository.enqueue({ kind: 'k', key: 'k:1', maxAttempts: 1 });
		await repository.leaseNext({ owner: 'A', kinds: ['k'], now: new Date(), leaseUntil: new Date(Date.now() + 60000) });
		await db.job.update({ where: { id: job.id }, data: { leaseUntil: LONG_AGO } });
		expect(await repository.leaseNext({ owner: 'B', kinds: ['k'], now: new Date(), leaseUntil: new Date(Date.now() + 60000) })).toBeNull();
		expect(await repository.findById(job.id)).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/lease expired/) as unknown });
	});

	it('cancels queued and running jobs only, and retries failed or cancelled ones with fresh attempts', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const queued = (await repository.enqueue({ kind: 'k', key: 'k:q' })).job;
		expect(await repository.cancel(queued.id)).toMatchObject({ changed: true, job: { status: 'cancelled' } });
		expect(await repository.cancel(queued.id)).toMatchObject({ changed: false, job: { status: 'cancelled' } });
		expect(await repository.cancel('00000000-0000-4000-8000-000000000000')).toBeNull();

		const retried = await repository.retry(queued.id);
		expect(retried).toMatchObject({ status: 'queued', attempts: 0, error: '', finishedAt: null });
		const leased = await repository.leaseNext({ owner: 'A', kinds: ['k'], now: new Date(), leaseUntil: new Date(Date.now() + 60000) });
		expect(leased?.id).toBe(queued.id);
		expect(await repository.retry(queued.id)).toBeNull();
		await repository.complete(queued.id, 'A', 'ok');
		expect(await repository.cancel(queued.id)).toMatchObject({ changed: false, job: { status: 'done' } });
	});
});
