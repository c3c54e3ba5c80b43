import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { Consumer, PlainTransport, Producer, Router } from 'mediasoup/node/lib/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../../../server/src/sfu/media-codecs.ts';
import type { Peer } from '../../../server/src/sfu/peer.ts';
import { watchStalledVideo } from '../../../server/src/sfu/stalled-video.ts';
import { Subscriber, type ConsumerAdded, type Wanted } from '../../../server/src/sfu/subscriber.ts';
import type { WorkerPool } from '../../../server/src/sfu/worker-pool.ts';
import { rtpPacket, rtpSink, waitFor } from '../../helpers/rtp.ts';
import { createTestPool, silentLog } from '../../helpers/test-pool.ts';

const LAYER_SSRCS = [41000, 41001, 41002];

/** A VP8 packet (RFC 7741 descriptor with a picture id; the key-frame bit) of one simulcast layer. */
function vp8Packet(sequence: number, timestamp: number, ssrc: number, pictureId: number, keyFrame: boolean): Buffer {
	const payload = Buffer.alloc(80, 0x55);
	payload[0] = 0x90;
	payload[1] = 0x80;
	payload[2] = 0x80 | ((pictureId >> 8) & 0x7f);
	payload[3] = pictureId & 0xff;
	payload[4] = keyFrame ? 0x00 : 0x01;
	return rtpPacket(101, sequence, timestamp, ssrc, payload);
}

describe('watchStalledVideo', () => {
	let pool: WorkerPool | undefined;
	const cleanups: (() => void)[] = [];

	afterEach(() => {
		cleanups.splice(0).forEach((fn) => fn());
		pool?.close();
		pool = undefined;
	});

	async function camera(): Promise<{ router: Router; ingress: PlainTransport; producer: Producer; send: (layers: number[]) => void }> {
		pool = await createTestPool(1);
		const { router } = await pool.createRouter(MEDIA_CODECS);
		const ingress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
		const producer = await ingress.produce({
			kind: 'video',
			rtpParameters: {
				codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
				encodings: LAYER_SSRCS.map((ssrc) => ({ ssrc })),
			},
		});
		const sender = createSocket('udp4');
		let frame = 0;
		let layers: number[] = [];
		// 30 frames/s of the given layers, a key frame every 10th; never an RTCP sender report.
		const timer = setInterval(() => {
			frame += 1;
			for (const layer of layers) {
				sender.send(vp8Packet(frame, frame * 3000, LAYER_SSRCS[layer]!, frame, frame % 10 === 1), ingress.tuple.localPort, '127.0.0.1');
			}
		}, 33);
		cleanups.push(() => {
			clearInterval(timer);
			sender.close();
		});
		return { router, ingress, producer, send: (l) => (layers = l) };
	}

	async function consumerTo(router: Router, producer: Producer) {
		const sink = await rtpSink();
		cleanups.push(sink.close);
		const egress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
		await egress.connect({ ip: '127.0.0.1', port: sink.port });
		const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
		await consumer.setPreferredLayers({ spatialLayer: 2 });
		return { sink, consumer };
	}

	it('finds a consumer that forwards nothing while the lowest layer arrives, and a new one forwards it', async () => {
		const { router, producer, send } = await camera();
		// The camera starts with its upper layers only, and no sender report has arrived for them...
		send([1, 2]);
		const first = await consumerTo(router, producer);
		let stalledAt = 0;
		watchStalledVideo(first.consumer, () => (stalledAt = Date.now()), 1000);
		await first.consumer.resume();
		await waitFor(() => (first.consumer.currentLayers?.spatialLayer ?? -1) >= 1, 5000, 'an upper layer forwarded');
		expect(first.sink.received()).toBeGreaterThan(0);
		// ...when producer:layers turns them off: only the lowest layer goes on.
		send([0]);
		const switched = Date.now();
		// mediasoup 3.12 cannot switch to a layer without both streams' sender reports: nothing more is forwarded.
		await waitFor(() => stalledAt > 0, 10000, 'the stall to be noticed');
		expect(first.consumer.currentLayers ?? null).toBeNull();
		expect(first.consumer.score.producerScores.some((s) => s > 0)).toBe(true);
		expect(stalledAt - switched).toBeGreaterThanOrEqual(1000);
		const before = first.sink.received();

		const second = await consumerTo(router, producer);
		await second.consumer.resume();
		await waitFor(() => second.sink.received() >= 10, 5000, 'the lowest layer through a new consumer');
		await waitFor(() => second.consumer.currentLayers?.spatialLayer === 0, 3000, 'the new consumer on the lowest layer');
		// The old one still forwards nothing: replacing it was needed.
		expect(first.sink.received()).toBe(before);
	});

	it('leaves alone a consumer whose sender sends nothing, then forwards the lowest layer', async () => {
		const { router, producer, send } = await camera();
		const silentSender = await consumerTo(router, producer);
		const calls: string[] = [];
		watchStalledVideo(silentSender.consumer, () => calls.push('silent'), 500);
		await silentSender.consumer.resume();
		// Nothing sent for three times the wait.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(calls).toEqual([]);
		send([0]);
		await waitFor(() => silentSender.sink.received() >= 10, 5000, 'the lowest layer forwarded');
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(calls).toEqual([]);
	});

	it('leaves a stalled consumer alone while it is paused, and calls once it is resumed', async () => {
		const { router, producer, send } = await camera();
		send([1, 2]);
		const { consumer } = await consumerTo(router, producer);
		const calls: number[] = [];
		watchStalledVideo(consumer, () => calls.push(Date.now()), 500);
		await consumer.resume();
		await waitFor(() => (consumer.currentLayers?.spatialLayer ?? -1) >= 1, 5000, 'an upper layer forwarded');
		// Paused by its site, then the upper layers stop: the stall's signature, but not resumed.
		await consumer.pause();
		send([0]);
		await waitFor(() => consumer.score.producerScores.some((s, layer) => layer > 0 && s === 0) && (consumer.score.producerScores[0] ?? 0) > 0, 10000, 'the upper layers seen stopped');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(calls).toEqual([]);
		const resumedAt = Date.now();
		await consumer.resume();
		await waitFor(() => calls.length > 0, 10000, 'the stall noticed once resumed');
		expect(calls).toHaveLength(1);
		expect(calls[0]! - resumedAt).toBeGreaterThanOrEqual(500);
	});

	it('a site’s Subscriber replaces its stalled camera consumer with one that forwards', async () => {
		const { router, producer, send } = await camera();
		send([1, 2]);
		const sink = await rtpSink();
		cleanups.push(sink.close);
		const egress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
		await egress.connect({ ip: '127.0.0.1', port: sink.port });
		// The site's peer as the Subscriber uses it, its receive side a plain transport.
		const consumers: Consumer[] = [];
		const events = new EventEmitter();
		const peer = {
			closed: false,
			once: (event: string, listener: () => void) => events.once(event, listener),
			consume: async (producerId: string) => {
				const consumer = await egress.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
				consumers.push(consumer);
				return consumer;
			},
		} as unknown as Peer;
		const wanted: Wanted[] = [{ producerId: producer.id, participantId: 'site', kind: 'video', source: 'camera', spatialLayer: 2, priority: 1 }];
		const added: ConsumerAdded[] = [];
		const subscriber: Subscriber = new Subscriber({
			peer,
			rtpCapabilities: router.rtpCapabilities,
			// The site resumes what it is told about.
			added: (a) => {
				added.push(a);
				void consumers.find((c) => c.id === a.consumerId)?.resume();
			},
			lost: () => subscriber.want(wanted),
			log: silentLog,
		});
		cleanups.push(() => subscriber.close());
		subscriber.want(wanted);
		await waitFor(() => (consumers[0]?.currentLayers?.spatialLayer ?? -1) >= 1, 5000, 'an upper layer forwarded');
		send([0]);
		await waitFor(() => added.length === 2, 15000, 'a second consumer announced');
		expect(consumers[0]!.closed).toBe(true);
		expect(added[1]!.producerId).toBe(producer.id);
		await waitFor(() => consumers[1]?.currentLayers?.spatialLayer === 0, 5000, 'the new consumer on the lowest layer');
		expect(subscriber.receiving().get(producer.id)).toEqual({ kind: 'video', spatialLayer: 2 });
	});
});
