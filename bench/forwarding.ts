/**
 * Forwarding benchmark: a province meeting of 60, 120 and 171 synthetic sites with the gallery
 * policy (each site receives the large tile at the top layer, 12 thumbnails at the lowest, and the
 * microphones of the 3 unmuted sites), SRTP on ingress and egress as in production, over 2
 * mediasoup workers. Through the product (Conference: room:receive and room:view, server-made
 * consumers, pipeToRouter between the workers), alternated with a bare mediasoup script doing the
 * same forwarding in the same run. Cameras nobody shows large send only their lowest layer (what
 * producer:layers asks of a browser); muted microphones send only DTX-rate packets.
 *
 * The synthetic sites' packets come from a child process (GeneratorProcess), so that its CPU is
 * measured apart. Every site's downlink is really sent by the workers, but only a sample of sites
 * is read (a UDP socket each, counting packets and sequence gaps); the others' go to bound ports
 * nobody reads, where the kernel drops them (DiscardPorts): reading ~100,000 packets/s in Node
 * would take most of a core on a 2-core machine and the receivers, not the SFU, would lose
 * packets. Loss is reported twice: on the sampled sinks (sequence gaps, audio and video against
 * what the plan implies) and from mediasoup's own counters for every consumer (packets each
 * consumer sent against those its producer stream received or saw missing).
 * The generator runs at niceness BENCH_LOAD_NICE (default 19): it stands for 171 remote machines,
 * whose packets cost the SFU host only their reception, so it takes the CPU the workers leave
 * rather than taking turns with them (a worker scheduled out for a few milliseconds overflows its
 * sockets' buffers: that is what a loaded host loses, and it is reported with BENCH_LOAD_NICE=0).
 * It paces by wall-clock time and catches up after a delay, so it keeps its rate either way.
 * Prints a table and JSON; writes bench/results/*.json.
 * Environment: BENCH_SITES (e.g. "60,120,171"), BENCH_SECONDS (measured seconds per run, default
 * 8), BENCH_REPEATS (alternations per size, default 2), BENCH_SAMPLED_SITES (sites whose downlink
 * is read, default 24; at least 3).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Consumer } from 'mediasoup/node/lib/types.js';
import { bareRoom, benchTargets, camerasWatched, expectedPackets, GALLERY, galleryPlan, productRoom, sampleSites, type BenchRoom } from './rooms.ts';
import { AUDIO, cpuSeconds, DiscardPorts, GeneratorProcess, Sink, SRTP_SUITE, socketInodes, udpCounters, udpSockets, VIDEO } from './synthetic-media.ts';

type Variant = 'product' | 'bare';
/** One measured run of the forwarding benchmark (the recording benchmark reports the same and more). */
export type ForwardingResult = {
	sites: number;
	consumers: number;
	/** Packets all consumers sent per second (mediasoup's counters). */
	forwardedPerSecond: number;
	/** Audio packets the sampled sinks received over those the policy implies (the unmuted sites' microphones to every other site). */
	audioLossPercent: number;
	/** Sequence numbers missing in the streams the sampled sinks received (audio and video): packets lost on the way. */
	sequenceLossPercent: number;
	/** Packets the workers saw missing from the generator (producer stats): loss on the way in. */
	ingressLossPercent: number;
	/** Video packets the sampled sinks received over those the layer policy implies (one large tile, 12 thumbnails). */
	videoDeliveryPercent: number;
	/** Video consumers whose current spatial layer is the one the policy asks for, at the end. */
	consumersOnPolicyLayer: string;
	/** CPU % of each worker (100 = one core). */
	workerCpuPercent: number[];
	/** Sites each worker carries. */
	sitesPerWorker: number[];
	usPerForwardedPacket: number;
	sentPerSecond: number;
	/** CPU % of this process (the sampled sinks, and for the product the Conference). */
	benchProcessCpuPercent: number;
	/** CPU % of the generator's child process (the synthetic sites' packets, SRTP included). */
	generatorCpuPercent: number;
	/** Both cores busy over the run, from /proc/stat (100 = the whole machine). */
	machineBusyPercent: number;
	/** Sites whose downlink was read, and how many of them each worker carries. */
	sampledSites: number;
	sampledPerWorker: number[];
	/** Cameras a sampled site shows (large or thumbnail), over all cameras. */
	sampledCameras: string;
	/** Packets the sampled sinks received per second. */
	sampledReceivedPerSecond: number;
	/** Datagrams the kernel dropped at the sampled sinks' sockets (full receive buffer), over those that reached them. */
	sinkSocketDropPercent: number;
	/** Datagrams per second the kernel dropped at the unread sites' ports (what the workers sent there). */
	discardedPerSecond: number;
	/**
	 * Datagrams the kernel dropped at the workers' own sockets (ingress from the generator, the
	 * pipe between the workers) because a worker did not read them in time: loss inside the SFU host.
	 */
	workerSocketDrops: number;
	/** Of workerSocketDrops: at the sites' ingress sockets; the rest are at the pipes between the workers. */
	workerIngressSocketDrops: number;
	/** Datagrams to ports nobody had bound during the run (each would send ICMP port unreachable back): should be 0. */
	udpNoPorts: number;
	/**
	 * mediasoup's counters for every consumer: 1 - packets sent / packets its producer stream
	 * received or saw missing (producer streams count losses at their RTCP receiver reports).
	 */
	mediasoupLossPercent: number;
	mediasoupAudioLossPercent: number;
	mediasoupVideoLossPercent: number;
	/** Consumers counted (same producer stream at both reads) over all. */
	mediasoupConsumersCounted: string;
	/** Summed over the consumers' outbound streams during the run (the sinks send no RTCP, so these stay 0 unless the workers act on their own). */
	mediasoupNackCount: number;
	mediasoupPacketsDiscarded: number;
	policyMismatches: string[];
};
type Result = ForwardingResult & { variant: Variant };

const sizes = (process.env['BENCH_SITES'] ?? '60,120,171').split(',').map(Number);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 8);
const repeats = Number(process.env['BENCH_REPEATS'] ?? 2);
const sampled = Number(process.env['BENCH_SAMPLED_SITES'] ?? 24);
const loadNice = Number(process.env['BENCH_LOAD_NICE'] ?? 19);
if (sizes.some((n) => !Number.isInteger(n) || n < 3) || !(seconds > 0) || !(repeats >= 1) || !Number.isInteger(sampled) || sampled < 3 || !Number.isInteger(loadNice) || loadNice < 0 || loadNice > 19) {
	throw new Error('BENCH_SITES: integers of at least 3; BENCH_SECONDS > 0; BENCH_REPEATS >= 1; BENCH_SAMPLED_SITES: an integer of at least 3; BENCH_LOAD_NICE: 0-19');
}
// Consumers start on the lowest layer and switch at the first key frame (every 2 s) after the
// RTCP sender reports that map the layers' clocks onto each other.
const WARMUP_MS = 4000;
const DRAIN_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percent = (part: number, whole: number, digits = 3) => (whole > 0 ? Number(((part / whole) * 100).toFixed(digits)) : 0);

/** Busy and total jiffies of the whole machine. */
function machineJiffies(): { busy: number; total: number } {
	const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
	const total = fields.reduce((a, b) => a + b, 0);
	// idle and iowait
	return { busy: total - fields[3]! - (fields[4] ?? 0), total };
}

/** Packets each producer's streams received and saw missing (mediasoup's RTP receive stats). */
async function ingressCounts(room: BenchRoom): Promise<{ received: number; lost: number }> {
	let received = 0;
	let lost = 0;
	for (const producer of room.producers) {
		for (const stat of await producer.getStats()) {
			received += stat.packetCount;
			lost += Math.max(0, stat.packetsLost);
		}
	}
	return { received, lost };
}

/**
 * One consumer's counters, read in one request so that the worker answers for both streams at
 * the same instant: its outbound stream, and the producer stream it currently forwards (on its
 * own router: a pipe producer for a site on the other worker, whose sequence gaps include the
 * pipe's and the ingress's losses).
 */
type ConsumerCounts = { kind: string; at: number; sent: number; nacks: number; discarded: number; inSsrc: number; inReceived: number; inLost: number };

async function consumerCounts(consumers: Consumer[]): Promise<(ConsumerCounts | undefined)[]> {
	const stats = await Promise.allSettled(consumers.map((c) => c.getStats()));
	return stats.map((s, i) => {
		const out = s.status === 'fulfilled' ? s.value.find((x) => x.type === 'outbound-rtp') : undefined;
		const inbound = s.status === 'fulfilled' ? s.value.find((x) => x.type === 'inbound-rtp') : undefined;
		if (!out || !inbound) {
			return undefined;
		}
		return {
			kind: consumers[i]!.kind,
			at: out.timestamp,
			sent: out.packetCount,
			nacks: out.nackCount,
			discarded: out.packetsDiscarded,
			inSsrc: inbound.ssrc,
			inReceived: inbound.packetCount,
			inLost: Math.max(0, inbound.packetsLost),
		};
	});
}

/** mediasoup's view of the run for every consumer whose producer stream stayed the same. */
function consumerLoss(before: (ConsumerCounts | undefined)[], after: (ConsumerCounts | undefined)[]) {
	const sum = { audio: { sent: 0, expected: 0 }, video: { sent: 0, expected: 0 }, counted: 0, nacks: 0, discarded: 0, perSecond: 0 };
	for (const [i, a] of before.entries()) {
		const b = after[i];
		if (!a || a.inSsrc !== b?.inSsrc) {
			continue;
		}
		const into = a.kind === 'audio' ? sum.audio : sum.video;
		into.sent += b.sent - a.sent;
		into.expected += b.inReceived + b.inLost - a.inReceived - a.inLost;
		sum.counted += 1;
		sum.nacks += b.nacks - a.nacks;
		sum.discarded += b.discarded - a.discarded;
		sum.perSecond += b.at > a.at ? ((b.sent - a.sent) * 1000) / (b.at - a.at) : 0;
	}
	const loss = (x: { sent: number; expected: number }) => Math.max(0, percent(x.expected - x.sent, x.expected));
	return {
		lossPercent: loss({ sent: sum.audio.sent + sum.video.sent, expected: sum.audio.expected + sum.video.expected }),
		audioLossPercent: loss(sum.audio),
		videoLossPercent: loss(sum.video),
		counted: `${sum.counted}/${before.length}`,
		nacks: sum.nacks,
		discarded: sum.discarded,
		perSecond: Math.round(sum.perSecond),
	};
}

/** Drops (/proc/net/udp) at the given local ports, at the sockets of the given inodes, and at those of them bound to one of the other ports. */
function drops(ports: number[], inodes: Set<string>, inodePorts: number[] = []): { atPorts: number; atInodes: number; atInodePorts: number } {
	const wanted = new Set(ports);
	const inodeWanted = new Set(inodePorts);
	let atPorts = 0;
	let atInodes = 0;
	let atInodePorts = 0;
	for (const socket of udpSockets()) {
		atPorts += wanted.has(socket.port) ? socket.drops : 0;
		atInodes += inodes.has(socket.inode) ? socket.drops : 0;
		atInodePorts += inodes.has(socket.inode) && inodeWanted.has(socket.port) ? socket.drops : 0;
	}
	return { atPorts, atInodes, atInodePorts };
}

async function run(variant: Variant, n: number): Promise<Result> {
	const read = sampleSites(galleryPlan(n), sampled);
	const sinks = new Map(read.map((site) => [site, new Sink()]));
	let discard: DiscardPorts | undefined;
	let room: BenchRoom | undefined;
	let generator: GeneratorProcess | undefined;
	try {
		discard = await DiscardPorts.open(n - sinks.size);
		const unread = [...discard.ports];
		const ports: number[] = [];
		for (let site = 0; site < n; site += 1) {
			const sink = sinks.get(site);
			ports.push(sink ? await sink.bind() : unread.shift()!);
		}
		const sinkPorts = read.map((site) => ports[site]!);
		room = await (variant === 'product' ? productRoom : bareRoom)(n, ports);
		for (const sink of sinks.values()) {
			sink.audioPayloadTypes = room.audioPayloadTypes;
		}
		generator = await GeneratorProcess.start(benchTargets(room), loadNice);
		await sleep(WARMUP_MS);
		const ingress0 = await ingressCounts(room);
		if (ingress0.received === 0) {
			throw new Error(`${variant}: the workers counted no packet from the generator: SRTP (${SRTP_SUITE}) not accepted?`);
		}
		const consumers0 = await consumerCounts(room.consumers);
		await generator.resetCounters();
		sinks.forEach((s) => (s.counting = true));
		const workerSockets = new Set(room.workerPids.flatMap((pid) => [...socketInodes(pid)]));
		const sinkDrops0 = drops(sinkPorts, workerSockets, room.ingressPorts);
		const discardDrops0 = drops(discard.ports, new Set());
		const udp0 = udpCounters();
		const cpu0 = room.workerPids.map(cpuSeconds);
		const generatorCpu0 = cpuSeconds(generator.pid);
		const own0 = process.cpuUsage();
		const machine0 = machineJiffies();
		const t0 = performance.now();
		await sleep(seconds * 1000);
		// Read while media still flows: once it stops, mediasoup marks the streams inactive and the layers go.
		const onPolicy = room.videoConsumers.filter(({ consumer, wantedSpatialLayer }) => consumer.currentLayers?.spatialLayer === wantedSpatialLayer).length;
		const elapsed = (performance.now() - t0) / 1000;
		const machine1 = machineJiffies();
		const own = process.cpuUsage(own0);
		const cpu = room.workerPids.map((pid, i) => cpuSeconds(pid) - cpu0[i]!);
		const generatorCpu = cpuSeconds(generator.pid) - generatorCpu0;
		// Each consumer's counters and its producer stream's come from one instant of the worker, so
		// media may still flow while they are read.
		const consumers1 = await consumerCounts(room.consumers);
		const sent = await generator.stop();
		await sleep(DRAIN_MS);
		sinks.forEach((s) => (s.counting = false));
		const sinkDrops1 = drops(sinkPorts, workerSockets, room.ingressPorts);
		const discardDrops1 = drops(discard.ports, new Set());
		const udp1 = udpCounters();
		const ingress1 = await ingressCounts(room);
		const all = [...sinks.values()];
		const receivedAudio = all.reduce((sum, s) => sum + s.audio, 0);
		const receivedVideo = all.reduce((sum, s) => sum + s.video, 0);
		const gaps = all.map((s) => s.gaps());
		const missing = gaps.reduce((sum, g) => sum + g.audio.missing + g.video.missing, 0);
		const inSequence = gaps.reduce((sum, g) => sum + g.audio.expected + g.video.expected, 0);
		const expected = expectedPackets(room.plan, sent, read);
		const mediasoup = consumerLoss(consumers0, consumers1);
		const totalCpu = cpu.reduce((a, b) => a + b, 0);
		const ingressLost = ingress1.lost - ingress0.lost;
		const sinkDrops = sinkDrops1.atPorts - sinkDrops0.atPorts;
		const sampledPerWorker = room.workerPids.map((_, w) => read.filter((site) => room!.siteWorkers[site] === w).length);
		return {
			variant,
			sites: n,
			consumers: room.consumerCount,
			forwardedPerSecond: mediasoup.perSecond,
			audioLossPercent: Math.max(0, percent(expected.audio - receivedAudio, expected.audio)),
			sequenceLossPercent: percent(missing, inSequence),
			ingressLossPercent: percent(ingressLost, ingress1.received - ingress0.received + ingressLost),
			videoDeliveryPercent: percent(receivedVideo, expected.video, 1),
			consumersOnPolicyLayer: `${onPolicy}/${room.videoConsumers.length}`,
			workerCpuPercent: cpu.map((c) => Number(((c / elapsed) * 100).toFixed(1))),
			sitesPerWorker: room.sitesPerWorker,
			usPerForwardedPacket: Number(((totalCpu * 1e6) / (mediasoup.perSecond * elapsed)).toFixed(2)),
			sentPerSecond: Math.round((sent.sentAudioPackets + sent.sentVideoPackets) / elapsed),
			benchProcessCpuPercent: Number((((own.user + own.system) / 1e6 / elapsed) * 100).toFixed(1)),
			generatorCpuPercent: Number(((generatorCpu / elapsed) * 100).toFixed(1)),
			machineBusyPercent: percent(machine1.busy - machine0.busy, machine1.total - machine0.total, 1),
			sampledSites: read.length,
			sampledPerWorker,
			sampledCameras: `${camerasWatched(room.plan, read)}/${n}`,
			sampledReceivedPerSecond: Math.round((receivedAudio + receivedVideo) / elapsed),
			sinkSocketDropPercent: percent(sinkDrops, sinkDrops + receivedAudio + receivedVideo),
			discardedPerSecond: Math.round((discardDrops1.atPorts - discardDrops0.atPorts) / elapsed),
			workerSocketDrops: sinkDrops1.atInodes - sinkDrops0.atInodes,
			workerIngressSocketDrops: sinkDrops1.atInodePorts - sinkDrops0.atInodePorts,
			udpNoPorts: udp1.noPorts - udp0.noPorts,
			mediasoupLossPercent: mediasoup.lossPercent,
			mediasoupAudioLossPercent: mediasoup.audioLossPercent,
			mediasoupVideoLossPercent: mediasoup.videoLossPercent,
			mediasoupConsumersCounted: mediasoup.counted,
			mediasoupNackCount: mediasoup.nacks,
			mediasoupPacketsDiscarded: mediasoup.discarded,
			policyMismatches: room.policyMismatches.slice(0, 5),
		};
	} finally {
		generator?.close();
		room?.close();
		sinks.forEach((s) => s.close());
		discard?.close();
		await sleep(500);
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
				`  ${variant.padEnd(7)} ${n} sites (${result.consumers} consumers, workers ${result.sitesPerWorker.join('/')} sites): ${result.forwardedPerSecond} pkt/s, ${result.usPerForwardedPacket} µs/pkt, workers ${result.workerCpuPercent.join('% / ')}%, machine ${result.machineBusyPercent}%, bench process ${result.benchProcessCpuPercent}%, generator ${result.generatorCpuPercent}%, ` +
					`sampled ${result.sampledSites} sites (${result.sampledPerWorker.join('/')} per worker, ${result.sampledCameras} cameras, ${result.sampledReceivedPerSecond} pkt/s, socket drops ${result.sinkSocketDropPercent}%): audio loss ${result.audioLossPercent}%, sequence loss ${result.sequenceLossPercent}%, video ${result.videoDeliveryPercent}% of policy; ` +
					`mediasoup loss ${result.mediasoupLossPercent}% (audio ${result.mediasoupAudioLossPercent}%, video ${result.mediasoupVideoLossPercent}%, ${result.mediasoupConsumersCounted} consumers, ${result.mediasoupNackCount} NACKs, ${result.mediasoupPacketsDiscarded} discarded), ingress loss ${result.ingressLossPercent}%, worker socket drops ${result.workerSocketDrops} (${result.workerIngressSocketDrops} at ingress), ` +
					`unread ports dropped ${result.discardedPerSecond} pkt/s, UDP NoPorts ${result.udpNoPorts}, ${result.consumersOnPolicyLayer} consumers on their policy layer${result.policyMismatches.length > 0 ? `, POLICY MISMATCHES: ${result.policyMismatches.join('; ')}` : ''}`
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
	const perWorker = (rs: Result[]) => rs[0]!.workerCpuPercent.map((_, w) => Number(mean(rs.map((r) => r.workerCpuPercent[w]!)).toFixed(1)));
	const worst = (rs: Result[], pick: (r: Result) => number) => Math.max(...rs.map(pick));
	return {
		sites: n,
		consumers: product[0]!.consumers,
		forwardedPerSecond: Math.round(mean(product.map((r) => r.forwardedPerSecond))),
		productUsPerPacket: Number(usProduct.toFixed(2)),
		bareUsPerPacket: Number(usBare.toFixed(2)),
		ratio: Number((usProduct / usBare).toFixed(3)),
		productWorkerCpuPercent: perWorker(product),
		bareWorkerCpuPercent: perWorker(bare),
		productMachineBusyPercent: Number(mean(product.map((r) => r.machineBusyPercent)).toFixed(1)),
		productBenchProcessCpuPercent: Number(mean(product.map((r) => r.benchProcessCpuPercent)).toFixed(1)),
		bareBenchProcessCpuPercent: Number(mean(bare.map((r) => r.benchProcessCpuPercent)).toFixed(1)),
		generatorCpuPercent: Number(mean([...product, ...bare].map((r) => r.generatorCpuPercent)).toFixed(1)),
		sampledSites: product[0]!.sampledSites,
		sampledPerWorker: product[0]!.sampledPerWorker,
		sampledCameras: product[0]!.sampledCameras,
		sinkSocketDropPercent: worst([...product, ...bare], (r) => r.sinkSocketDropPercent),
		udpNoPorts: worst([...product, ...bare], (r) => r.udpNoPorts),
		productWorkerSocketDrops: worst(product, (r) => r.workerSocketDrops),
		bareWorkerSocketDrops: worst(bare, (r) => r.workerSocketDrops),
		productMediasoupLossPercent: worst(product, (r) => r.mediasoupLossPercent),
		bareMediasoupLossPercent: worst(bare, (r) => r.mediasoupLossPercent),
		productAudioLossPercent: worst(product, (r) => r.audioLossPercent),
		bareAudioLossPercent: worst(bare, (r) => r.audioLossPercent),
		productSequenceLossPercent: worst(product, (r) => r.sequenceLossPercent),
		bareSequenceLossPercent: worst(bare, (r) => r.sequenceLossPercent),
		productIngressLossPercent: worst(product, (r) => r.ingressLossPercent),
		bareIngressLossPercent: worst(bare, (r) => r.ingressLossPercent),
		productVideoDeliveryPercent: Math.min(...product.map((r) => r.videoDeliveryPercent)),
		bareVideoDeliveryPercent: Math.min(...bare.map((r) => r.videoDeliveryPercent)),
		productConsumersOnPolicyLayer: product.map((r) => r.consumersOnPolicyLayer).join(', '),
		bareConsumersOnPolicyLayer: bare.map((r) => r.consumersOnPolicyLayer).join(', '),
		policyMismatches: product.reduce((sum, r) => sum + r.policyMismatches.length, 0),
	};
});

const report = {
	benchmark: 'forwarding',
	date: new Date().toISOString(),
	settings: {
		seconds,
		repeats,
		workers: GALLERY.workers,
		sampledSites: `${sampled} sites' downlinks read (the unmuted sites, then the sites adding the most cameras watched, balanced over the workers); the others' sent to bound ports nobody reads (dropped by the kernel)`,
		generator: `a child process (its CPU reported apart) at niceness ${loadNice}`,
		srtp: `${SRTP_SUITE} on every ingress and egress plain transport (the generator encrypts RTP and RTCP with node:crypto)`,
		audio: `Opus ${AUDIO.packetsPerSecond} packets/s from the ${GALLERY.unmuted} unmuted sites; muted sites' microphones paused (chair-muted on entry), sending 1 packet in 20 (DTX)`,
		video: `VP8 ${VIDEO.fps} fps, ${VIDEO.layerKbps.join('/')} kbit/s simulcast; cameras shown large by someone send all 3 layers, the others only the lowest (producer:layers)`,
		layerPolicy: `gallery: large tile at the top layer, ${GALLERY.maxThumbnails} thumbnails at the lowest (strip of recent speakers, then a page), downlink ${GALLERY.downlinkKbps} kbit/s`,
	},
	targets: { ratioAtMost: 1.1, lossPercentBelow: 1 },
	summary,
	runs: results,
};

console.log(
	'\nsites | consumers | fwd pkt/s | product µs/pkt | bare µs/pkt | ratio | product CPU % per worker | bare CPU % per worker | machine % | bench % (p/b) | generator % | sampled (per worker; cameras) | sink socket drops % | audio loss % (p/b) | seq loss % (p/b) | mediasoup loss % (p/b) | worker socket drops (p/b) | ingress loss % (p/b) | video % of policy (p/b) | on policy layer (p / b)'
);
console.log(
	'------|-----------|-----------|----------------|-------------|-------|--------------------------|-----------------------|-----------|---------------|-------------|-------------------------------|---------------------|--------------------|------------------|------------------------|---------------------------|----------------------|-------------------------|------------------------'
);
for (const s of summary) {
	console.log(
		[
			String(s.sites).padStart(5),
			String(s.consumers).padStart(9),
			String(s.forwardedPerSecond).padStart(9),
			String(s.productUsPerPacket).padStart(14),
			String(s.bareUsPerPacket).padStart(11),
			String(s.ratio).padStart(5),
			s.productWorkerCpuPercent.join(' / ').padEnd(24),
			s.bareWorkerCpuPercent.join(' / ').padEnd(21),
			String(s.productMachineBusyPercent).padStart(9),
			`${s.productBenchProcessCpuPercent} / ${s.bareBenchProcessCpuPercent}`.padEnd(13),
			String(s.generatorCpuPercent).padStart(11),
			`${s.sampledSites} (${s.sampledPerWorker.join('/')}; ${s.sampledCameras})`.padEnd(29),
			String(s.sinkSocketDropPercent).padStart(19),
			`${s.productAudioLossPercent} / ${s.bareAudioLossPercent}`.padEnd(18),
			`${s.productSequenceLossPercent} / ${s.bareSequenceLossPercent}`.padEnd(16),
			`${s.productMediasoupLossPercent} / ${s.bareMediasoupLossPercent}`.padEnd(22),
			`${s.productWorkerSocketDrops} / ${s.bareWorkerSocketDrops}`.padEnd(25),
			`${s.productIngressLossPercent} / ${s.bareIngressLossPercent}`.padEnd(20),
			`${s.productVideoDeliveryPercent} / ${s.bareVideoDeliveryPercent}`.padEnd(23),
			`${s.productConsumersOnPolicyLayer} / ${s.bareConsumersOnPolicyLayer}`,
		].join(' | ')
	);
}
console.log(`\n${JSON.stringify(report, null, 2)}`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `forwarding-${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${file}`);
