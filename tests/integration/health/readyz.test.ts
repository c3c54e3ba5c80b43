import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';
import { waitFor } from '../../helpers/rtp.ts';

type Readiness = { ready: boolean; database: { ok: boolean }; mediasoup: { workers: { pid: number | null; alive: boolean; deaths: number }[] } };

describe('/healthz and /readyz', () => {
	let running: RunningApp | undefined;
	afterEach(async () => {
		await running?.close();
	});

	it('reports ready with the database and every worker alive', async () => {
		running = await startApp();
		const health = await running.app.inject('/healthz');
		expect(health.statusCode).toBe(200);
		expect(health.json()).toMatchObject({ status: 'ok' });

		const ready = await running.app.inject('/readyz');
		expect(ready.statusCode).toBe(200);
		const body = ready.json<Readiness>();
		expect(body.ready).toBe(true);
		expect(body.database.ok).toBe(true);
		expect(body.mediasoup.workers).toHaveLength(2);
	});

	it('turns unready when a worker is killed and ready again after its replacement', async () => {
		running = await startApp();
		const before = (await running.app.inject('/readyz')).json<Readiness>();
		const victim = before.mediasoup.workers[0]!.pid!;
		process.kill(victim, 'SIGKILL');

		await waitFor(async () => (await running!.app.inject('/readyz')).statusCode === 503, 5000, 'unready');
		const during = (await running.app.inject('/readyz')).json<Readiness>();
		expect(during.ready).toBe(false);
		expect(during.mediasoup.workers[0]!.alive).toBe(false);

		await waitFor(async () => (await running!.app.inject('/readyz')).statusCode === 200, 15000, 'ready again');
		const after = (await running.app.inject('/readyz')).json<Readiness>();
		expect(after.mediasoup.workers[0]!.pid).not.toBe(victim);
		expect(after.mediasoup.workers[0]!.deaths).toBe(1);
	});
});
