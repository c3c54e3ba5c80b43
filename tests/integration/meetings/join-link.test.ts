import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/src/app.ts';
import { conferenceFixture } from '../../helpers/conference-fixture.ts';
import { login, seedAccounts } from '../../helpers/accounts.ts';
import { ask, startApp, type RunningApp } from '../../helpers/start-app.ts';
import { migratedDataDir, testConfig, type TestDataDir } from '../../helpers/test-env.ts';

type Card = {
	meetingId: string;
	title: string;
	startsAt: string;
	endsAt: string;
	location: string;
	status: string;
	hostUnitName: string;
	chairName: string | null;
	unit: { id: string; name: string };
};
type ErrorBody = { code: string; message: string; reason?: string };

describe('GET /api/join/:token', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri']);
	});
	afterAll(async () => {
		await running?.close();
	});

	// No cookie: the token is the only credential.
	const lookUp = (token: string) => running.app.inject({ url: `/api/join/${token}` });

	it('describes the meeting a valid link opens and the unit it admits, without a session', async () => {
		const startsAt = new Date(Date.now() + 3600_000);
		const meeting = await f.schedule(['dong-thinh', 'hai-luu'], { startsAt });
		const response = await lookUp(meeting.links.get('hai-luu')!);
		expect(response.statusCode, response.body).toBe(200);
		expect(response.headers['cache-control']).toBe('no-store');
		const card = response.json<Card>();
		const detail = (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: f.admin })).json<{ chair: { displayName: string } }>();
		expect(card).toEqual({
			meetingId: meeting.id,
			title: 'Giao ban tuần',
			startsAt: startsAt.toISOString(),
			endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
			location: 'Hội trường huyện',
			status: 'scheduled',
			hostUnitName: 'Huyện Sông Lô',
			chairName: detail.chair.displayName,
			unit: { id: 'hai-luu', name: 'Xã Hải Lựu' },
		});
		// Each unit's link names its own unit.
		expect((await lookUp(meeting.links.get('dong-thinh')!)).json<Card>().unit).toEqual({ id: 'dong-thinh', name: 'Xã Đồng Thịnh' });
	});

	it('says live once the chair is in the room', async () => {
		const meeting = await f.schedule(['hai-luu']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		expect((await lookUp(meeting.links.get('hai-luu')!)).json<Card>().status).toBe('live');
		chair.disconnect();
	});

	it('refuses a renewed link as link_invalid (403) and describes the new one', async () => {
		const meeting = await f.schedule(['hai-luu']);
		const old = meeting.links.get('hai-luu')!;
		const renewed = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/invitations/hai-luu/link`, headers: f.admin });
		expect(renewed.statusCode, renewed.body).toBe(200);
		const response = await lookUp(old);
		expect(response.statusCode).toBe(403);
		expect(response.json<ErrorBody>()).toMatchObject({ code: 'forbidden', reason: 'link_invalid' });
		const fresh = renewed.json<{ url: string }>().url.split('/join/')[1]!;
		expect((await lookUp(fresh)).json<Card>().meetingId).toBe(meeting.id);
	});

	it('refuses a link past its expiry (a day after the planned end) as link_invalid', async () => {
		const meeting = await f.schedule(['hai-luu'], { startsAt: new Date(Date.now() - 3 * 86400_000), endsAt: new Date(Date.now() - 2 * 86400_000) });
		const response = await lookUp(meeting.links.get('hai-luu')!);
		expect(response.statusCode).toBe(403);
		expect(response.json<ErrorBody>()).toMatchObject({ code: 'forbidden', reason: 'link_invalid' });
	});

	it('refuses a link of a withdrawn unit as link_invalid', async () => {
		const meeting = await f.schedule(['hai-luu', 'dong-thinh']);
		const detail = (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: f.admin })).json<Record<string, unknown> & { chair: { id: string }; hostUnit: unknown }>();
		const edited = await running.app.inject({
			method: 'PUT',
			url: `/api/meetings/${meeting.id}`,
			headers: f.admin,
			payload: {
				title: detail['title'],
				description: detail['description'],
				location: detail['location'],
				startsAt: detail['startsAt'],
				endsAt: detail['endsAt'],
				chairId: detail.chair.id,
				agenda: [],
				invitedUnitIds: ['dong-thinh'],
			},
		});
		expect(edited.statusCode, edited.body).toBe(200);
		const response = await lookUp(meeting.links.get('hai-luu')!);
		expect(response.statusCode).toBe(403);
		expect(response.json<ErrorBody>().reason).toBe('link_invalid');
		expect((await lookUp(meeting.links.get('dong-thinh')!)).statusCode).toBe(200);
	});

	it('answers an unknown well-formed token exactly like a dead one', async () => {
		const response = await lookUp('A'.repeat(32));
		expect(response.statusCode).toBe(403);
		expect(response.json<ErrorBody>()).toMatchObject({ code: 'forbidden', reason: 'link_invalid' });
	});

	it('refuses an ended meeting with meeting_ended (409)', async () => {
		const meeting = await f.schedule(['hai-luu']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const ended = await ask<{ ok: boolean }>(chair, 'chair:end', {});
		expect(ended.ok).toBe(true);
		await expect.poll(async () => (await f.meeting(meeting.id)).status, { timeout: 10000 }).toBe('ended');
		const response = await lookUp(meeting.links.get('hai-luu')!);
		expect(response.statusCode).toBe(409);
		expect(response.json<ErrorBody>()).toMatchObject({ code: 'invalid_state', reason: 'meeting_ended' });
		chair.disconnect();
	});

	it('refuses a cancelled meeting with meeting_cancelled (409)', async () => {
		const meeting = await f.schedule(['hai-luu'], { startsAt: new Date(Date.now() + 86400_000) });
		const cancelled = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/cancel`, headers: f.admin });
		expect(cancelled.statusCode, cancelled.body).toBe(200);
		const response = await lookUp(meeting.links.get('hai-luu')!);
		expect(response.statusCode).toBe(409);
		expect(response.json<ErrorBody>()).toMatchObject({ code: 'invalid_state', reason: 'meeting_cancelled' });
	});

	it('limits lookups to 60 a minute per address', async () => {
		const from = (remoteAddress: string) => running.app.inject({ url: `/api/join/${'B'.repeat(32)}`, remoteAddress });
		for (let i = 0; i < 60; i += 1) {
			expect((await from('10.20.30.40')).statusCode).toBe(403);
		}
		const limited = await from('10.20.30.40');
		expect(limited.statusCode).toBe(429);
		// Another office is not affected.
		expect((await from('10.20.30.41')).statusCode).toBe(403);
	});

	it('refuses a malformed token before any lookup (400), as room:join does', async () => {
		for (const token of ['short', 'x'.repeat(65), `${'a'.repeat(20)}.${'b'.repeat(10)}`, `${'a'.repeat(20)}%20b`]) {
			const response = await lookUp(token);
			expect(response.statusCode, token).toBe(400);
			expect(response.json<ErrorBody>().code).toBe('invalid_payload');
		}
	});
});

describe('the request log of join-link lookups', () => {
	const lines: string[] = [];
	let app: FastifyInstance | undefined;
	let data: TestDataDir | undefined;
	beforeAll(async () => {
		data = migratedDataDir();
		app = await buildApp(testConfig(data.dir, { MEDIASOUP_WORKERS: '1' }), { logger: { level: 'info', stream: { write: (line) => lines.push(line) } } });
		await app.ready();
	});
	afterAll(async () => {
		await app?.close();
		data?.remove();
	});

	it('never writes the token, for a valid, a dead or a malformed link', async () => {
		const accounts = await seedAccounts(app!);
		const admin = await login(app!, accounts, 'admin');
		const chairs = await app!.inject({ url: '/api/accounts/chairs', headers: admin.headers });
		const created = await app!.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: admin.headers,
			payload: {
				title: 'Giao ban',
				description: '',
				location: '',
				startsAt: new Date().toISOString(),
				endsAt: new Date(Date.now() + 3600_000).toISOString(),
				chairId: chairs.json<{ id: string }[]>()[0]!.id,
				agenda: [],
				invitedUnitIds: ['hai-luu'],
				recordingEnabled: false,
			},
		});
		const token = created.json<{ joinLinks: { url: string }[] }>().joinLinks[0]!.url.split('/join/')[1]!;
		lines.length = 0;
		expect((await app!.inject({ url: `/api/join/${token}` })).statusCode).toBe(200);
		expect((await app!.inject({ url: '/api/join/SECRETSECRETSECRET0123' })).statusCode).toBe(403);
		expect((await app!.inject({ url: '/api/join/SECRET.malformed' })).statusCode).toBe(400);
		const urls = lines.map((line) => JSON.parse(line) as { msg: string; req?: { url: string } }).filter((e) => e.msg === 'incoming request').map((e) => e.req?.url);
		expect(urls).toEqual(['/api/join/[redacted]', '/api/join/[redacted]', '/api/join/[redacted]']);
		const log = lines.join('\n');
		expect(log).not.toContain(token);
		expect(log).not.toContain('SECRET');
	});
});
