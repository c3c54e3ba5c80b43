/**
 * Join-storm benchmark: 30, 100 and 170 communes joining one meeting at the same moment by their
 * invitation links, through the REAL application in its own process (bench/join-storm-server.ts:
 * buildApp on a migrated SQLite database, 2 mediasoup workers, TRUST_PROXY=loopback and an own
 * X-Forwarded-For per client, as each commune is on its own network). The chair is in the meeting
 * first (microphone and camera on). Each commune's socket.io client then does what the browser
 * does: room:join, transport:create send and recv (no DTLS: no browser), producer:create
 * microphone and camera (VP8, 3 simulcast layers), room:receive, room:view (the chair large, up to
 * 12 other sites it knows of as thumbnails), consumer:resume for each consumer:added. A site is
 * fully joined when it has the consumers its view implies (the chair's microphone, the chair's
 * camera and each accepted thumbnail's camera). Measured: ms from the storm's start to each
 * site's full join (p50, p99, last) and the server's CPU seconds (its Node process and its
 * workers, from /proc) per join.
 * Alternated with a bare script making the same mediasoup calls in this process: 2 workers with a
 * WebRtcServer and a router each, per site createWebRtcTransport ×2, produce ×2 (the microphone
 * paused, as the chair's join-muted does), and as many consumers (pipeToRouter across workers).
 * Environment: BENCH_STORM_SITES (default "30,100,170"), BENCH_STORM_REPEATS (alternations, default 1).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mediasoup from 'mediasoup';
import type { Producer, Router, RtpCapabilities, WebRtcServer, WebRtcTransport, Worker } from 'mediasoup/node/lib/types.js';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '#shared/protocol/index.ts';
import { MEDIA_CODECS } from '../server/src/sfu/media-codecs.ts';
import { testEnv } from '../tests/helpers/test-env.ts';
import { cpuSeconds } from './synthetic-media.ts';

const ROOT = join(import.meta.dirname, '..');
const sizes = (process.env['BENCH_STORM_SITES'] ?? '30,100,170').split(',').map(Number);
const repeats = Number(process.env['BENCH_STORM_REPEATS'] ?? 1);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(repeats >= 1)) {
	throw new Error('BENCH_STORM_SITES: positive integers; BENCH_STORM_REPEATS >= 1');
}
const THUMBNAILS = 12;
const SITE_TIMEOUT_MS = 120_000;

type Ack<T> = { ok: boolean; data: T; error?: { code: string; message: string } };

/** A VP8 camera with three simulcast layers and an Opus microphone, as a browser describes them. */
function camera(site: number) {
	const base = 40_000_000 + site * 10;
	return {
		codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
		encodings: [{ ssrc: base, maxBitrate: 150_000 }, { ssrc: base + 1, maxBitrate: 500_000 }, { ssrc: base + 2, maxBitrate: 1_200_000 }],
		rtcp: { cname: `site-${site}` },
	};
}
function microphone(site: number) {
	return {
		codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
		encodings: [{ ssrc: 30_000_000 + site }],
		rtcp: { cname: `site-${site}` },
	};
}
/** Receiver capabilities of a browser: Opus and VP8. */
const RECEIVER: RtpCapabilities = {
	codecs: [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
		{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] },
	],
	headerExtensions: [],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number): number => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const round = (x: number, digits: number) => Number(x.toFixed(digits));

async function ask<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
	const ack = (await socket.timeout(SITE_TIMEOUT_MS).emitWithAck(event, payload)) as Ack<T>;
	if (!ack.ok) {
		throw new Error(`${event}: ${ack.error?.code} ${ack.error?.message}`);
	}
	return ack.data;
}

/** The mediasoup workers a process started (their CPU counts as the server's), found by parent pid in /proc. */
function workerPidsOf(pid: number): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			// After the name: state, then the parent pid.
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (parent === pid && name.startsWith('mediasoup-work')) {
				pids.push(Number(entry));
			}
		} catch {
			// The process ended meanwhile.
		}
	}
	return pids;
}

/** The migrated template database, made once (the real migrations, as the tests' global setup does). */
function templateDatabase(work: string): string {
	const dir = join(work, 'template');
	mkdirSync(dir);
	const migrated = spawnSync(process.execPath, ['scripts/prisma.mjs', 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir }, encoding: 'utf8' });
	if (migrated.status !== 0) {
		throw new Error(`prisma migrate deploy failed:\n${migrated.stdout}\n${migrated.stderr}`);
	}
	return join(dir, 'giaoban.db');
}

type Ready = { port: number; meetingId: string; tokens: string[]; chair: { cookie: string; csrf: string } };

async function startServer(work: string, template: string, units: number): Promise<{ child: ChildProcess; ready: Ready; remove: () => void }> {
	const dataDir = mkdtempSync(join(work, 'data-'));
	copyFileSync(template, join(dataDir, 'giaoban.db'));
	const env = { ...testEnv(dataDir, { TRUST_PROXY: 'loopback', LOG_LEVEL: 'silent' }), BENCH_STORM_UNITS: String(units) };
	const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'join-storm-server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const ready = await new Promise<Ready>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const line = out.split('\n').find((l) => l.startsWith('{'));
			if (line && out.includes('\n')) {
				resolve(JSON.parse(line) as Ready);
			}
		});
		child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready:\n${stderr}`)));
	});
	return { child, ready, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

function connect(url: string, auth: object, headers: Record<string, string>): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const socket = io(url, { auth, extraHeaders: headers, transports: ['websocket'], reconnection: false, forceNew: true });
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', reject);
	});
}

/** One site's client: follows the room (participant ids) and its consumers, resuming each as the browser does. */
function follow(socket: Socket) {
	const known = new Set<string>();
	const consumers = { audio: 0, video: 0 };
	let changed: () => void = () => undefined;
	socket.on('room:delta', (delta: { participants?: { id: string }[]; left?: string[] }) => {
		delta.participants?.forEach((p) => known.add(p.id));
		delta.left?.forEach((id) => known.delete(id));
	});
	socket.on('consumer:added', ({ consumerId, kind }: { consumerId: string; kind: 'audio' | 'video' }) => {
		consumers[kind] += 1;
		socket.emit('consumer:resume', { consumerId }, () => undefined);
		changed();
	});
	socket.on('consumer:closed', () => undefined);
	return {
		known,
		consumers,
		/** Resolves once the site has at least this many consumers. */
		until: (audio: number, video: number) =>
			new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`consumers ${consumers.audio}/${audio} audio, ${consumers.video}/${video} video after ${SITE_TIMEOUT_MS} ms`)), SITE_TIMEOUT_MS);
				changed = () => {
					if (consumers.audio >= audio && consumers.video >= video) {
						clearTimeout(timer);
						resolve();
					}
				};
				changed();
			}),
	};
}

type StormResult = {
	variant: 'product' | 'bare';
	sites: number;
	doneMs: number[];
	serverCpuSeconds: number;
	consumers: number;
	failures: string[];
};

function serverCpu(pid: number, workers: number[]): number {
	return cpuSeconds(pid) + workers.reduce((sum, w) => sum + cpuSeconds(w), 0);
}

async function productStorm(work: string, template: string, n: number): Promise<StormResult> {
	const server = await startServer(work, template, n);
	const url = `http://127.0.0.1:${server.ready.port}`;
	const sockets: Socket[] = [];
	try {
		const workers = workerPidsOf(server.child.pid!);
		if (workers.length !== 2) {
			throw new Error(`expected the server's 2 mediasoup workers, found ${workers.length}`);
		}
		// The chair first, with its microphone and camera on.
		const chairSocket = await connect(url, { protocolVersion: PROTOCOL_VERSION, csrfToken: server.ready.chair.csrf }, { cookie: server.ready.chair.cookie, 'x-forwarded-for': '10.9.0.1' });
		sockets.push(chairSocket);
		const chairJoin = await ask<{ participantId: string }>(chairSocket, 'room:join', { meetingId: server.ready.meetingId });
		const chairId = chairJoin.participantId;
		await ask(chairSocket, 'transport:create', { direction: 'send' });
		await ask(chairSocket, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: microphone(0) });
		await ask(chairSocket, 'producer:create', { kind: 'video', source: 'camera', rtpParameters: camera(0) });
		// The communes' pages are open (sockets connected) before the start; then all join at once.
		const communes: Socket[] = [];
		for (let i = 0; i < n; i += 10) {
			const batch = Array.from({ length: Math.min(10, n - i) }, (_, k) => i + k);
			communes.push(...(await Promise.all(batch.map((s) => connect(url, { protocolVersion: PROTOCOL_VERSION }, { 'x-forwarded-for': `10.1.${Math.floor(s / 200)}.${(s % 200) + 1}` })))));
		}
		sockets.push(...communes);
		await sleep(1000);
		const cpu0 = serverCpu(server.child.pid!, workers);
		const t0 = performance.now();
		const failures: string[] = [];
		let consumers = 0;
		const doneMs = await Promise.all(
			communes.map(async (socket, i) => {
				const site = follow(socket);
				try {
					const joined = await ask<{ participantId: string; snapshot: { participants: { id: string }[] } }>(socket, 'room:join', { invitationToken: server.ready.tokens[i] });
					joined.snapshot.participants.forEach((p) => site.known.add(p.id));
					await ask(socket, 'transport:create', { direction: 'send' });
					await ask(socket, 'transport:create', { direction: 'recv' });
					await ask(socket, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: microphone(i + 1) });
					await ask(socket, 'producer:create', { kind: 'video', source: 'camera', rtpParameters: camera(i + 1) });
					await ask(socket, 'room:receive', { rtpCapabilities: RECEIVER });
					const thumbnails = [...site.known].filter((id) => id !== joined.participantId && id !== chairId).slice(0, THUMBNAILS);
					const view = await ask<{ thumbnails: string[] }>(socket, 'room:view', { large: chairId, thumbnails });
					// The chair's microphone (the communes enter muted), its camera large, the thumbnails' cameras.
					await site.until(1, 1 + view.thumbnails.length);
					consumers += 2 + view.thumbnails.length;
					return performance.now() - t0;
				} catch (error) {
					failures.push(`site ${i}: ${(error as Error).message}`);
					return Number.NaN;
				}
			})
		);
		const serverCpuSeconds = serverCpu(server.child.pid!, workers) - cpu0;
		return { variant: 'product', sites: n, doneMs: doneMs.filter((ms) => !Number.isNaN(ms)), serverCpuSeconds, consumers, failures };
	} finally {
		sockets.forEach((s) => s.close());
		server.child.kill('SIGTERM');
		await new Promise((resolve) => server.child.once('exit', resolve));
		server.remove();
	}
}

/** The same mediasoup calls without the application: what the storm costs mediasoup itself. */
async function bareStorm(n: number): Promise<StormResult> {
	const workers: Worker[] = [];
	try {
		const rooms: { router: Router; server: WebRtcServer; sites: number }[] = [];
		for (let w = 0; w < 2; w += 1) {
			const worker = await mediasoup.createWorker({ logLevel: 'warn' });
			workers.push(worker);
			const port = 20000 + Math.floor(Math.random() * 3000) * 4;
			const server = await worker.createWebRtcServer({
				listenInfos: [
					{ protocol: 'udp', ip: '127.0.0.1', port },
					{ protocol: 'tcp', ip: '127.0.0.1', port },
				],
			});
			rooms.push({ router: await worker.createRouter({ mediaCodecs: MEDIA_CODECS }), server, sites: 0 });
		}
		const pipes = new Map<string, Promise<unknown>>();
		const transport = (room: (typeof rooms)[number]): Promise<WebRtcTransport> =>
			room.router.createWebRtcTransport({ webRtcServer: room.server, enableUdp: true, enableTcp: true, preferUdp: true, initialAvailableOutgoingBitrate: 600_000 });
		const leastLoaded = () => rooms.reduce((best, r) => (r.sites < best.sites ? r : best));
		type Site = { room: (typeof rooms)[number]; mic: Producer; camera: Producer };
		const join = async (i: number): Promise<{ site: Site; recv: WebRtcTransport }> => {
			const room = leastLoaded();
			room.sites += 1;
			const send = await transport(room);
			const recv = await transport(room);
			const mic = await send.produce({ kind: 'audio', rtpParameters: microphone(i) });
			const video = await send.produce({ kind: 'video', rtpParameters: camera(i) });
			return { site: { room, mic, camera: video }, recv };
		};
		const consume = async (recv: WebRtcTransport, viewer: Site, owner: Site, producer: Producer, layer: number, priority: number): Promise<void> => {
			if (owner.room !== viewer.room) {
				const key = `${producer.id} ${viewer.room.router.id}`;
				if (!pipes.has(key)) {
					pipes.set(key, owner.room.router.pipeToRouter({ producerId: producer.id, router: viewer.room.router }));
				}
				await pipes.get(key);
			}
			const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: RECEIVER, paused: true });
			if (consumer.kind === 'video') {
				await consumer.setPreferredLayers({ spatialLayer: layer });
				await consumer.setPriority(priority);
			}
			await consumer.resume();
		};
		const chair = (await join(0)).site;
		const produced: Site[] = [];
		let consumers = 0;
		const failures: string[] = [];
		const cpu0 = serverCpu(process.pid, workers.map((w) => w.pid));
		const t0 = performance.now();
		const doneMs = await Promise.all(
			Array.from({ length: n }, async (_, k) => {
				try {
					const { site, recv } = await join(k + 1);
					await site.mic.pause();
					produced.push(site);
					// As the product: the chair's microphone, its camera large, up to 12 sites known by now as thumbnails.
					const thumbnails = produced.filter((s) => s !== site).slice(0, THUMBNAILS);
					await consume(recv, site, chair, chair.mic, 0, 3);
					await consume(recv, site, chair, chair.camera, 2, 2);
					for (const t of thumbnails) {
						await consume(recv, site, t, t.camera, 0, 1);
					}
					consumers += 2 + thumbnails.length;
					return performance.now() - t0;
				} catch (error) {
					failures.push(`site ${k}: ${(error as Error).message}`);
					return Number.NaN;
				}
			})
		);
		const serverCpuSeconds = serverCpu(process.pid, workers.map((w) => w.pid)) - cpu0;
		return { variant: 'bare', sites: n, doneMs: doneMs.filter((ms) => !Number.isNaN(ms)), serverCpuSeconds, consumers, failures };
	} finally {
		workers.forEach((w) => w.close());
	}
}

const work = mkdtempSync(join(tmpdir(), 'giaoban-bench-storm-'));
const results: StormResult[] = [];
try {
	const template = templateDatabase(work);
	for (const n of sizes) {
		for (let rep = 0; rep < repeats; rep += 1) {
			const order = rep % 2 === 0 ? (['product', 'bare'] as const) : (['bare', 'product'] as const);
			for (const variant of order) {
				const result = variant === 'product' ? await productStorm(work, template, n) : await bareStorm(n);
				results.push(result);
				console.error(
					`  ${variant.padEnd(7)} ${n} sites: ${result.doneMs.length}/${n} fully joined, p50 ${percentile(result.doneMs, 50).toFixed(0)} ms, p99 ${percentile(result.doneMs, 99).toFixed(0)} ms, last ${Math.max(...result.doneMs).toFixed(0)} ms, ` +
						`server CPU ${result.serverCpuSeconds.toFixed(2)} s (${((result.serverCpuSeconds / n) * 1000).toFixed(1)} ms per join), ${result.consumers} consumers${result.failures.length > 0 ? `, FAILURES: ${result.failures.slice(0, 3).join('; ')}` : ''}`
				);
				await sleep(1000);
			}
		}
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = sizes.map((n) => {
	const of = (v: 'product' | 'bare') => results.filter((r) => r.sites === n && r.variant === v);
	const stats = (rs: StormResult[]) => ({
		p50: round(mean(rs.map((r) => percentile(r.doneMs, 50))), 0),
		p99: round(mean(rs.map((r) => percentile(r.doneMs, 99))), 0),
		lastMs: round(mean(rs.map((r) => Math.max(...r.doneMs))), 0),
		cpuMsPerJoin: round(mean(rs.map((r) => (r.serverCpuSeconds / n) * 1000)), 1),
		joined: Math.min(...rs.map((r) => r.doneMs.length)),
		consumers: Math.round(mean(rs.map((r) => r.consumers))),
	});
	const product = stats(of('product'));
	const bare = stats(of('bare'));
	return { sites: n, product, bare, cpuRatio: round(product.cpuMsPerJoin / bare.cpuMsPerJoin, 2), p99Ratio: round(product.p99 / bare.p99, 2) };
});

const report = {
	benchmark: 'join-storm',
	date: new Date().toISOString(),
	settings: {
		repeats,
		product:
			'real app in its own process (2 workers, join-muted meeting, chair in first); per commune: room:join by link, transport:create send+recv, producer:create microphone+camera, room:receive, room:view (chair large, ≤12 thumbnails), consumer:resume; done when its consumers arrived',
		bare: 'one process, 2 workers with WebRtcServer and router; per site createWebRtcTransport ×2, produce ×2 (microphone paused), consume the chair microphone + camera + ≤12 cameras (pipeToRouter across workers)',
		cpu: 'product: the server process and its mediasoup workers (/proc); bare: this process and its workers. Clients run in the bench process and share the 2 cores.',
	},
	summary,
	runs: results.map((r) => ({ ...r, doneMs: undefined, p50: round(percentile(r.doneMs, 50), 0), p99: round(percentile(r.doneMs, 99), 0), failures: r.failures.slice(0, 10) })),
};

console.log('\nsites | product p50 ms | p99 ms | last ms | server CPU ms/join | consumers | bare p50 ms | p99 ms | CPU ms/join | consumers | CPU ratio | p99 ratio');
console.log('------|----------------|--------|---------|--------------------|-----------|-------------|--------|-------------|-----------|-----------|----------');
for (const s of summary) {
	console.log(
		[
			String(s.sites).padStart(5),
			String(s.product.p50).padStart(14),
			String(s.product.p99).padStart(6),
			String(s.product.lastMs).padStart(7),
			String(s.product.cpuMsPerJoin).padStart(18),
			String(s.product.consumers).padStart(9),
			String(s.bare.p50).padStart(11),
			String(s.bare.p99).padStart(6),
			String(s.bare.cpuMsPerJoin).padStart(11),
			String(s.bare.consumers).padStart(9),
			String(s.cpuRatio).padStart(9),
			String(s.p99Ratio).padStart(9),
		].join(' | ')
	);
}
console.log(`\n${JSON.stringify(report, null, 2)}`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `join-storm-${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${file}`);
