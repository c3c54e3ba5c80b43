import { createSocket } from 'node:dgram';
import type { PlainTransport, Producer, Router } from 'mediasoup/node/lib/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../../../server/src/sfu/media-codecs.ts';
import { PIPE_SOCKETS_PER_ROUTER, PipeLinks, PRODUCERS_PER_LINK } from '../../../server/src/sfu/pipe-links.ts';
import type { WorkerPool } from '../../../server/src/sfu/worker-pool.ts';
import { rtpPacket, rtpSink, waitFor } from '../../helpers/rtp.ts';
import { createTestPool } from '../../helpers/test-pool.ts';

/** A microphone on `router` fed over a plain transport (the test sends its RTP). */
async function microphone(ingress: PlainTransport, ssrc: number): Promise<Producer> {
	return ingress.produce({
		kind: 'audio',
		rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] },
	});
}

/** A transport's dump by id (the producers and consumers it carries). */
async function pipeTransportDump(router: Router, transportId: string): Promise<{ producerIds: string[]; consumerIds: string[] } | undefined> {
	const transport = router.transportsForTesting.get(transportId);
	return transport ? ((await transport.dump()) as { producerIds: string[]; consumerIds: string[] }) : undefined;
}

describe('PipeLinks', () => {
	let pool: WorkerPool | undefined;
	let links: PipeLinks | undefined;
	const cleanups: (() => void)[] = [];

	afterEach(() => {
		cleanups.splice(0).forEach((fn) => fn());
		links?.close();
		links = undefined;
		pool?.close();
		pool = undefined;
	});

	async function twoRouters(internalPorts?: { min: number; max: number }): Promise<[Router, Router]> {
		pool = await createTestPool(2, internalPorts ? { internalPorts } : {});
		const [slotA, slotB] = pool.slots;
		return [await slotA!.worker!.createRouter({ mediaCodecs: MEDIA_CODECS }), await slotB!.worker!.createRouter({ mediaCodecs: MEDIA_CODECS })];
	}

	it('spreads producers over several pipe transport pairs, each carrying media to the other worker', async () => {
		const [routerA, routerB] = await twoRouters();
		links = new PipeLinks({ routers: () => 2 });
		const ingress = await routerA.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
		const count = PRODUCERS_PER_LINK * 2 + 1;
		const producers: Producer[] = [];
		for (let i = 0; i < count; i += 1) {
			producers.push(await microphone(ingress, 5000 + i));
		}
		// All at once, as a join storm asks for them.
		const piped = await Promise.all(producers.map((p) => links!.pipe(p, routerA, routerB)));
		expect(piped.map((p) => p.id)).toEqual(producers.map((p) => p.id));
		expect(links.linkCount(routerA, routerB)).toBe(3);
		// Spread: each pair's transport on router B receives its share.
		const carried = async () =>
			(await Promise.all(((await routerB.dump()) as { transportIds: string[] }).transportIds.map(async (id) => (await pipeTransportDump(routerB, id))?.producerIds.length ?? 0))).sort(
				(x, y) => x - y
			);
		expect(await carried()).toEqual([1, PRODUCERS_PER_LINK, PRODUCERS_PER_LINK]);
		// The other way uses the same pairs (the least used first): no new sockets.
		const egressSide = await routerB.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
		await links.pipe(await microphone(egressSide, 6000), routerB, routerA);
		expect(links.linkCount(routerB, routerA)).toBe(3);
		expect(((await routerA.dump()) as { transportIds: string[] }).transportIds).toHaveLength(4);

		// The first and the last producer (on different pairs) reach a consumer on router B.
		const sink = await rtpSink();
		cleanups.push(sink.close);
		const egress = await routerB.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
		await egress.connect({ ip: '127.0.0.1', port: sink.port });
		for (const producer of [producers[0]!, producers.at(-1)!]) {
			await egress.consume({ producerId: producer.id, rtpCapabilities: routerB.rtpCapabilities });
		}
		const sender = createSocket('udp4');
		cleanups.push(() => sender.close());
		for (let i = 0; i < 20; i += 1) {
			for (const ssrc of [5000, 5000 + count - 1]) {
				await new Promise<void>((resolve, reject) =>
					sender.send(rtpPacket(100, i, i * 960, ssrc, Buffer.alloc(60, 1)), ingress.tuple.localPort, '127.0.0.1', (e) => (e ? reject(e) : resolve()))
				);
			}
		}
		// Each of the two streams through its own pair (a stray loss may not leave one of them short).
		const received = async () => Promise.all([piped[0]!, piped.at(-1)!].map(async (p) => (await p.getStats())[0]?.packetCount ?? 0));
		await waitFor(async () => sink.received() >= 36 && (await received()).every((n) => n >= 18), 10_000, 'media through two pipe transport pairs');
	});

	it('follows the original: pause, resume and close; a closed pipe frees its place on the pair', async () => {
		const [routerA, routerB] = await twoRouters();
		links = new PipeLinks({ routers: () => 2 });
		const ingress = await routerA.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
		const first = await microphone(ingress, 7000);
		const pipeProducer = await links.pipe(first, routerA, routerB);
		expect(pipeProducer.paused).toBe(false);
		await first.pause();
		await waitFor(() => pipeProducer.paused, 3000, 'pipe producer paused');
		await first.resume();
		await waitFor(() => !pipeProducer.paused, 3000, 'pipe producer resumed');
		first.close();
		await waitFor(() => pipeProducer.closed, 3000, 'pipe producer closed');

		// Closing the pipe producer (an idle pipe swept) stops the source router sending it.
		const second = await microphone(ingress, 7002);
		const secondPipe = await links.pipe(second, routerA, routerB);
		const pipeConsumers = async () => {
			const ids = ((await routerA.dump()) as { transportIds: string[] }).transportIds.filter((id) => id !== ingress.id);
			return (await Promise.all(ids.map(async (id) => (await pipeTransportDump(routerA, id))?.consumerIds.length ?? 0))).reduce((x, y) => x + y, 0);
		};
		expect(await pipeConsumers()).toBe(1);
		secondPipe.close();
		await waitFor(async () => (await pipeConsumers()) === 0, 3000, 'pipe consumer closed on the source router');
		expect(second.closed).toBe(false);
		second.close();

		// A paused original arrives paused.
		const paused = await microphone(ingress, 7001);
		await paused.pause();
		expect((await links.pipe(paused, routerA, routerB)).paused).toBe(true);

		// The freed place is reused: PRODUCERS_PER_LINK more (the paused one included) fill one pair.
		for (let i = 0; i < PRODUCERS_PER_LINK - 1; i += 1) {
			await links.pipe(await microphone(ingress, 7100 + i), routerA, routerB);
		}
		expect(links.linkCount(routerA, routerB)).toBe(1);
		await links.pipe(await microphone(ingress, 7200), routerA, routerB);
		expect(links.linkCount(routerA, routerB)).toBe(2);
	});

	it('drops the pairs of a router that closes, pipes again to a new one, and refuses everything once closed', async () => {
		const [routerA, routerB] = await twoRouters();
		links = new PipeLinks({ routers: () => 2 });
		const ingress = await routerA.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
		const producer = await microphone(ingress, 9000);
		const pipeProducer = await links.pipe(producer, routerA, routerB);
		routerB.close();
		await waitFor(() => links!.linkCount(routerA, routerB) === 0, 3000, 'pair dropped with its router');
		expect(pipeProducer.closed).toBe(true);
		// The source side of the pair closed too: nothing is left consuming the producer on router A.
		const dump = (await routerA.dump()) as { transportIds: string[] };
		expect(dump.transportIds).toEqual([ingress.id]);

		const routerC = await pool!.slots[1]!.worker!.createRouter({ mediaCodecs: MEDIA_CODECS });
		expect((await links.pipe(producer, routerA, routerC)).id).toBe(producer.id);
		links.close();
		links.close();
		await expect(links.pipe(producer, routerA, routerC)).rejects.toMatchObject({ code: 'invalid_state' });
		await waitFor(async () => ((await routerC.dump()) as { transportIds: string[] }).transportIds.length === 0, 3000, 'pairs closed with the links');
	});

	it('carries a producer over an open pair when a new one cannot open (no free port)', async () => {
		// Three internal ports for both workers (below the ephemeral range, apart from the other tests'):
		// the first pair takes two of them, a second pair cannot find two.
		const min = 32100 + Math.floor(Math.random() * 160) * 4;
		const [routerA, routerB] = await twoRouters({ min, max: min + 2 });
		links = new PipeLinks({ routers: () => 2 });
		const source = await routerA.createDirectTransport();
		const producers: Producer[] = [];
		for (let i = 0; i < PRODUCERS_PER_LINK * 2 + 2; i += 1) {
			producers.push(
				await source.produce({
					kind: 'audio',
					rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 3000 + i }] },
				})
			);
		}
		const first = producers.slice(0, PRODUCERS_PER_LINK + 2);
		const piped = await Promise.all(first.map((p) => links!.pipe(p, routerA, routerB)));
		expect(piped.every((p, i) => p.id === first[i]!.id && !p.closed)).toBe(true);
		expect(links.linkCount(routerA, routerB)).toBe(1);
		// For a while after the failure no new pair is tried (each try costs both workers a port scan).
		let tried = 0;
		routerA.observer.on('newtransport', () => (tried += 1));
		routerB.observer.on('newtransport', () => (tried += 1));
		for (const producer of producers.slice(first.length)) {
			expect((await links.pipe(producer, routerA, routerB)).closed).toBe(false);
		}
		expect(tried).toBe(0);
		expect(links.linkCount(routerA, routerB)).toBe(1);
	});

	it('opens fewer pairs per two routers as the room has more routers', async () => {
		const [routerA, routerB] = await twoRouters();
		let routers = 2;
		links = new PipeLinks({ routers: () => routers });
		expect(links.maxLinksPerPair).toBe(PIPE_SOCKETS_PER_ROUTER);
		routers = 5;
		expect(links.maxLinksPerPair).toBe(Math.ceil(PIPE_SOCKETS_PER_ROUTER / 4));
		const source = await routerA.createDirectTransport();
		const many = PRODUCERS_PER_LINK * 4;
		for (let i = 0; i < many; i += 1) {
			const producer = await source.produce({
				kind: 'audio',
				rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 4000 + i }] },
			});
			await links.pipe(producer, routerA, routerB);
		}
		expect(links.linkCount(routerA, routerB)).toBe(links.maxLinksPerPair);
	});
});
