import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../../shared/src/api/jobs.ts';
import type { JobAbortedError } from '../../../server/src/features/jobs/job-runner.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';
import { waitFor } from './jobs-fixture.ts';

describe('jobs plugin and GET /api/meetings/:id/jobs', () => {
	let running: RunningApp;
	let admin: Signed;
	let commune: Signed;
	let outsider: Signed;
	let meetingId: string;

	beforeAll(async () => {
		running = await startApp();
		const accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		commune = await login(running.app, accounts, 'dongthinh');
		outsider = await login(running.app, accounts, 'tanlap');
		const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers });
		const created = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: admin.headers,
			payload: {
				title: 'Họp có ghi âm',
				description: '',
				location: '',
				startsAt: '2026-12-02T01:00:00.000Z',
				endsAt: '2026-12-02T02:00:00.000Z',
				chairId: chairs.json<{ id: string }[]>()[0]!.id,
				agenda: [],
				invitedUnitIds: ['dong-thinh'],
			},
		});
		expect(created.statusCode, created.body).toBe(201);
		meetingId = created.json<{ meeting: { id: string } }>().meeting.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('runs jobs enqueued through fastify.jobs and lists a meeting’s jobs to the units that see the meeting', async () => {
		const { jobs } = running.app;
		jobs.runner.register('probe', async (_job, { progress }) => {
			await progress(50);
			return { ok: true };
		});
		const done = (await jobs.enqueue({ kind: 'probe', key: `probe:${meetingId}`, meetingId, payload: { path: '/srv/x' } })).job;
		// A kind no handler is registered for stays queued.
		const waiting = (await jobs.enqueue({ kind: 'not-registered', key: `later:${meetingId}`, meetingId })).job;
		await waitFor(async () => (await jobs.listForMeeting(meetingId)).some((job) => job.id === done.id && job.status === 'done'), 15000, 'the probe job');

		const response = await running.app.inject({ url: `/api/meetings/${meetingId}/jobs`, headers: commune.headers });
		expect(response.statusCode, response.body).toBe(200);
		const listed = response.json<JobSummary[]>();
		expect(listed.map((job) => [job.id, job.kind, job.status, job.progress, job.attempts])).toEqual([
			[done.id, 'probe', 'done', 100, 1],
			[waiting.id, 'not-registered', 'queued', 0, 0],
		]);
		expect(listed[0]!.finishedAt).not.toBeNull();
		expect(listed[0]).not.toHaveProperty('payload');

		expect((await running.app.inject({ url: `/api/meetings/${meetingId}/jobs`, headers: outsider.headers })).statusCode).toBe(404);
		expect((await running.app.inject({ url: `/api/meetings/${meetingId}/jobs` })).statusCode).toBe(401);
	});

	it('aborts running handlers when the app closes', async () => {
		const reasons: unknown[] = [];
		running.app.jobs.runner.register('blocking', async (_job, { signal }) => {
			await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
			reasons.push(signal.reason);
		});
		const { job } = await running.app.jobs.enqueue({ kind: 'blocking', key: 'blocking:1' });
		await waitFor(() => running.app.jobs.runner.runningJobIds.includes(job.id), 15000, 'the blocking job to start');
		await running.close();
		expect(reasons).toHaveLength(1);
		expect((reasons[0] as JobAbortedError).why).toBe('shutdown');
		expect(running.app.jobs.runner.closed).toBe(true);
	});
});
