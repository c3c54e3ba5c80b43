import { afterEach, describe, expect, it } from 'vitest';
import { ask, startApp, type RunningApp } from '../../helpers/start-app.ts';

type AckShape = { ok: boolean; data?: unknown; error?: { code: string; message: string } };

describe('socket protocol boundary', () => {
	let running: RunningApp | undefined;
	afterEach(async () => {
		await running?.close();
	});

	it('refuses a handshake with another protocol version', async () => {
		running = await startApp();
		await expect(running.connect({ protocolVersion: 999 })).rejects.toThrow(/protocol version 999 is not supported/);
		await expect(running.connect({})).rejects.toThrow(/not supported/);
	});

	it('answers malformed payloads with invalid_payload and keeps the socket usable', async () => {
		running = await startApp();
		const client = await running.connect();
		const cases: [string, unknown][] = [
			['transport:create', { direction: 'sideways' }],
			['transport:create', {}],
			['transport:create', 'send'],
			['transport:create', null],
			['producer:create', { kind: 'audio', source: 'microphone', rtpParameters: {}, extra: 1 }],
			['consumer:resume', { consumerId: 'x'.repeat(500) }],
		];
		for (const [event, payload] of cases) {
			const ack = await ask<AckShape>(client, event, payload);
			expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
			expect(ack.error?.code).toBe('invalid_payload');
			expect(ack.error?.message).toContain(event);
		}
		const started = await ask<AckShape>(client, 'echo:start', {});
		expect(started.ok).toBe(true);
	});

	it('answers unknown events instead of leaving the client waiting', async () => {
		running = await startApp();
		const client = await running.connect();
		const ack = await ask<AckShape>(client, 'meeting:explode', { now: true });
		expect(ack).toEqual({ ok: false, error: { code: 'invalid_payload', message: 'unknown event "meeting:explode"' } });
	});

	it('requires a media session before transport requests', async () => {
		running = await startApp();
		const client = await running.connect();
		const ack = await ask<AckShape>(client, 'transport:create', { direction: 'send' });
		expect(ack.error?.code).toBe('invalid_state');
	});

	it('reports mediasoup rejecting bad DTLS parameters as invalid_payload', async () => {
		running = await startApp();
		const client = await running.connect();
		expect((await ask<AckShape>(client, 'echo:start', {})).ok).toBe(true);
		const created = await ask<AckShape>(client, 'transport:create', { direction: 'send' });
		expect(created.ok).toBe(true);
		const ack = await ask<AckShape>(client, 'transport:connect', { direction: 'send', dtlsParameters: { role: 'client' } });
		expect(ack.ok).toBe(false);
		expect(ack.error?.code).toBe('invalid_payload');
	});

	it('restarts ICE on request with fresh credentials, only for WebRTC transports that exist, and not in a loop', async () => {
		running = await startApp();
		const client = await running.connect();
		await ask(client, 'echo:start', {});
		expect((await ask<AckShape>(client, 'transport:restart-ice', { direction: 'recv' })).error?.code).toBe('invalid_state');
		const created = await ask<{ ok: boolean; data: { iceParameters: { usernameFragment: string; password: string } } }>(client, 'transport:create', { direction: 'recv' });
		const restarted = await ask<{ ok: boolean; data: { iceParameters: { usernameFragment: string; password: string } } }>(client, 'transport:restart-ice', { direction: 'recv' });
		expect(restarted.ok).toBe(true);
		expect(restarted.data.iceParameters.usernameFragment).not.toBe(created.data.iceParameters.usernameFragment);
		expect(restarted.data.iceParameters.password).not.toBe(created.data.iceParameters.password);
		// A client looping on restarts is held back; the transport itself stays usable.
		expect((await ask<AckShape>(client, 'transport:restart-ice', { direction: 'recv' })).error?.code).toBe('rate_limited');
	});

	it('closes the echo session and its router when the socket disconnects', async () => {
		running = await startApp();
		const client = await running.connect();
		expect((await ask<AckShape>(client, 'echo:start', {})).ok).toBe(true);
		const routers = () => running!.app.workerPool.status().workers.reduce((n, w) => n + w.routers, 0);
		expect(routers()).toBe(1);
		client.close();
		await expect.poll(routers, { timeout: 5000 }).toBe(0);
	});

	it('rate-limits a socket that floods requests, answering each one', async () => {
		running = await startApp();
		const client = await running.connect();
		const acks = await Promise.all(Array.from({ length: 120 }, () => ask<AckShape>(client, 'echo:stop', {})));
		const limited = acks.filter((a) => a.error?.code === 'rate_limited').length;
		expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(60);
		expect(limited).toBeGreaterThan(0);
		expect(limited + acks.filter((a) => a.ok).length).toBe(120);
	});

	it('rejects oversized messages by closing the connection, not by crashing', async () => {
		running = await startApp();
		const client = await running.connect();
		const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
		(client as unknown as { emit: (event: string, payload: unknown) => void }).emit('echo:start', { blob: 'x'.repeat(200 * 1024) });
		expect(await disconnected).toBe('transport close');
		const other = await running.connect();
		expect((await ask<AckShape>(other, 'echo:stop', {})).ok).toBe(true);
	});
});
