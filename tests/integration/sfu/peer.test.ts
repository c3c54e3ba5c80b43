import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../../../server/src/sfu/media-codecs.ts';
import { Peer } from '../../../server/src/sfu/peer.ts';
import type { WorkerPool } from '../../../server/src/sfu/worker-pool.ts';
import { createTestPool, silentLog } from '../../helpers/test-pool.ts';

describe('Peer', () => {
	let pool: WorkerPool | undefined;
	afterEach(() => {
		pool?.close();
	});

	it('closes a transport whose client never completes DTLS', async () => {
		pool = await createTestPool(1);
		const { router, webRtcServer } = await pool.createRouter(MEDIA_CODECS);
		const peer: Peer = new Peer({ router, webRtcServer, findProducer: () => undefined, log: silentLog, connectTimeoutMs: 300 });
		const info = await peer.createTransport('send');
		expect(info.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
		expect(info.iceCandidates.every((c) => c.ip === '127.0.0.1')).toBe(true);
		await expect.poll(async () => {
			try {
				await peer.restartIce('send');
				return 'open';
			} catch (error) {
				return (error as { code?: string }).code;
			}
		}, { timeout: 3000 }).toBe('invalid_state');
		peer.close();
		peer.close();
		expect(peer.closed).toBe(true);
	});

	it('refuses a second track of the same source and a source of the wrong kind', async () => {
		pool = await createTestPool(1);
		const { router, webRtcServer } = await pool.createRouter(MEDIA_CODECS);
		const peer = new Peer({ router, webRtcServer, findProducer: () => undefined, log: silentLog });
		await peer.createTransport('send');
		const opus = { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1 }] };
		await peer.produce('audio', 'microphone', opus);
		await expect(peer.produce('audio', 'microphone', { ...opus, encodings: [{ ssrc: 2 }] })).rejects.toMatchObject({ code: 'invalid_state' });
		await expect(peer.produce('audio', 'camera', { ...opus, encodings: [{ ssrc: 3 }] })).rejects.toMatchObject({ code: 'invalid_state' });
		peer.close();
	});
	it('closes a track the worker created for a peer that closed meanwhile, and announces nothing', async () => {
		pool = await createTestPool(1);
		const { router, webRtcServer } = await pool.createRouter(MEDIA_CODECS);
		const peer = new Peer({ router, webRtcServer, findProducer: () => undefined, log: silentLog });
		await peer.createTransport('send');
		const announced: string[] = [];
		peer.on('producer-created', (producer) => announced.push(producer.id));
		const opus = { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1 }] };
		// The site leaves while the worker is creating its microphone.
		const producing = peer.produce('audio', 'microphone', opus);
		peer.close();
		await expect(producing).rejects.toMatchObject({ code: 'invalid_state' });
		expect(peer.producers).toEqual([]);
		expect(announced).toEqual([]);
	});

	it('refuses a second DTLS connect and a reused SSRC as client errors, not internal ones', async () => {
		pool = await createTestPool(1);
		const { router, webRtcServer } = await pool.createRouter(MEDIA_CODECS);
		const peer = new Peer({ router, webRtcServer, findProducer: () => undefined, log: silentLog });
		await peer.createTransport('send');
		const dtls = { role: 'client' as const, fingerprints: [{ algorithm: 'sha-256' as const, value: Array.from({ length: 32 }, () => 'AB').join(':') }] };
		await expect(peer.connectTransport('send', { ...dtls, role: 'middle' as 'client' })).rejects.toMatchObject({ code: 'invalid_payload' });
		// While the first is in flight and after it: the DTLS state stays 'new' until ICE completes.
		const first = peer.connectTransport('send', dtls);
		await expect(peer.connectTransport('send', dtls)).rejects.toMatchObject({ code: 'invalid_state' });
		await first;
		await expect(peer.connectTransport('send', dtls)).rejects.toMatchObject({ code: 'invalid_state' });
		const opus = { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 7 }] };
		await peer.produce('audio', 'microphone', opus);
		const vp8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 7 }] };
		await expect(peer.produce('video', 'camera', vp8)).rejects.toMatchObject({ code: 'invalid_payload' });
		peer.close();
	});
});
