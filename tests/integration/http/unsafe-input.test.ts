import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

/**
 * NUL and lone UTF-16 surrogates, sent as JSON escapes (the raw request text holds the six
 * characters \u0000 or \ud800), in a query or in a path: 400 invalid_payload, nothing stored.
 */
describe('NUL and lone surrogates in HTTP input', () => {
	let running: RunningApp;
	let admin: Signed;
	let chairId = '';
	beforeAll(async () => {
		running = await startApp({ MEDIASOUP_WORKERS: '1' });
		const accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		chairId = (await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers })).json<{ id: string }[]>()[0]!.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	const meetingJson = (title: string, presenter = '') =>
		`{"title":"${title}","description":"","location":"","startsAt":"2026-12-04T01:00:00.000Z","endsAt":"2026-12-04T02:00:00.000Z",` +
		`"chairId":"${chairId}","agenda":[{"title":"Mục 1","presenter":"${presenter}","durationMinutes":10}],"invitedUnitIds":["dong-thinh"]}`;
	const post = (url: string, raw: string, headers: Record<string, string> = {}) =>
		running.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: raw });
	const expectRefused = (response: { statusCode: number; body: string; json: <T>() => T }, where: string) => {
		expect(response.statusCode, response.body).toBe(400);
		expect(response.json<{ code: string; message: string }>()).toMatchObject({ code: 'invalid_payload', message: expect.stringContaining(where) as string });
	};
	const meetingCount = async () => (await running.app.inject({ url: '/api/meetings', headers: admin.headers })).json<unknown[]>().length;

	it('refuses them in any field of a JSON body', async () => {
		const before = await meetingCount();
		for (const [raw, where] of [
			[meetingJson('Giao ban \\ud800'), 'body/title'],
			[meetingJson('Giao ban \\udfff tuần'), 'body/title'],
			[meetingJson('Giao ban \\u0000 tuần'), 'body/title'],
			[meetingJson('Giao ban', 'Phòng \\u0000'), 'body/agenda/0/presenter'],
		] as const) {
			expectRefused(await post('/api/meetings', raw, admin.headers), where);
		}
		expect(await meetingCount()).toBe(before);
		// A well-formed pair (an emoji) is fine.
		const fine = await post('/api/meetings', meetingJson('Giao ban \\ud83d\\udcc5'), admin.headers);
		expect(fine.statusCode, fine.body).toBe(201);
	});

	it('refuses them at sign-in, before any account lookup', async () => {
		expectRefused(await post('/api/auth/login', '{"username":"admin\\u0000","password":"x"}'), 'body/username');
		expectRefused(await post('/api/auth/login', '{"username":"admin","password":"\\ud800"}'), 'body/password');
	});

	it('refuses them in a query string or a path parameter', async () => {
		const created = await post('/api/meetings', meetingJson('Giao ban'), admin.headers);
		const id = created.json<{ meeting: { id: string } }>().meeting.id;
		// Parameters no schema constrains reached the handlers, and SQLite, as they were.
		expectRefused(await running.app.inject({ url: '/api/meetings?note=%00', headers: admin.headers }), 'query/note');
		expectRefused(await running.app.inject({ method: 'POST', url: `/api/meetings/${id}/invitations/dong-thinh%00/link`, headers: admin.headers }), 'params/unitId');
		expectRefused(await running.app.inject({ url: '/meetings/%00', headers: { accept: 'text/html' } }), 'params/*');
		// Those a schema constrains are now refused with the part named, before the schema runs.
		expectRefused(await running.app.inject({ url: '/api/meetings?from=%00', headers: admin.headers }), 'query/from');
		expectRefused(await running.app.inject({ url: '/api/meetings/%00', headers: admin.headers }), 'params/id');
		// The link was not renewed.
		const actions = await running.app.inject({ url: `/api/meetings/${id}/actions`, headers: admin.headers });
		expect(actions.json<{ action: string }[]>().map((a) => a.action)).toEqual(['meeting.created']);
	});
});
