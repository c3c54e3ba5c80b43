import { afterEach, describe, expect, it } from 'vitest';
import { JobsFixture, waitFor } from './jobs-fixture.ts';

const WAIT = 20000;

/** Runners in separate processes on one database file, as SQLite's locking sees them. */
describe('job runners in separate processes', () => {
	let fixture: JobsFixture | undefined;
	afterEach(async () => {
		await fixture?.close();
		fixture = undefined;
	});

	it('two runner processes run every job exactly once', async () => {
		fixture = new JobsFixture();
		const { db, repository } = await fixture.connect();
		const a = await fixture.spawnRunner('A', 'complete', 20_000);
		const b = await fixture.spawnRunner('B', 'complete', 20_000);
		const ids: string[] = [];
		for (let n = 0; n < 24; n += 1) {
			ids.push((await repository.enqueue({ kind: 'segment', key: `segment:${n}` })).job.id);
		}
		await waitFor(async () => (await db.job.count({ where: { status: 'done' } })) === ids.length, WAIT, 'every job done');
		const started = (runner: typeof a) => runner.messages.map((message) => message['started']).filter((id): id is string => typeof id === 'string');
		expect([...started(a), ...started(b)].sort()).toEqual([...ids].sort());
		for (const [owner, runner] of [
			['A', a],
			['B', b],
		] as const) {
			for (const id of started(runner)) {
				expect(await repository.findById(id)).toMatchObject({ leaseOwner: owner, attempts: 1, result: { owner } });
			}
		}
		expect([...a.messages, ...b.messages].filter((message) => 'error' in message)).toEqual([]);
		await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
	});

	it('a runner that takes over from a killed runner process finishes its job once the lease expires', async () => {
		fixture = new JobsFixture();
		const { repository } = await fixture.connect();
		const dying = await fixture.spawnRunner('A', 'hang', 1500);
		const { job } = await repository.enqueue({ kind: 'segment', key: 'segment:1' });
		await waitFor(() => dying.messages.some((message) => message['started'] === job.id), WAIT, 'runner A to start the job');
		await dying.kill('SIGKILL');
		expect(await repository.findById(job.id)).toMatchObject({ status: 'running', leaseOwner: 'A', attempts: 1 });

		const runner = fixture.runner(repository, { owner: 'B' });
		runner.register('segment', async () => ({ by: 'B' }));
		runner.start();
		await waitFor(async () => (await repository.findById(job.id))?.status === 'done', WAIT, 'runner B to finish the job');
		expect(await repository.findById(job.id)).toMatchObject({ leaseOwner: 'B', attempts: 2, result: { by: 'B' } });
	});
});
