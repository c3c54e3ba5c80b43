import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

describe('sign-in, sessions and CSRF', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
	});
	afterAll(async () => {
		await running?.close();
	});

	it('signs in with the right password and sets an HttpOnly, SameSite cookie', async () => {
		const response = await running.app.inject({
			method: 'POST',
			url: '/api/auth/login',
			payload: { username: 'ChuTri ', password: accounts.get('chutri')!.password },
		});
		expect(response.statusCode).toBe(200);
		expect(response.json()).toMatchObject({ user: { username: 'chutri', role: 'chair', unit: { id: 'song-lo' } } });
		const cookie = response.cookies.find((c) => c.name === 'giaoban_session');
		expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
	});

	it('rejects a wrong password or unknown user with the same 401', async () => {
		for (const payload of [
			{ username: 'chutri', password: 'wrong' },
			{ username: 'nobody', password: 'wrong' },
		]) {
			const response = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload });
			expect(response.statusCode).toBe(401);
			expect(response.json()).toEqual({ code: 'unauthorized', message: 'Wrong username or password', reason: 'wrong_credentials' });
		}
	});

	it('rejects malformed login bodies with invalid_payload', async () => {
		const response = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
		expect(response.statusCode).toBe(400);
		expect(response.json<{ code: string }>().code).toBe('invalid_payload');
	});

	it('answers /api/auth/session for a signed-in user and 401 otherwise', async () => {
		const signed = await login(running.app, accounts, 'thuky');
		const me = await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } });
		expect(me.json()).toMatchObject({ user: { username: 'thuky', role: 'secretary' }, csrfToken: signed.csrf });
		const anonymous = await running.app.inject({ url: '/api/auth/session' });
		expect(anonymous.statusCode).toBe(401);
	});

	it('refuses cookie-authenticated writes without the CSRF token', async () => {
		const signed = await login(running.app, accounts, 'admin');
		const without = await running.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: signed.cookie } });
		expect(without.statusCode).toBe(403);
		expect(without.json<{ code: string }>().code).toBe('forbidden');
		const wrong = await running.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: signed.cookie, 'x-csrf-token': 'x' } });
		expect(wrong.statusCode).toBe(403);
	});

	it('logs out: the session stops working', async () => {
		const signed = await login(running.app, accounts, 'admin');
		const out = await running.app.inject({ method: 'POST', url: '/api/auth/logout', headers: signed.headers });
		expect(out.statusCode).toBe(204);
		const me = await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } });
		expect(me.statusCode).toBe(401);
	});

	it('rate-limits sign-in attempts', async () => {
		const codes: number[] = [];
		for (let i = 0; i < 12; i += 1) {
			const response = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' }, remoteAddress: '10.9.9.9' });
			codes.push(response.statusCode);
		}
		expect(codes).toContain(429);
		const limited = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' }, remoteAddress: '10.9.9.9' });
		expect(limited.json<{ code: string }>().code).toBe('rate_limited');
	});
});
