import { afterEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { echoTestLimits } from '../../../server/src/features/echo-test/echo-test.handlers.ts';
import type { AppSocket } from '../../../server/src/plugins/app/socket-io.ts';
import { OPUS } from '../../helpers/conference-fixture.ts';
import { ask, nextEvent, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

type AckShape = { ok: boolean; data?: unknown; error?: { code: string; message: string } };

type Emitter = { emit: (event: string, ...args: unknown[]) => void };

/** A valid DTLS answer as a browser would send it. */
const DTLS = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };

describe('socket exhaustion and log noise', () => {
	let running: RunningApp | undefined;
	afterEach(async () => {
		await running?.close();
		running = undefined;
	});

	/** The server side of a connected client, with spies on its logger. */
	function serverSide(client: TestClient): { socket: AppSocket; warn: MockInstance; error: MockInstance } {
		const socket = running!.app.io.of('/').sockets.get(client.id!);
		if (!socket) {
			throw new Error('no server socket for this client');
		}
		return { socket, warn: vi.spyOn(socket.data.log, 'warn'), error: vi.spyOn(socket.data.log, 'error') };
	}

	it('charges requests without an ack to the rate limit, and logs them once per socket', async () => {
		running = await startApp();
		const client = await running.connect();
		const { warn } = serverSide(client);
		for (let i = 0; i < 100; i += 1) {
			(client as unknown as Emitter).emit('echo:stop', {});
		}
		// The flood spent the bucket: the next real request waits its turn like any other.
		expect((await ask<AckShape>(client, 'echo:stop', {})).error?.code).toBe('rate_limited');
		expect(warn).toHaveBeenCalledTimes(1);
	});

	it('charges unknown events to the rate limit, logs them once, and echoes at most 64 characters of their name', async () => {
		running = await startApp();
		const client = await running.connect();
		const { warn } = serverSide(client);
		const long = `x:${'y'.repeat(5000)}`;
		const first = await ask<AckShape>(client, long, {});
		expect(first.error?.code).toBe('invalid_payload');
		expect(first.error!.message.length).toBeLessThan(100);
		expect(first.error!.message).toContain('y'.repeat(60));

		const acks = await Promise.all(Array.from({ length: 100 }, () => ask<AckShape>(client, 'meeting:explode', {})));
		expect(acks.filter((a) => a.error?.code === 'rate_limited').length).toBeGreaterThan(0);
		for (let i = 0; i < 20; i += 1) {
			(client as unknown as Emitter).emit('meeting:explode', {});
		}
		expect((await ask<AckShape>(client, 'echo:stop', {})).error?.code).toBe('rate_limited');
		// One line for unknown events answered, one for those without an ack; none per message.
		expect(warn.mock.calls.length).toBeLessThanOrEqual(2);
	});

	it('refuses NUL and lone UTF-16 surrogates anywhere in a payload as invalid_payload', async () => {
		running = await startApp();
		const client = await running.connect();
		expect((await ask<AckShape>(client, 'echo:start', {})).ok).toBe(true);
		expect((await ask<AckShape>(client, 'transport:create', { direction: 'send' })).ok).toBe(true);
		const bad: [string, object][] = [
			['NUL', { role: 'client\u0000', fingerprints: DTLS.fingerprints }],
			['lone high surrogate', { ...DTLS, fingerprints: [{ algorithm: 'sha-256\uD800', value: 'AB' }] }],
			['lone low surrogate in a key', { ...DTLS, ['\uDC00']: 1 }],
			// Deeper than the check walks: the worker would drop it unanswered and the socket's queue would stall.
			['lone surrogate 40 levels down', { ...DTLS, x: Array.from({ length: 40 }).reduce<unknown>((inner) => ({ x: inner }), '\uD800') }],
		];
		for (const [label, dtlsParameters] of bad) {
			const ack = await ask<AckShape>(client, 'transport:connect', { direction: 'send', dtlsParameters });
			expect(ack.error?.code, label).toBe('invalid_payload');
			expect(ack.error?.message, label).toMatch(/^transport:connect: \/dtlsParameters\/.* NUL character or an unpaired UTF-16 surrogate$/);
		}
		// A paired surrogate (an emoji) is text like any other; the refusals consumed nothing.
		expect((await ask<AckShape>(client, 'transport:connect', { direction: 'send', dtlsParameters: { ...DTLS, note: '🎤' } })).ok).toBe(true);
	});

	it('answers a second DTLS connect and a reused SSRC as client errors, without an error log', async () => {
		running = await startApp();
		const client = await running.connect();
		const { error } = serverSide(client);
		await ask(client, 'echo:start', {});
		await ask(client, 'transport:create', { direction: 'send' });
		expect((await ask<AckShape>(client, 'transport:connect', { direction: 'send', dtlsParameters: DTLS })).ok).toBe(true);
		const again = await ask<AckShape>(client, 'transport:connect', { direction: 'send', dtlsParameters: DTLS });
		expect(again.error?.code).toBe('invalid_state');

		expect((await ask<AckShape>(client, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: OPUS })).ok).toBe(true);
		const vp8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: OPUS.encodings, rtcp: OPUS.rtcp };
		const reused = await ask<AckShape>(client, 'producer:create', { kind: 'video', source: 'camera', rtpParameters: vp8 });
		expect(reused.error?.code).toBe('invalid_payload');

		const badRole = await ask<AckShape>(client, 'transport:create', { direction: 'recv' }).then(() =>
			ask<AckShape>(client, 'transport:connect', { direction: 'recv', dtlsParameters: { ...DTLS, role: 'middle' } })
		);
		expect(badRole.error?.code).toBe('invalid_payload');
		// The refused role left the transport unconnected: a correct answer still works.
		expect((await ask<AckShape>(client, 'transport:connect', { direction: 'recv', dtlsParameters: DTLS })).ok).toBe(true);
		expect(error).not.toHaveBeenCalled();
	});

	it('caps connection checks per address', async () => {
		running = await startApp();
		const clients = await Promise.all(Array.from({ length: echoTestLimits.perAddress + 1 }, () => running!.connect()));
		const acks = [];
		for (const client of clients) {
			acks.push(await ask<AckShape>(client, 'echo:start', {}));
		}
		expect(acks.slice(0, -1).every((a) => a.ok)).toBe(true);
		expect(acks.at(-1)?.error?.code).toBe('rate_limited');
		// Restarting one's own check is no extra check; stopping one frees a place.
		expect((await ask<AckShape>(clients[0]!, 'echo:start', {})).ok).toBe(true);
		expect((await ask<AckShape>(clients[0]!, 'echo:stop', {})).ok).toBe(true);
		expect((await ask<AckShape>(clients.at(-1)!, 'echo:start', {})).ok).toBe(true);
	});

	it('ends a connection check after a quiet spell, and any check after its time limit', async () => {
		const saved = { ...echoTestLimits };
		// Idle far above the 200 ms pokes below, so a slow, shared machine cannot make a poke late enough.
		Object.assign(echoTestLimits, { idleMs: 3000, maxMs: 6000 });
		try {
			running = await startApp();
		} finally {
			Object.assign(echoTestLimits, saved);
		}
		const routers = () => running!.app.workerPool.status().workers.reduce((n, w) => n + w.routers, 0);
		const quiet = await running.connect();
		expect((await ask<AckShape>(quiet, 'echo:start', {})).ok).toBe(true);
		const closed = await nextEvent<{ reason: string }>(quiet, 'media:closed', () => true, 10000);
		expect(closed.reason).toMatch(/without activity/);
		expect(routers()).toBe(0);
		expect((await ask<AckShape>(quiet, 'transport:create', { direction: 'send' })).error?.code).toBe('invalid_state');

		const busy = await running.connect();
		const started = performance.now();
		expect((await ask<AckShape>(busy, 'echo:start', {})).ok).toBe(true);
		const ended = nextEvent<{ reason: string }>(busy, 'media:closed', () => true, 15000);
		// A request every 200 ms (one that leaves the check running) keeps it from going idle, not past its limit.
		const poke = setInterval(() => void ask(busy, 'transport:restart-ice', { direction: 'send' }).catch(() => undefined), 200);
		try {
			expect((await ended).reason).toMatch(/time limit/);
		} finally {
			clearInterval(poke);
		}
		expect(performance.now() - started).toBeGreaterThan(5800);
	});
});
