import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conferenceFixture } from '../../helpers/conference-fixture.ts';
import { startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
	const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
	return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('/metrics', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const clients: TestClient[] = [];

	beforeAll(async () => {
		running = await startApp({ METRICS_ALLOWED: '10.0.0.0/8', METRICS_TOKEN: TOKEN });
		f = await conferenceFixture(running, ['chutri', 'dongthinh']);
	});
	afterAll(async () => {
		clients.forEach((c) => c.disconnect());
		await running?.close();
	});

	const scrape = (options: { remoteAddress?: string; authorization?: string } = {}) =>
		running.app.inject({ url: '/metrics', remoteAddress: options.remoteAddress ?? '10.1.2.3', headers: options.authorization ? { authorization: options.authorization } : {} });

	it('refuses an address not listed, unless it shows the token', async () => {
		const refused = await scrape({ remoteAddress: '127.0.0.1' });
		expect(refused.statusCode).toBe(403);
		expect(refused.json<{ code: string }>().code).toBe('forbidden');
		expect((await scrape({ remoteAddress: '192.168.1.9', authorization: `Bearer ${TOKEN}x` })).statusCode).toBe(403);
		expect((await scrape({ remoteAddress: '192.168.1.9', authorization: `Bearer ${TOKEN}` })).statusCode).toBe(200);
		const listed = await scrape({ remoteAddress: '::ffff:10.9.8.7' });
		expect(listed.statusCode).toBe(200);
		expect(listed.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
		expect(listed.body).toContain('nodejs_eventloop_lag_seconds');
	});

	it('shows the live meeting, its sites and their media during a 2-site meeting; routes by pattern, never a token', async () => {
		const before = (await scrape()).body;
		expect(sample(before, 'giaoban_live_meetings')).toBe(0);
		expect(sample(before, 'giaoban_sites_connected')).toBe(0);

		const meeting = await f.schedule(['dong-thinh']);
		const chair = await f.as('chutri');
		const site = await f.as('dongthinh');
		clients.push(chair, site);
		await f.join(chair, { meetingId: meeting.id });
		await f.join(site, { meetingId: meeting.id });
		await f.produceMicrophone(site);
		const token = meeting.links.get('dong-thinh')!;
		expect((await running.app.inject({ url: `/api/join/${token}` })).statusCode).toBe(200);

		const during = (await scrape()).body;
		expect(sample(during, 'giaoban_live_meetings')).toBe(1);
		expect(sample(during, 'giaoban_sites_connected')).toBe(2);
		expect(sample(during, 'giaoban_socket_connections')).toBeGreaterThanOrEqual(2);
		const producers = running.app.workerPool.slots.map((s) => sample(during, 'giaoban_mediasoup_producers', `{worker="${s.index}"}`) ?? 0);
		expect(producers.reduce((a, b) => a + b, 0)).toBe(1);
		expect(sample(during, 'giaoban_mediasoup_worker_up', '{worker="0"}')).toBe(1);
		expect(sample(during, 'giaoban_mediasoup_worker_cpu_seconds_total', '{worker="0"}')).toBeGreaterThan(0);
		expect(during).toMatch(/giaoban_http_request_duration_seconds_count\{method="POST",route="\/api\/meetings",status_code="201"\} \d+/);
		expect(during).toContain('route="/api/join/:token"');
		expect(during).not.toContain(token);

		site.disconnect();
		await expect.poll(async () => sample((await scrape()).body, 'giaoban_sites_connected'), { timeout: 5000 }).toBe(1);
		const after = (await scrape()).body;
		expect(producers.length).toBeGreaterThan(0);
		expect(running.app.workerPool.slots.map((s) => sample(after, 'giaoban_mediasoup_producers', `{worker="${s.index}"}`) ?? 0).reduce((a, b) => a + b, 0)).toBe(0);
	});
});
