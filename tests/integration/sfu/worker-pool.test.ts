import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../../../server/src/sfu/media-codecs.ts';
import type { WorkerPool } from '../../../server/src/sfu/worker-pool.ts';
import { createTestPool } from '../../helpers/test-pool.ts';
import { rtpPacket, rtpSink, waitFor } from '../../helpers/rtp.ts';

function createPool(numWorkers = 2): Promise<WorkerPool> {
	return createTestPool(numWorkers, { respawnDelayMs: 100 });
}

describe('WorkerPool', () => {
	let pool: WorkerPool | undefined;
	const cleanups: (() => void)[] = [];

	afterEach(() => {
		cleanups.splice(0).forEach((fn) => fn());
		pool?.close();
		pool = undefined;
	});

	it('starts one real worker per slot, each with a WebRtcServer on its own port', async () => {
		pool = await createPool(2);
		const status = pool.status();
		expect(status.ready).toBe(true);
		expect(status.workers).toHaveLength(2);
		const [a, b] = status.workers;
		expect(a!.pid).not.toBe(b!.pid);
		expect(b!.port).toBe(a!.port + 1);
		expect(() => process.kill(a!.pid!, 0)).not.toThrow();
	});

	it('places routers on the least-loaded worker', async () => {
		pool = await createPool(2);
		const first = await pool.createRouter(MEDIA_CODECS);
		const second = await pool.createRouter(MEDIA_CODECS);
		expect(first.slot.index).not.toBe(second.slot.index);
		first.router.close();
		expect(pool.status().workers.map((w) => w.routers).sort()).toEqual([0, 1]);
	});

	it('forwards RTP from one worker to another through SRTP pipe transports', async () => {
		pool = await createPool(2);
		const [slotA, slotB] = pool.slots;
		const routerA = await slotA!.worker!.createRouter({ mediaCodecs: MEDIA_CODECS });
		const routerB = await slotB!.worker!.createRouter({ mediaCodecs: MEDIA_CODECS });

		const ingress = await routerA.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
		const producer = await ingress.produce({
			kind: 'audio',
			rtpParameters: {
				codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
				encodings: [{ ssrc: 11111111 }],
			},
		});
		const pipe = await routerA.pipeToRouter({ producerId: producer.id, router: routerB, enableSrtp: true });
		expect(pipe.pipeProducer?.id).toBe(producer.id);

		const sink = await rtpSink();
		cleanups.push(sink.close);
		const egress = await routerB.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
		await egress.connect({ ip: '127.0.0.1', port: sink.port });
		const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: routerB.rtpCapabilities });
		expect(consumer.kind).toBe('audio');

		const sender = createSocket('udp4');
		cleanups.push(() => sender.close());
		const payload = Buffer.alloc(80, 7);
		for (let i = 0; i < 50; i += 1) {
			// One packet after the other, each handed to the kernel before the next (no fixed pacing).
			await new Promise<void>((resolve, reject) =>
				sender.send(rtpPacket(100, i, i * 960, 11111111, payload), ingress.tuple.localPort, '127.0.0.1', (error) => (error ? reject(error) : resolve()))
			);
		}
		await waitFor(() => sink.received() >= 45, 5000, 'forwarded RTP packets');
		// The pipe really carried the media across processes: worker B's pipe transport received it.
		const [pipeStats] = await pipe.pipeConsumer!.getStats();
		expect(pipeStats?.packetCount).toBeGreaterThanOrEqual(45);
		expect(sink.received()).toBeLessThanOrEqual(50);
	});

	it('replaces a worker that dies, on the same port, and reports not ready meanwhile', async () => {
		pool = await createPool(2);
		const died: number[] = [];
		const replaced: number[] = [];
		pool.on('worker-died', (slot) => died.push(slot.index));
		pool.on('worker-replaced', (slot) => replaced.push(slot.index));
		const { routers: _r, ...before } = pool.status().workers[1]!;
		const router = await pool.slots[1]!.worker!.createRouter({ mediaCodecs: MEDIA_CODECS });

		process.kill(before.pid!, 'SIGKILL');
		await waitFor(() => died.length === 1, 5000, 'worker died event');
		expect(pool.ready).toBe(false);
		expect(router.closed).toBe(true);
		expect(() => pool!.leastLoaded()).not.toThrow();

		await waitFor(() => replaced.length === 1, 10000, 'replacement worker');
		const after = pool.status().workers[1]!;
		expect(pool.ready).toBe(true);
		expect(after.pid).not.toBe(before.pid);
		expect(after.port).toBe(before.port);
		expect(after.deaths).toBe(1);
	});

	it('closes idempotently and refuses new routers afterwards', async () => {
		pool = await createPool(1);
		const pid = pool.status().workers[0]!.pid!;
		pool.close();
		pool.close();
		expect(pool.ready).toBe(false);
		await expect(pool.createRouter(MEDIA_CODECS)).rejects.toMatchObject({ code: 'unavailable' });
		await waitFor(() => {
			try {
				process.kill(pid, 0);
				return false;
			} catch {
				return true;
			}
		}, 5000, 'worker process exit');
	});
});
