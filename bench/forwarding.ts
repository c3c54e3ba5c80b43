/**
 * Forwarding benchmark: 10, 20 and 30 synthetic sites (Opus 50 packets/s, VP8 3-layer simulcast at
 * 30 fps) through the product's room and peer code, alternated with a bare mediasoup script doing
 * the same forwarding in the same run. Prints a table and JSON; writes bench/results/*.json.
 * Environment: BENCH_SITES (e.g. "10,20,30"), BENCH_SECONDS (measured seconds per run, default 8),
 * BENCH_REPEATS (alternations per size, default 2).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bareRoom, productRoom, type BenchRoom } from './rooms.ts';
import { AUDIO, cpuSeconds, Generator, Sink, ssrcsFor } from './synthetic-media.ts';

type Variant = 'product' | 'bare';
/** One measured run of the forwarding benchmark (the recording benchmark reports the same and more). */
export type ForwardingResult = {
	sites: number;
	forwardedPerSecond: number;
	audioLossPercent: number;
	/** Video packets received over those the layer policy implies (one large tile, the rest thumbnails). */
	videoDeliveryPercent: number;
	/** Video consumers whose current spatial layer is the one the policy asks for, at the end. */
	consumersOnPolicyLayer: string;
	workerCpuPercent: number;
	usPerForwardedPacket: number;
	sentPerSecond: number;
};
type Result = ForwardingResult & { variant: Variant };

const sizes = (process.env['BENCH_SITES'] ?? '10,20,30').split(',').map(Number);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 8);
const repeats = Number(process.env['BENCH_REPEATS'] ?? 2);
// Consumers start on the lowest layer and switch at the first key frame (every 2 s) after the
// RTCP sender reports that map the layers' clocks onto each other.
const WARMUP_MS = 3000;
const DRAIN_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(variant: Variant, n: number): Promise<Result> {
	const sinks = Array.from({ length: n }, () => new Sink());
	const sinkPorts = await Promise.all(sinks.map((s) => s.bind()));
	let room: BenchRoom | undefined;
	let generator: Generator | undefined;
	try {
		room = await (variant === 'product' ? productRoom : bareRoom)(n, sinkPorts);
		for (const sink of sinks) {
			sink.audioPayloadTypes = room.audioPayloadTypes;
		}
		generator = new Generator(room.ingressPorts.map((port, i) => ({ port, ssrcs: ssrcsFor(i) })));
		generator.start();
		await sleep(WARMUP_MS);
		generator.resetCounters();
		sinks.forEach((s) => (s.counting = true));
		const cpu0 = cpuSeconds(room.workerPid);
		const t0 = performance.now();
		await sleep(seconds * 1000);
		generator.stop();
		const elapsed = (performance.now() - t0) / 1000;
		await sleep(DRAIN_MS);
		const cpu = cpuSeconds(room.workerPid) - cpu0;
		sinks.forEach((s) => (s.counting = false));
		const receivedAudio = sinks.reduce((sum, s) => sum + s.audio, 0);
		const receivedVideo = sinks.reduce((sum, s) => sum + s.video, 0);
		// Every audio packet a site sends reaches each of the other n - 1 sites.
		const expectedAudio = (generator.sentAudioPackets / n) * n * (n - 1);
		const forwarded = receivedAudio + receivedVideo;
		// Each of the n viewers shows one site large (its top layer) and n - 2 as thumbnails (lowest layer).
		const [lowest, , top] = generator.sentVideoPacketsByLayer.map((count) => count / n);
		const expectedVideo = n * top! + n * (n - 2) * lowest!;
		const onPolicy = room.videoConsumers.filter(({ consumer, wantedSpatialLayer }) => consumer.currentLayers?.spatialLayer === wantedSpatialLayer).length;
		return {
			variant,
			sites: n,
			forwardedPerSecond: Math.round(forwarded / elapsed),
			audioLossPercent: Number((Math.max(0, 1 - receivedAudio / expectedAudio) * 100).toFixed(3)),
			videoDeliveryPercent: Number(((receivedVideo / expectedVideo) * 100).toFixed(1)),
			consumersOnPolicyLayer: `${onPolicy}/${room.videoConsumers.length}`,
			workerCpuPercent: Number(((cpu / elapsed) * 100).toFixed(1)),
			usPerForwardedPacket: Number(((cpu * 1e6) / forwarded).toFixed(2)),
			sentPerSecond: Math.round((generator.sentAudioPackets + generator.sentVideoPackets) / elapsed),
		};
	} finally {
		generator?.close();
		room?.close();
		sinks.forEach((s) => s.close());
		await sleep(300);
	}
}

const results: Result[] = [];
for (const n of sizes) {
	for (let rep = 0; rep < repeats; rep += 1) {
		const order: Variant[] = rep % 2 === 0 ? ['product', 'bare'] : ['bare', 'product'];
		for (const variant of order) {
			const result = await run(variant, n);
			results.push(result);
			console.error(
				`  ${variant.padEnd(7)} ${n} sites: ${result.forwardedPerSecond} pkt/s, ${result.usPerForwardedPacket} µs/pkt, audio loss ${result.audioLossPercent}%, video ${result.videoDeliveryPercent}% of policy, ${result.consumersOnPolicyLayer} consumers on their policy layer`
			);
		}
	}
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = sizes.map((n) => {
	const of = (v: Variant) => results.filter((r) => r.sites === n && r.variant === v);
	const product = of('product');
	const bare = of('bare');
	const usProduct = mean(product.map((r) => r.usPerForwardedPacket));
	const usBare = mean(bare.map((r) => r.usPerForwardedPacket));
	return {
		sites: n,
		forwardedPerSecond: Math.round(mean(product.map((r) => r.forwardedPerSecond))),
		productUsPerPacket: Number(usProduct.toFixed(2)),
		bareUsPerPacket: Number(usBare.toFixed(2)),
		ratio: Number((usProduct / usBare).toFixed(3)),
		productCpuPercent: Number(mean(product.map((r) => r.workerCpuPercent)).toFixed(1)),
		bareCpuPercent: Number(mean(bare.map((r) => r.workerCpuPercent)).toFixed(1)),
		productVideoDeliveryPercent: Math.min(...product.map((r) => r.videoDeliveryPercent)),
		bareVideoDeliveryPercent: Math.min(...bare.map((r) => r.videoDeliveryPercent)),
		productAudioLossPercent: Math.max(...product.map((r) => r.audioLossPercent)),
		bareAudioLossPercent: Math.max(...bare.map((r) => r.audioLossPercent)),
	};
});

const report = {
	benchmark: 'forwarding',
	date: new Date().toISOString(),
	settings: { seconds, repeats, audioPacketsPerSecond: AUDIO.packetsPerSecond, video: 'VP8 30 fps, 150/500/1200 kbit/s simulcast', layerPolicy: 'one large tile (top layer), thumbnails lowest layer' },
	targets: { ratioAtMost: 1.1, lossAt30Sites: 0 },
	summary,
	runs: results,
};

console.log('\nsites | fwd pkt/s | product µs/pkt | bare µs/pkt | ratio | product CPU % | bare CPU % | audio loss % (product/bare) | video % of policy (product/bare)');
console.log('------|-----------|----------------|-------------|-------|---------------|------------|-----------------------------|---------------------------------');
for (const s of summary) {
	console.log(
		`${String(s.sites).padStart(5)} | ${String(s.forwardedPerSecond).padStart(9)} | ${String(s.productUsPerPacket).padStart(14)} | ${String(s.bareUsPerPacket).padStart(11)} | ${String(s.ratio).padStart(5)} | ${String(s.productCpuPercent).padStart(13)} | ${String(s.bareCpuPercent).padStart(10)} | ${`${s.productAudioLossPercent} / ${s.bareAudioLossPercent}`.padEnd(27)} | ${s.productVideoDeliveryPercent} / ${s.bareVideoDeliveryPercent}`
	);
}
console.log(`\n${JSON.stringify(report, null, 2)}`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `forwarding-${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${file}`);
