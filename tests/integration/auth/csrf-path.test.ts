import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

describe('CSRF on the route, not the raw URL', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
	});
	afterAll(async () => {
		await running?.close();
	});

	it('refuses a percent-encoded path to a write without the token, and the session survives', async () => {
		const signed = await login(running.app, accounts, 'admin');
		for (const url of ['/%61pi/auth/logout', '/%61%70%69/auth/logout', '/api/auth/%6cogout']) {
			const response = await running.app.inject({ method: 'POST', url, headers: { cookie: signed.cookie } });
			expect(response.statusCode, url).toBe(403);
			expect(response.json<{ code: string }>().code).toBe('forbidden');
		}
		const me = await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } });
		expect(me.statusCode).toBe(200);
	});

	it('serves the encoded path like the plain one when the token is there', async () => {
		const signed = await login(running.app, accounts, 'thuky');
		const session = await running.app.inject({ url: '/%61pi/auth/session', headers: { cookie: signed.cookie } });
		expect(session.statusCode).toBe(200);
		const out = await running.app.inject({ method: 'POST', url: '/%61pi/auth/logout', headers: signed.headers });
		expect(out.statusCode).toBe(204);
		expect((await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } })).statusCode).toBe(401);
	});

	it('exempts only sign-in, which a signed-in browser may repeat without a token', async () => {
		const signed = await login(running.app, accounts, 'chutri');
		const again = await running.app.inject({
			method: 'POST',
			url: '/api/auth/login',
			headers: { cookie: signed.cookie },
			payload: { username: 'chutri', password: accounts.get('chutri')!.password },
		});
		expect(again.statusCode).toBe(200);
		// A write to no route with the cookie is refused for the token before anything else.
		const nowhere = await running.app.inject({ method: 'POST', url: '/elsewhere', headers: { cookie: signed.cookie } });
		expect(nowhere.statusCode).toBe(403);
	});

	it('refuses writes from another site’s page, sign-in included; the server’s own pages are fine', async () => {
		const password = accounts.get('hailuu')!.password;
		const foreign = await running.app.inject({
			method: 'POST',
			url: '/api/auth/login',
			headers: { origin: 'http://evil.example', host: 'giaoban.local:8080' },
			payload: { username: 'hailuu', password },
		});
		expect(foreign.statusCode).toBe(403);
		expect(foreign.json<{ code: string }>().code).toBe('forbidden');
		expect(foreign.cookies.find((c) => c.name === 'giaoban_session')).toBeUndefined();
		const own = await running.app.inject({
			method: 'POST',
			url: '/api/auth/login',
			headers: { origin: 'http://giaoban.local:8080', host: 'giaoban.local:8080' },
			payload: { username: 'hailuu', password },
		});
		expect(own.statusCode, own.body).toBe(200);
		// A signed-in write with the right token but from a foreign page is refused as well.
		const signed = await login(running.app, accounts, 'admin');
		const out = await running.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...signed.headers, origin: 'https://evil.example' } });
		expect(out.statusCode).toBe(403);
		expect((await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } })).statusCode).toBe(200);
	});
});
