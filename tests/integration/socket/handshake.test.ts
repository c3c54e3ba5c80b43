import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS_PER_ADDRESS } from '../../../server/src/plugins/app/socket-io.ts';
import { PROTOCOL_VERSION } from '../../../shared/src/protocol/index.ts';
import { ask, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

const AUTH = { protocolVersion: PROTOCOL_VERSION };

/** Status of a raw engine.io long-polling handshake, the first request a browser may send. */
function pollingHandshake(url: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request(`${url}/socket.io/?EIO=4&transport=polling`, { headers }, (response) => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		req.on('error', reject);
		req.end();
	});
}

describe('socket.io handshake: origin and connections per address', () => {
	let running: RunningApp | undefined;
	afterEach(async () => {
		await running?.close();
		running = undefined;
	});

	it('refuses a page of another origin, and serves its own origin and non-browser clients', async () => {
		running = await startApp();
		const own = running.url;
		await expect(running.connect(AUTH, { origin: 'http://evil.example' })).rejects.toThrow();
		await expect(running.connect(AUTH, { origin: 'null' })).rejects.toThrow();
		// Same host, another port: another origin (and the same site, so a Lax cookie would go along).
		await expect(running.connect(AUTH, { origin: own.replace(/:\d+$/, ':1') })).rejects.toThrow();
		expect(await pollingHandshake(own, { origin: 'http://evil.example' })).toBe(403);

		const same = await running.connect(AUTH, { origin: own });
		expect((await ask<{ ok: boolean }>(same, 'echo:stop', {})).ok).toBe(true);
		const noOrigin = await running.connect(AUTH);
		expect((await ask<{ ok: boolean }>(noOrigin, 'echo:stop', {})).ok).toBe(true);
		expect(await pollingHandshake(own, { origin: own })).toBe(200);
	});

	it('allows PUBLIC_URL and ALLOWED_ORIGINS only, once PUBLIC_URL is set', async () => {
		running = await startApp({ PUBLIC_URL: 'https://giaoban.songlo.gov.vn', ALLOWED_ORIGINS: 'https://hop.songlo.gov.vn' });
		await expect(running.connect(AUTH, { origin: running.url })).rejects.toThrow();
		expect((await running.connect(AUTH, { origin: 'https://giaoban.songlo.gov.vn' })).connected).toBe(true);
		expect((await running.connect(AUTH, { origin: 'https://hop.songlo.gov.vn' })).connected).toBe(true);
		await expect(running.connect(AUTH, { origin: 'http://giaoban.songlo.gov.vn' })).rejects.toThrow();
	});

	it('reads the scheme and host a trusted proxy forwards, and ignores them from anyone else', async () => {
		const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'giaoban.example.vn' };
		running = await startApp({ TRUST_PROXY: 'loopback' });
		expect((await running.connect(AUTH, { ...forwarded, origin: 'https://giaoban.example.vn' })).connected).toBe(true);
		await expect(running.connect(AUTH, { ...forwarded, origin: running.url })).rejects.toThrow();
		await running.close();

		running = await startApp({ TRUST_PROXY: '10.0.0.1' });
		await expect(running.connect(AUTH, { ...forwarded, origin: 'https://giaoban.example.vn' })).rejects.toThrow();
		expect((await running.connect(AUTH, { ...forwarded, origin: running.url })).connected).toBe(true);
	});

	it(`caps one address at ${MAX_CONNECTIONS_PER_ADDRESS} open connections, and frees a place when one closes`, async () => {
		running = await startApp();
		const open: TestClient[] = [];
		for (let i = 0; i < MAX_CONNECTIONS_PER_ADDRESS; i += 1) {
			open.push(await running.connect(AUTH));
		}
		await expect(running.connect(AUTH)).rejects.toThrow();
		expect(await pollingHandshake(running.url, {})).toBe(403);
		expect(open.every((client) => client.connected)).toBe(true);

		open[0]!.close();
		await expect.poll(async () => running!.connect(AUTH).then((c) => c.connected, () => false), { timeout: 5000 }).toBe(true);
	});

	it('counts the forwarded client address behind a trusted proxy, not the proxy', async () => {
		running = await startApp({ TRUST_PROXY: 'loopback' });
		for (let i = 0; i < MAX_CONNECTIONS_PER_ADDRESS; i += 1) {
			await running.connect(AUTH, { 'x-forwarded-for': '203.0.113.7' });
		}
		await expect(running.connect(AUTH, { 'x-forwarded-for': '203.0.113.7' })).rejects.toThrow();
		const other = await running.connect(AUTH, { 'x-forwarded-for': '203.0.113.8' });
		expect(other.connected).toBe(true);
	});
});
