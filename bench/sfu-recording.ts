/**
 * SFU while recording and transcribing: the forwarding benchmark's product variant (bench/rooms.ts
 * productRoom, synthetic Opus + 3-layer VP8 sites over SRTP, every site receiving what the gallery
 * policy gives it: the large tile, 12 thumbnails, the 3 unmuted microphones) at BENCH_SITES sites (default 20), in three variants alternated in the same run:
 *   off        recording off (the forwarding benchmark as it is);
 *   recording  a real RecordingManager (server/src/features/recording) following the conference's own
 *              meeting events (productRoom's journal publishes site:joined and producer:added on a
 *              MeetingEventBus the manager subscribes to, as in server/src/features/recording/index.ts):
 *              one ffmpeg per site fed by PlainTransport consumers (microphone + camera layer 1),
 *              10-s Matroska segments hashed into the manifest. The manifest is an in-memory stand-in
 *              for the recording repository (no SQLite: the database is not what is measured);
 *   rec+whisper the same, plus whisper-cli (the setup's build) at nice 19 transcribing 60 s of
 *              espeak-ng speech in a loop on a generated quiet model (default base), 2 threads.
 * Reports audio loss, video delivery (share of what the layer policy implies), worker µs per
 * forwarded packet and worker CPU %, the ratios of the recording variants to "off", plus the
 * recorders' and whisper's CPU. Prints a table and JSON; writes bench/results/sfu-recording-<timestamp>.json.
 *
 * Environment: BENCH_SITES (default "20"), BENCH_SECONDS (measured seconds per run, default 12),
 * BENCH_REPEATS (alternations, default 2), BENCH_SFU_WHISPER_MODEL (tiny|base|small, default base),
 * WHISPER_THREADS (default 2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeetingEventBus } from '../server/src/domain/meeting-events.ts';
import { PortPool } from '../server/src/features/recording/port-pool.ts';
import { RecordingManager } from '../server/src/features/recording/recording-manager.ts';
import type { NewSegment, RecordingRepository } from '../server/src/features/recording/recording.repository.ts';
import { type WhisperSize } from '../tests/helpers/ggml-model.ts';
import { benchTargets, expectedPackets, productRoom, type BenchRoom } from './rooms.ts';
import { AUDIO, cpuSeconds, Generator, Sink } from './synthetic-media.ts';
import { benchModel, mustRun, ROOT, round, speechWav, speechWav16k } from './whisper-fixtures.ts';

type Variant = 'off' | 'recording' | 'rec+whisper';
const VARIANTS: Variant[] = ['off', 'recording', 'rec+whisper'];

const sizes = (process.env['BENCH_SITES'] ?? '20').split(',').map(Number);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 12);
const repeats = Number(process.env['BENCH_REPEATS'] ?? 2);
const whisperSize = (process.env['BENCH_SFU_WHISPER_MODEL'] ?? 'base') as WhisperSize;
const threads = process.env['WHISPER_THREADS'] ?? '2';
const cli = process.env['WHISPER_CLI'] ?? join(ROOT, '.cache', 'whisper', '1.9.1', 'bin', 'whisper-cli');
const SEGMENT_SECONDS = 10;
// Longer than the forwarding benchmark's 3 s: ffmpeg probes its input for a few seconds before it writes.
const WARMUP_MS = 6000;
const DRAIN_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Result = {
	variant: Variant;
	sites: number;
	forwardedPerSecond: number;
	audioLossPercent: number;
	videoDeliveryPercent: number;
	consumersOnPolicyLayer: string;
	/** Both workers together (100 = one core). */
	workerCpuPercent: number;
	usPerForwardedPacket: number;
	/** Worker CPU over the packets to the sinks plus those the recorder consumers forward (estimated: all of them). */
	usPerPacketInclRecorders: number | null;
	recordersRunning: number;
	recorderCpuPercent: number | null;
	whisperCpuPercent: number | null;
	whisperRuns: number | null;
	machineBusyPercent: number;
	segmentsStored: number | null;
	recordingWarnings: string[];
};

/** The manifest in memory, with the repository's shape (what RecordingManager calls). */
function memoryRepository() {
	const runs = new Map<string, { endMs: number | null; reason: string }>();
	const segments = new Map<string, NewSegment & { id: string }>();
	const repo: RecordingRepository = {
		recordingState: async () => ({ enabled: true, paused: false }),
		startRun: async (run) => {
			runs.set(run.id, { endMs: null, reason: '' });
		},
		endRun: async (runId, endMs, reason) => {
			const run = runs.get(runId);
			if (run?.endMs === null) {
				run.endMs = endMs;
				run.reason = reason;
			}
		},
		addSegment: async (segment) => {
			const key = `${segment.runId}:${segment.sequence}`;
			const existing = segments.get(key);
			if (existing) {
				return existing.id;
			}
			const id = randomUUID();
			segments.set(key, { ...segment, id });
			return id;
		},
		openRuns: async () => [],
		listForMeeting: async () => [],
	};
	return { repo, runs, segments };
}

/** Machine-wide busy and total jiffies (/proc/stat). */
function machineJiffies(): { busy: number; total: number } {
	const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
	const numbers = values.map(Number);
	const idle = (numbers[3] ?? 0) + (numbers[4] ?? 0);
	const total = numbers.reduce((a, b) => a + b, 0);
	return { busy: total - idle, total };
}

/** CPU seconds of this process's ffmpeg children (the recorders), read from /proc. */
function recorderCpu(): { count: number; seconds: number } {
	let count = 0;
	let total = 0;
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (comm === 'ffmpeg' && Number(fields[1]) === process.pid) {
				count += 1;
				total += (Number(fields[11]) + Number(fields[12])) / 100;
			}
		} catch {
			// Gone meanwhile.
		}
	}
	return { count, seconds: total };
}

/**
 * The wrapper's records: "<start> <end> <shell user> <shell sys>" then, on the next line, the
 * children's "<user> <sys>" (bash `times`); returned as "<start> <end> <user> <sys>" of whisper-cli.
 */
function timesRecords(text: string): string[] {
	return [...text.matchAll(/^(\S+) (\S+) \S+ \S+\n(\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`);
}

/** whisper-cli in a loop at nice 19 (as the engine runs it), each run's wall and CPU logged by a bash wrapper. */
class WhisperLoop {
	readonly #log: string;
	readonly #args: string[];
	readonly #wrapper: string;
	#child: ChildProcess | null = null;
	#stopped = false;
	#done: Promise<void> = Promise.resolve();

	constructor(dir: string, model: string, wav: string) {
		this.#wrapper = join(dir, 'whisper-loop.sh');
		this.#log = join(dir, 'whisper-loop.log');
		const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
		writeFileSync(this.#wrapper, `#!/bin/bash\nstart=$EPOCHREALTIME\n${q(cli)} "$@" >/dev/null 2>&1\nrc=$?\nend=$EPOCHREALTIME\n{ printf '%s %s ' "$start" "$end"; times; } >> ${q(this.#log)}\nexit $rc\n`);
		chmodSync(this.#wrapper, 0o755);
		this.#args = ['-n', '19', this.#wrapper, '-m', model, '-f', wav, '-l', 'vi', '-t', threads, '-bs', '1', '-np'];
	}

	start(): void {
		this.#done = (async () => {
			while (!this.#stopped) {
				// Its own process group, so that stop() ends whisper-cli with the wrapper.
				const child = spawn('nice', this.#args, { stdio: 'ignore', detached: true });
				this.#child = child;
				const code = await new Promise<number | null>((resolve) => {
					child.once('error', () => resolve(-1));
					child.once('close', (c) => resolve(c));
				});
				this.#child = null;
				if (code !== 0 && !this.#stopped) {
					throw new Error(`whisper-cli loop: exit ${code}`);
				}
			}
		})();
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		const pid = this.#child?.pid;
		if (pid !== undefined) {
			try {
				process.kill(-pid, 'SIGTERM');
			} catch {
				// Already gone.
			}
		}
		await this.#done;
	}

	/** CPU seconds and finished runs whose time overlaps [from, to] (epoch seconds), CPU prorated by overlap. */
	usage(from: number, to: number): { cpuSeconds: number; runs: number } {
		const lines = timesRecords(existsSync(this.#log) ? readFileSync(this.#log, 'utf8') : '');
		const sec = (t: string) => {
			const m = /^(\d+)m([\d.]+)s$/.exec(t);
			return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
		};
		let cpu = 0;
		let runs = 0;
		for (const line of lines) {
			const [start, end, user, sys] = line.split(/\s+/);
			const [a, b] = [Number(start), Number(end)];
			const overlap = Math.max(0, Math.min(b, to) - Math.max(a, from));
			if (overlap > 0 && b > a) {
				cpu += ((sec(user ?? '') + sec(sys ?? '')) * overlap) / (b - a);
				runs += 1;
			}
		}
		return { cpuSeconds: cpu, runs };
	}
}

/**
 * One real VP8 key frame (640x360, libvpx), which the synthetic key frames start with: without a
 * parsable one, ffmpeg cannot tell the video's size and the recorder exits ("dimensions not set").
 */
async function vp8KeyFrame(): Promise<Buffer> {
	const dir = mkdtempSync(join(tmpdir(), 'giaoban-bench-vp8-'));
	try {
		const ivf = join(dir, 'key.ivf');
		await mustRun('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=640x360:d=0.04:r=25', '-frames:v', '1', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-f', 'ivf', ivf]);
		// IVF: a 32-byte file header, then per frame a 12-byte header whose first field is the size.
		const data = readFileSync(ivf);
		return data.subarray(44, 44 + data.readUInt32LE(32));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function run(variant: Variant, n: number, whisper: { model: string; wav: string }, keyFrame: Buffer): Promise<Result> {
	const sinks = Array.from({ length: n }, () => new Sink());
	const sinkPorts = await Promise.all(sinks.map((s) => s.bind()));
	const dir = mkdtempSync(join(tmpdir(), 'giaoban-bench-sfu-rec-'));
	const warnings: string[] = [];
	const log = {
		info: () => undefined,
		warn: (obj: object, msg: string) => warnings.push(`${msg} ${JSON.stringify(obj).slice(0, 300)}`),
		error: (obj: object, msg: string) => warnings.push(`${msg} ${JSON.stringify(obj).slice(0, 300)}`),
	};
	const recording = variant !== 'off';
	const bus = recording ? new MeetingEventBus((event, error) => warnings.push(`bus ${event}: ${String(error)}`)) : undefined;
	const memory = memoryRepository();
	const portBase = 14000 + 2 * Math.floor(Math.random() * 1500);
	// As server/src/features/recording/index.ts builds it, on the bus the conference publishes on.
	const manager = bus ? new RecordingManager({ events: bus, repo: memory.repo, pool: new PortPool(portBase, portBase + 4 * n + 20), dir: join(dir, 'recordings'), segmentSeconds: SEGMENT_SECONDS, log }) : null;
	const loop = variant === 'rec+whisper' ? new WhisperLoop(dir, whisper.model, whisper.wav) : null;
	let room: BenchRoom | undefined;
	let generator: Generator | undefined;
	try {
		room = await productRoom(n, sinkPorts, bus ? { bus } : {});
		for (const sink of sinks) {
			sink.audioPayloadTypes = room.audioPayloadTypes;
		}
		generator = new Generator(benchTargets(room), { vp8KeyFrame: keyFrame });
		generator.start();
		if (manager) {
			// Every site's recorder (one ffmpeg each) up before the warm-up counts.
			const deadline = Date.now() + 60_000;
			while (memory.runs.size < n && Date.now() < deadline) {
				await sleep(200);
			}
			if (memory.runs.size < n) {
				warnings.push(`only ${memory.runs.size}/${n} recorders started within 60 s`);
			}
		}
		loop?.start();
		await sleep(WARMUP_MS);
		generator.resetCounters();
		sinks.forEach((s) => (s.counting = true));
		const workersCpu = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
		const cpu0 = workersCpu(room.workerPids);
		const rec0 = recorderCpu();
		const machine0 = machineJiffies();
		const wall0 = Date.now() / 1000;
		const t0 = performance.now();
		await sleep(seconds * 1000);
		generator.stop();
		const elapsed = (performance.now() - t0) / 1000;
		const wall1 = Date.now() / 1000;
		const rec1 = recorderCpu();
		const machine1 = machineJiffies();
		await sleep(DRAIN_MS);
		const cpu = workersCpu(room.workerPids) - cpu0;
		sinks.forEach((s) => (s.counting = false));
		await loop?.stop();
		const whisperUse = loop?.usage(wall0, wall1) ?? null;
		const receivedAudio = sinks.reduce((sum, s) => sum + s.audio, 0);
		const receivedVideo = sinks.reduce((sum, s) => sum + s.video, 0);
		const { audio: expectedAudio, video: expectedVideo } = expectedPackets(room.plan, generator);
		const forwarded = receivedAudio + receivedVideo;
		// A recorder takes each site's audio and its camera's layer 1 (640x360), or the lowest when the camera sends only that.
		const toRecorders = recording ? generator.sentAudioPackets + generator.sentVideoBySite.reduce((sum, layers) => sum + (layers[1]! > 0 ? layers[1]! : layers[0]!), 0) : 0;
		const onPolicy = room.videoConsumers.filter(({ consumer, wantedSpatialLayer }) => consumer.currentLayers?.spatialLayer === wantedSpatialLayer).length;
		await manager?.close();
		return {
			variant,
			sites: n,
			forwardedPerSecond: Math.round(forwarded / elapsed),
			audioLossPercent: Number((Math.max(0, 1 - receivedAudio / expectedAudio) * 100).toFixed(3)),
			videoDeliveryPercent: Number(((receivedVideo / expectedVideo) * 100).toFixed(1)),
			consumersOnPolicyLayer: `${onPolicy}/${room.videoConsumers.length}`,
			workerCpuPercent: Number(((cpu / elapsed) * 100).toFixed(1)),
			usPerForwardedPacket: Number(((cpu * 1e6) / forwarded).toFixed(2)),
			usPerPacketInclRecorders: recording ? Number(((cpu * 1e6) / (forwarded + toRecorders)).toFixed(2)) : null,
			recordersRunning: Math.min(rec0.count, rec1.count),
			recorderCpuPercent: recording ? Number((((rec1.seconds - rec0.seconds) / elapsed) * 100).toFixed(1)) : null,
			whisperCpuPercent: whisperUse ? Number(((whisperUse.cpuSeconds / (wall1 - wall0)) * 100).toFixed(1)) : null,
			whisperRuns: whisperUse?.runs ?? null,
			machineBusyPercent: Number((((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100).toFixed(1)),
			segmentsStored: recording ? memory.segments.size : null,
			recordingWarnings: warnings.slice(0, 5),
		};
	} finally {
		generator?.close();
		await loop?.stop();
		await manager?.close();
		room?.close();
		sinks.forEach((s) => s.close());
		rmSync(dir, { recursive: true, force: true });
		await sleep(300);
	}
}

const { file: speech } = await speechWav();
const whisper = { model: await benchModel(whisperSize, 'quiet'), wav: await speechWav16k(speech) };
const keyFrame = await vp8KeyFrame();
process.stderr.write(`  ${sizes.join(', ')} sites, ${seconds} s measured after ${WARMUP_MS / 1000} s of warm-up, ${repeats} alternations; whisper quiet ${whisperSize}, ${threads} threads, nice 19\n`);
const results: Result[] = [];
for (const n of sizes) {
	for (let rep = 0; rep < repeats; rep += 1) {
		const order = rep % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
		for (const variant of order) {
			const result = await run(variant, n, whisper, keyFrame);
			results.push(result);
			console.error(
				`  ${variant.padEnd(11)} ${n} sites: ${result.usPerForwardedPacket} µs/pkt, worker ${result.workerCpuPercent}%, audio loss ${result.audioLossPercent}%, video ${result.videoDeliveryPercent}%, recorders ${result.recordersRunning} (${result.recorderCpuPercent ?? '-'}% CPU, ${result.segmentsStored ?? '-'} segments), whisper ${result.whisperCpuPercent ?? '-'}%, machine ${result.machineBusyPercent}%${result.recordingWarnings.length ? `, warnings: ${result.recordingWarnings.length}` : ''}`
			);
		}
	}
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = sizes.flatMap((n) => {
	const of = (v: Variant) => results.filter((r) => r.sites === n && r.variant === v);
	const base = mean(of('off').map((r) => r.usPerForwardedPacket));
	const baseCpu = mean(of('off').map((r) => r.workerCpuPercent));
	return VARIANTS.map((variant) => {
		const list = of(variant);
		const us = mean(list.map((r) => r.usPerForwardedPacket));
		const cpu = mean(list.map((r) => r.workerCpuPercent));
		const optional = (pick: (r: Result) => number | null) => {
			const values = list.map(pick).filter((x): x is number => x !== null);
			return values.length > 0 ? round(mean(values), 1) : null;
		};
		return {
			sites: n,
			variant,
			forwardedPerSecond: Math.round(mean(list.map((r) => r.forwardedPerSecond))),
			audioLossPercent: Math.max(...list.map((r) => r.audioLossPercent)),
			videoDeliveryPercent: Math.min(...list.map((r) => r.videoDeliveryPercent)),
			usPerForwardedPacket: round(us, 2),
			usRatioToOff: round(us / base, 3),
			workerCpuPercent: round(cpu, 1),
			cpuRatioToOff: round(cpu / baseCpu, 3),
			usPerPacketInclRecorders: optional((r) => r.usPerPacketInclRecorders),
			recorderCpuPercent: optional((r) => r.recorderCpuPercent),
			whisperCpuPercent: optional((r) => r.whisperCpuPercent),
			machineBusyPercent: round(mean(list.map((r) => r.machineBusyPercent)), 1),
		};
	});
});

const report = {
	benchmark: 'sfu-recording',
	date: new Date().toISOString(),
	settings: {
		seconds,
		warmupSeconds: WARMUP_MS / 1000,
		repeats,
		audioPacketsPerSecond: AUDIO.packetsPerSecond,
		video: 'VP8 30 fps, 150/500/1200 kbit/s simulcast (synthetic payload; key frames start with a real 640x360 libvpx key frame, the same in every run and variant)',
		recording: `RecordingManager, one ffmpeg per site (microphone + camera layer 1), ${SEGMENT_SECONDS}-s Matroska segments, in-memory manifest`,
		whisper: `whisper-cli ${cli}, quiet ${whisperSize} (generated), 60 s espeak-ng speech in a loop, -t ${threads} -bs 1, nice 19`,
	},
	caveats: [
		'The manifest is an in-memory stand-in for the recording repository (same calls: startRun, addSegment, endRun); segment hashing and ffmpeg are real.',
		'The synthetic VP8 payload is not decodable video apart from the start of each key frame (a real key frame, so that ffmpeg learns the size): ffmpeg copies it, as it copies real VP8. All three variants send the same packets.',
		'usPerForwardedPacket counts only packets to the sinks, as the forwarding benchmark does; usPerPacketInclRecorders adds the packets the recorder consumers are sent (estimated: all audio plus layer 1 of every camera).',
		'recorderCpuPercent is the ffmpeg recorders together, in % of one core; whisperCpuPercent is prorated from each whisper run overlapping the measured window.',
		'Variants alternate (off, recording, rec+whisper, then reversed); summaries are means over the repeats (loss: worst, video: lowest).',
	],
	summary,
	runs: results,
};

console.log('\nsites | variant     | fwd pkt/s | µs/pkt | ratio | worker CPU % | ratio | µs/pkt incl. rec | audio loss % | video % of policy | recorders CPU % | whisper CPU % | machine busy %');
console.log('------|-------------|-----------|--------|-------|--------------|-------|------------------|--------------|-------------------|-----------------|---------------|---------------');
for (const s of summary) {
	console.log(
		`${String(s.sites).padStart(5)} | ${s.variant.padEnd(11)} | ${String(s.forwardedPerSecond).padStart(9)} | ${String(s.usPerForwardedPacket).padStart(6)} | ${String(s.usRatioToOff).padStart(5)} | ${String(s.workerCpuPercent).padStart(12)} | ${String(s.cpuRatioToOff).padStart(5)} | ${String(s.usPerPacketInclRecorders ?? '-').padStart(16)} | ${String(s.audioLossPercent).padStart(12)} | ${String(s.videoDeliveryPercent).padStart(17)} | ${String(s.recorderCpuPercent ?? '-').padStart(15)} | ${String(s.whisperCpuPercent ?? '-').padStart(13)} | ${s.machineBusyPercent}`
	);
}
console.log(`\n${JSON.stringify(report, null, 2)}`);
const resultsDir = join(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `sfu-recording-${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${file}`);
