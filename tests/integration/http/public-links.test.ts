import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const EVIL = 'evil.example';
const PROXY = '10.1.2.3';

type Created = { meeting: { id: string }; joinLinks: { unitId: string; url: string }[] };

/** The demo district, its admin signed in, and a valid meeting body. */
async function district(running: RunningApp) {
	const accounts = await seedAccounts(running.app);
	const admin = await login(running.app, accounts, 'admin');
	const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers });
	const chairId = chairs.json<{ id: string }[]>()[0]!.id;
	const body = {
		title: 'Giao ban tháng 12',
		description: '',
		location: 'Hội trường huyện',
		startsAt: '2026-12-03T01:00:00.000Z',
		endsAt: '2026-12-03T02:00:00.000Z',
		chairId,
		agenda: [],
		invitedUnitIds: ['dong-thinh'],
	};
	const create = (headers: Record<string, string> = {}, remoteAddress?: string) =>
		running.app.inject({ method: 'POST', url: '/api/meetings', headers: { ...admin.headers, ...headers }, payload: body, ...(remoteAddress ? { remoteAddress } : {}) });
	const count = async () => (await running.app.inject({ url: '/api/meetings', headers: admin.headers })).json<unknown[]>().length;
	return { admin, create, count };
}

/** An iCalendar body with its folded lines joined again (RFC 5545 3.1). */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe('join links and calendar URLs without PUBLIC_URL', () => {
	let running: RunningApp;
	let admin: Record<string, string>;
	let create: Awaited<ReturnType<typeof district>>['create'];
	let count: () => Promise<number>;
	let meetingId = '';
	beforeAll(async () => {
		running = await startApp({ ALLOWED_ORIGINS: 'https://giaoban.example.vn', TRUST_PROXY: '10.0.0.0/8', MEDIASOUP_WORKERS: '1' });
		({ create, count, admin: { headers: admin } } = await district(running));
		const first = await create();
		expect(first.statusCode, first.body).toBe(201);
		meetingId = first.json<Created>().meeting.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('refuses to schedule at an unknown Host (421) and stores nothing', async () => {
		const before = await count();
		for (const host of [EVIL, `${EVIL}:8080`, `localhost@${EVIL}`, `localhost:80/@${EVIL}`, 'localhost.evil.example']) {
			const response = await create({ host });
			expect(response.statusCode, host).toBe(421);
			expect(response.json()).toMatchObject({ code: 'invalid_payload' });
			expect(response.body).not.toContain(EVIL);
		}
		expect(await count()).toBe(before);
	});

	it('does not renew a join link at an unknown Host, so the old link keeps working', async () => {
		const renewed = await running.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/invitations/dong-thinh/link`, headers: { ...admin, host: EVIL } });
		expect(renewed.statusCode).toBe(421);
		expect(renewed.body).not.toContain(EVIL);
		const actions = await running.app.inject({ url: `/api/meetings/${meetingId}/actions`, headers: admin });
		expect(actions.json<{ action: string }[]>().map((a) => a.action)).not.toContain('invitation.renewed');
	});

	it('serves no calendar built on an unknown Host', async () => {
		for (const url of [`/api/meetings/${meetingId}/calendar.ics`, '/api/calendar.ics']) {
			const response = await running.app.inject({ url, headers: { ...admin, host: EVIL } });
			expect(response.statusCode, url).toBe(421);
			expect(response.body).not.toContain(EVIL);
		}
		const fine = await running.app.inject({ url: `/api/meetings/${meetingId}/calendar.ics`, headers: admin });
		expect(fine.statusCode).toBe(200);
		expect(unfold(fine.body)).toContain(`URL:http://localhost:80/meetings/${meetingId}\r\n`);
	});

	it('still lists meetings at an unknown Host: only what carries a link is refused', async () => {
		const list = await running.app.inject({ url: '/api/meetings', headers: { ...admin, host: EVIL } });
		expect(list.statusCode).toBe(200);
		expect(list.body).not.toContain(EVIL);
	});

	it('builds links on loopback and on this machine’s own addresses', async () => {
		// A LAN test by address, without a name: the machine's own interface address.
		const lan = Object.values(networkInterfaces())
			.flat()
			.find((info) => info?.family === 'IPv4' && !info.internal)?.address;
		for (const host of ['localhost:5173', '127.0.0.1:8080', '[::1]:8080', ...(lan ? [`${lan}:8080`] : [])]) {
			const response = await create({ host });
			expect(response.statusCode, `${host}: ${response.body}`).toBe(201);
			expect(response.json<Created>().joinLinks[0]!.url).toMatch(new RegExp(`^http://${host.replace(/[.[\]]/g, '\\$&')}/join/[A-Za-z0-9_-]{32}$`));
		}
	});

	it('builds links on an ALLOWED_ORIGINS origin, reached over HTTPS through the trusted proxy', async () => {
		const viaProxy = await create({ host: 'giaoban.example.vn', 'x-forwarded-proto': 'https' }, PROXY);
		expect(viaProxy.statusCode, viaProxy.body).toBe(201);
		expect(viaProxy.json<Created>().joinLinks[0]!.url).toMatch(/^https:\/\/giaoban\.example\.vn\/join\//);
		// The same name over plain HTTP is not the allowed origin.
		const plain = await create({ host: 'giaoban.example.vn' });
		expect(plain.statusCode).toBe(421);
	});

	it('reads X-Forwarded-Host from the trusted proxy only, and checks it like a Host', async () => {
		const forwarded = await create({ 'x-forwarded-host': EVIL }, PROXY);
		expect(forwarded.statusCode).toBe(421);
		const spoofed = await create({ 'x-forwarded-host': EVIL }, '203.0.113.7');
		expect(spoofed.statusCode, spoofed.body).toBe(201);
		expect(spoofed.json<Created>().joinLinks[0]!.url).toMatch(/^http:\/\/localhost:80\/join\//);
	});
});

describe('join links and calendar URLs with PUBLIC_URL', () => {
	let running: RunningApp;
	beforeAll(async () => {
		running = await startApp({ PUBLIC_URL: 'https://giaoban.songlo.gov.vn/', MEDIASOUP_WORKERS: '1' });
	});
	afterAll(async () => {
		await running?.close();
	});

	it('uses PUBLIC_URL whatever the Host says', async () => {
		const { create, admin } = await district(running);
		const created = await create({ host: EVIL });
		expect(created.statusCode, created.body).toBe(201);
		expect(created.body).not.toContain(EVIL);
		const { meeting, joinLinks } = created.json<Created>();
		expect(joinLinks[0]!.url).toMatch(/^https:\/\/giaoban\.songlo\.gov\.vn\/join\/[A-Za-z0-9_-]{32}$/);
		const ics = await running.app.inject({ url: `/api/meetings/${meeting.id}/calendar.ics`, headers: { ...admin.headers, host: EVIL } });
		expect(ics.statusCode).toBe(200);
		expect(ics.body).not.toContain(EVIL);
		expect(unfold(ics.body)).toContain(`URL:https://giaoban.songlo.gov.vn/meetings/${meeting.id}\r\n`);
	});
});
