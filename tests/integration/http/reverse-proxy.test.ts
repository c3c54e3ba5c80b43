import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const PROXY = '10.1.2.3';
const STRANGER = '203.0.113.7';

describe('behind a reverse proxy (TRUST_PROXY=10.0.0.0/8)', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	beforeAll(async () => {
		running = await startApp({ TRUST_PROXY: '10.0.0.0/8', MEDIASOUP_WORKERS: '1' });
		accounts = await seedAccounts(running.app);
	});
	afterAll(async () => {
		await running?.close();
	});

	const signIn = (remoteAddress: string, headers: Record<string, string>) =>
		running.app.inject({
			method: 'POST',
			url: '/api/auth/login',
			remoteAddress,
			headers,
			payload: { username: 'thuky', password: accounts.get('thuky')!.password },
		});
	const sessionCookie = (response: Awaited<ReturnType<typeof signIn>>) => response.cookies.find((c) => c.name === 'giaoban_session');

	it('makes the session cookie Secure when the trusted proxy says the browser used HTTPS', async () => {
		const response = await signIn(PROXY, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.20' });
		expect(response.statusCode, response.body).toBe(200);
		expect(sessionCookie(response)).toMatchObject({ httpOnly: true, secure: true });
	});

	it('ignores X-Forwarded-Proto from a peer TRUST_PROXY does not name, and plain HTTP from the proxy', async () => {
		const spoofed = await signIn(STRANGER, { 'x-forwarded-proto': 'https' });
		expect(spoofed.statusCode, spoofed.body).toBe(200);
		expect(sessionCookie(spoofed)?.secure).toBeFalsy();
		const plain = await signIn(PROXY, { 'x-forwarded-proto': 'http' });
		expect(plain.statusCode, plain.body).toBe(200);
		expect(sessionCookie(plain)?.secure).toBeFalsy();
	});

	it('sends HSTS on responses to HTTPS requests only', async () => {
		const https = await running.app.inject({ url: '/healthz', remoteAddress: PROXY, headers: { 'x-forwarded-proto': 'https' } });
		expect(https.statusCode).toBe(200);
		expect(https.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
		// Errors too: a 404 over HTTPS still carries it.
		const missing = await running.app.inject({ url: '/api/nothing-here', remoteAddress: PROXY, headers: { 'x-forwarded-proto': 'https' } });
		expect(missing.statusCode).toBe(404);
		expect(missing.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');

		const plain = await running.app.inject({ url: '/healthz', remoteAddress: PROXY });
		expect(plain.headers['strict-transport-security']).toBeUndefined();
		const spoofed = await running.app.inject({ url: '/healthz', remoteAddress: STRANGER, headers: { 'x-forwarded-proto': 'https' } });
		expect(spoofed.headers['strict-transport-security']).toBeUndefined();
	});

	it('asks browsers to upgrade subresources only over HTTPS (a LAN server on plain HTTP must still load its scripts)', async () => {
		const https = await running.app.inject({ url: '/healthz', remoteAddress: PROXY, headers: { 'x-forwarded-proto': 'https' } });
		expect(String(https.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
		const plain = await running.app.inject({ url: '/healthz', remoteAddress: PROXY });
		expect(String(plain.headers['content-security-policy'])).toContain("default-src 'self'");
		expect(String(plain.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
	});

	it('over a real socket without a proxy: no HSTS, no Secure cookie', async () => {
		const health = await fetch(`${running.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
		expect(health.status).toBe(200);
		expect(health.headers.get('strict-transport-security')).toBeNull();
		const login = await fetch(`${running.url}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
			body: JSON.stringify({ username: 'chutri', password: accounts.get('chutri')!.password }),
		});
		expect(login.status).toBe(200);
		expect(login.headers.get('set-cookie')).toMatch(/^giaoban_session=/);
		expect(login.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
	});
});

describe('behind nginx or Caddy on the same machine (TRUST_PROXY=loopback), over a real socket', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	beforeAll(async () => {
		running = await startApp({ TRUST_PROXY: 'loopback', MEDIASOUP_WORKERS: '1' });
		accounts = await seedAccounts(running.app);
	});
	afterAll(async () => {
		await running?.close();
	});

	it('believes the local proxy: Secure cookie and HSTS for HTTPS, neither for HTTP', async () => {
		const signIn = (proto: string) =>
			fetch(`${running.url}/api/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto, 'x-forwarded-for': '198.51.100.20' },
				body: JSON.stringify({ username: 'chutri', password: accounts.get('chutri')!.password }),
			});
		const https = await signIn('https');
		expect(https.status).toBe(200);
		expect(https.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
		expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
		const http = await signIn('http');
		expect(http.status).toBe(200);
		expect(http.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
		expect(http.headers.get('strict-transport-security')).toBeNull();
	});
});
