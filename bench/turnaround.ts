/**
 * Turnaround benchmark: how long after a meeting ends its transcript is complete and its files
 * (site audio, mixed audio, MP4) are made, through the REAL application (buildApp on a migrated
 * SQLite database, the real job queue, transcription pipeline and export job).
 *
 * A simulated meeting: BENCH_TURNAROUND_SITES sites (default 4: the district hall, which chairs,
 * and three communes), one speaker at a time (the chair, then a commune's report, the chair, the
 * next commune…), each site's speech made with `espeak-ng -v vi` (twelve sentences, a voice per
 * site, pauses between sentences and turns) over low noise. Each site's audio is cut, as the
 * recorder cuts it, into 10-s Opus-in-Matroska segments (made beforehand with ffmpeg, cached in
 * .cache/bench/turnaround). The replay then does what the RecordingManager does when a segment
 * closes: the file goes to DATA_DIR/recordings/<meeting>/<run id>-<index>.mkv, its SHA-256 and
 * times on the meeting clock go to the manifest through the recording repository (startRun,
 * addSegment, endRun) and 'segment-stored' / 'run-ended' are emitted on the app's own
 * fastify.recording.manager (TypedEmitter.safeEmit is public), so the transcription plugin's own
 * listeners queue the jobs. Speaker changes go through the app's meeting-event bus
 * ('active-speaker'), the end through the conference repository (endMeeting) and 'meeting:ended'
 * on that bus, which queues the export as the product does. Only ffmpeg-from-mediasoup is left out.
 *
 * Measured from "meeting end": (a) the transcript complete (every run's final planning done, no
 * transcription job queued or running), (b) export-meeting done. Also whisper-cli CPU seconds
 * (through a wrapper around WHISPER_CLI that records each run's CPU time), transcript lines, the
 * backlog over time.
 *
 * Environment: BENCH_TURNAROUND_MINUTES (default 30), BENCH_TURNAROUND_SPEED (replay speed, default
 * 10: a 30-minute meeting takes 3 minutes), BENCH_TURNAROUND_SITES (2-8, default 4),
 * BENCH_TURNAROUND_MODEL (tiny|base|small quiet generated model, default base) or WHISPER_MODEL
 * (a real model), WHISPER_THREADS (default 2), BENCH_TURNAROUND_SEED (default 1).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/src/app.ts';
import { createUsersRepository } from '../server/src/features/accounts/users.repository.ts';
import { createConferenceRepository } from '../server/src/features/conference/conference.repository.ts';
import { createDemoDataRepository } from '../server/src/features/demo-data/demo-data.repository.ts';
import { seedDemoData } from '../server/src/features/demo-data/seed-demo-data.ts';
import { createMeetingsRepository } from '../server/src/features/meetings/meetings.repository.ts';
import { createMediaRepository, createRecordingRepository } from '../server/src/features/recording/recording.repository.ts';
import { parseSegmentList, sha256File } from '../server/src/features/recording/segment-recorder.ts';
import { createTranscriptRepository } from '../server/src/features/transcription/transcript.repository.ts';
import { type WhisperSize } from '../tests/helpers/ggml-model.ts';
import { testConfig } from '../tests/helpers/test-env.ts';
import { BENCH_CACHE, benchModel, mustRun, ROOT, round, SENTENCES as SHARED_SENTENCES } from './whisper-fixtures.ts';

const minutes = Number(process.env['BENCH_TURNAROUND_MINUTES'] ?? 30);
const speed = Number(process.env['BENCH_TURNAROUND_SPEED'] ?? 10);
const siteCount = Number(process.env['BENCH_TURNAROUND_SITES'] ?? 4);
const seed = Number(process.env['BENCH_TURNAROUND_SEED'] ?? 1);
const size = (process.env['BENCH_TURNAROUND_MODEL'] ?? 'base') as WhisperSize;
const realModel = (process.env['WHISPER_MODEL'] ?? '') === '' ? null : process.env['WHISPER_MODEL']!;
const threads = process.env['WHISPER_THREADS'] ?? '2';
if (!(minutes > 0 && minutes <= 240) || !(speed >= 1 && speed <= 100) || !Number.isInteger(siteCount) || siteCount < 2 || siteCount > 8) {
	throw new Error('BENCH_TURNAROUND_MINUTES must be in (0, 240], BENCH_TURNAROUND_SPEED in [1, 100], BENCH_TURNAROUND_SITES an integer in [2, 8]');
}
if (!['tiny', 'base', 'small'].includes(size)) {
	throw new Error(`BENCH_TURNAROUND_MODEL: ${size} is not tiny, base or small`);
}
const cli = process.env['WHISPER_CLI'] ?? join(ROOT, '.cache', 'whisper', '1.9.1', 'bin', 'whisper-cli');
const SEGMENT_SECONDS = 10;
const RATE = 22050;
const TRANSCRIPTION_KINDS = new Set(['analyse-segment', 'plan-regions', 'transcribe-region']);

/** The benchmarks' shared lines and more, so that four sites say different things. */
const SENTENCES = [
	...SHARED_SENTENCES,
	'Tổng thu ngân sách trên địa bàn xã đạt bảy mươi hai phần trăm dự toán năm.',
	'Công tác tiêm phòng cho đàn gia súc, gia cầm đã được triển khai tại tất cả các thôn.',
	'Xã đã tiếp nhận và giải quyết mười bốn hồ sơ thủ tục hành chính đúng hạn.',
	'Về xây dựng nông thôn mới, xã đã đạt mười sáu trên mười chín tiêu chí.',
	'Đề nghị các phòng chuyên môn của huyện hướng dẫn thêm về thủ tục cấp giấy chứng nhận quyền sử dụng đất.',
	'Tình hình an ninh trật tự trên địa bàn cơ bản ổn định, không có vụ việc phức tạp xảy ra.',
];
/** espeak-ng words per minute and pitch per site: a different voice for each. */
const VOICES = [
	{ speed: 160, pitch: 40 },
	{ speed: 150, pitch: 55 },
	{ speed: 170, pitch: 35 },
	{ speed: 155, pitch: 60 },
	{ speed: 165, pitch: 45 },
	{ speed: 145, pitch: 50 },
	{ speed: 175, pitch: 30 },
	{ speed: 158, pitch: 65 },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(s: number): () => number {
	let a = s >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** espeak-ng's WAV (22050 Hz mono s16): the samples after the data chunk header. */
function pcmOf(wav: Buffer): Int16Array {
	let at = 12;
	while (at + 8 <= wav.length) {
		const id = wav.toString('latin1', at, at + 4);
		const length = wav.readUInt32LE(at + 4);
		if (id === 'data') {
			const end = length === 0 || length === 0xffffffff ? wav.length : Math.min(wav.length, at + 8 + length);
			const bytes = wav.subarray(at + 8, end);
			return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
		}
		at += 8 + length + (length % 2);
	}
	throw new Error('espeak-ng wrote no data chunk');
}

type Utterance = { site: number; atMs: number; sentence: number; ms: number };
type Turn = { site: number; fromMs: number; toMs: number };
type Plan = { turns: Turn[]; utterances: Utterance[]; speechMsBySite: number[] };

async function sentencePcm(dir: string, site: number, sentence: number): Promise<Int16Array> {
	const voice = VOICES[site]!;
	const file = join(dir, `s${voice.speed}-p${voice.pitch}-${sentence}.wav`);
	if (!existsSync(file)) {
		await mustRun('espeak-ng', ['-v', 'vi', '-s', String(voice.speed), '-p', String(voice.pitch), '-w', `${file}.partial`, SENTENCES[sentence]!]);
		copyFileSync(`${file}.partial`, file);
		rmSync(`${file}.partial`);
	}
	return pcmOf(readFileSync(file));
}

/**
 * Who speaks when: the chair (site 0) opens, then each commune in turn reports (45-120 s) and the
 * chair answers (15-40 s); 1.5-4 s between turns; within a turn, sentences with 0.3-1.8 s pauses.
 */
async function makePlan(dir: string, random: () => number): Promise<{ plan: Plan; pcm: Map<string, Int16Array> }> {
	const pcm = new Map<string, Int16Array>();
	const lengthMs = async (site: number, sentence: number) => {
		const key = `${site}:${sentence}`;
		if (!pcm.has(key)) {
			pcm.set(key, await sentencePcm(dir, site, sentence));
		}
		return Math.floor((pcm.get(key)!.length / RATE) * 1000);
	};
	const endMs = minutes * 60_000;
	const turns: Turn[] = [];
	const utterances: Utterance[] = [];
	const speechMsBySite = Array.from({ length: siteCount }, () => 0);
	let at = 1000;
	let commune = 0;
	for (let turn = 0; at < endMs - 3000; turn += 1) {
		const site = turn % 2 === 0 ? 0 : 1 + (commune++ % (siteCount - 1));
		const wanted = site === 0 ? 15_000 + random() * 25_000 : 45_000 + random() * 75_000;
		const fromMs = at;
		while (at - fromMs < wanted) {
			const sentence = Math.floor(random() * SENTENCES.length);
			const ms = await lengthMs(site, sentence);
			if (at + ms > endMs - 1000) {
				break;
			}
			utterances.push({ site, atMs: at, sentence, ms });
			speechMsBySite[site]! += ms;
			at += ms + Math.round(300 + random() * 1500);
		}
		if (at === fromMs) {
			break;
		}
		turns.push({ site, fromMs, toMs: at });
		at += Math.round(1500 + random() * 2500);
	}
	return { plan: { turns, utterances, speechMsBySite }, pcm };
}

/** One site's whole meeting as the recorder would store it: 10-s Opus segments in Matroska (ffmpeg's segment muxer). */
async function encodeSite(site: number, plan: Plan, pcm: Map<string, Int16Array>, out: string, random: () => number): Promise<void> {
	mkdirSync(out, { recursive: true });
	const ffmpeg = spawn(
		'ffmpeg',
		[
			'-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', String(RATE), '-ac', '1', '-i', 'pipe:0',
			'-af', 'aresample=48000', '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip',
			'-f', 'segment', '-segment_time', String(SEGMENT_SECONDS), '-segment_format', 'matroska', '-reset_timestamps', '1',
			'-segment_list', join(out, 'list.csv'), '-segment_list_type', 'csv', join(out, 'seg-%05d.mkv'),
		],
		{ stdio: ['pipe', 'ignore', 'pipe'] }
	);
	let stderr = '';
	ffmpeg.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
	const exited = new Promise<number | null>((resolve) => ffmpeg.once('close', (code) => resolve(code)));
	const mine = plan.utterances.filter((u) => u.site === site);
	const total = Math.round((minutes * 60_000 * RATE) / 1000);
	const chunk = RATE;
	let next = 0;
	for (let start = 0; start < total; start += chunk) {
		const n = Math.min(chunk, total - start);
		const samples = new Int16Array(n);
		// Room noise around -55 dBFS: never read as speech, never digital silence.
		for (let i = 0; i < n; i += 1) {
			samples[i] = Math.round((random() - 0.5) * 120);
		}
		while (next < mine.length && Math.floor((mine[next]!.atMs * RATE) / 1000) + pcm.get(`${site}:${mine[next]!.sentence}`)!.length < start) {
			next += 1;
		}
		for (let u = next; u < mine.length; u += 1) {
			const from = Math.floor((mine[u]!.atMs * RATE) / 1000);
			if (from >= start + n) {
				break;
			}
			const voice = pcm.get(`${site}:${mine[u]!.sentence}`)!;
			for (let i = Math.max(0, from - start); i < n && i + start - from < voice.length; i += 1) {
				samples[i] = Math.max(-32768, Math.min(32767, samples[i]! + voice[i + start - from]!));
			}
		}
		if (!ffmpeg.stdin.write(Buffer.from(samples.buffer))) {
			await new Promise((resolve) => ffmpeg.stdin.once('drain', resolve));
		}
	}
	ffmpeg.stdin.end();
	const code = await exited;
	if (code !== 0) {
		throw new Error(`ffmpeg could not encode site ${site}: ${stderr}`);
	}
}

type Prepared = { dir: string; plan: Plan; segments: { file: string; sequence: number; startSec: number; endSec: number }[][] };

/** The plan and every site's segments, cached per (sites, minutes, seed). */
async function prepare(): Promise<Prepared> {
	const dir = join(BENCH_CACHE, 'turnaround', `v1-${siteCount}sites-${minutes}min-seed${seed}`);
	const planFile = join(dir, 'plan.json');
	if (!existsSync(planFile)) {
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		const voices = join(BENCH_CACHE, 'turnaround', 'sentences');
		mkdirSync(voices, { recursive: true });
		const random = prng(seed);
		const { plan, pcm } = await makePlan(voices, random);
		for (let site = 0; site < siteCount; site += 1) {
			process.stderr.write(`  encoding site ${site + 1}/${siteCount} (${minutes} min of Opus segments)\n`);
			await encodeSite(site, plan, pcm, join(dir, `site-${site}`), prng(seed * 1000 + site));
		}
		writeFileSync(planFile, JSON.stringify(plan));
	}
	const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
	const segments = Array.from({ length: siteCount }, (_, site) =>
		parseSegmentList(readFileSync(join(dir, `site-${site}`, 'list.csv'), 'utf8')).map((s) => ({ ...s, file: join(dir, `site-${site}`, s.file) }))
	);
	return { dir, plan, segments };
}

/**
 * The wrapper's records: "<start> <end> <shell user> <shell sys>" then, on the next line, the
 * children's "<user> <sys>" (bash `times`); returned as "<start> <end> <user> <sys>" of whisper-cli.
 */
function timesRecords(text: string): string[] {
	return [...text.matchAll(/^(\S+) (\S+) \S+ \S+\n(\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`);
}

/** A WHISPER_CLI that runs the real one and appends its wall and CPU seconds to a log (bash `times`). */
function whisperWrapper(dir: string): { cli: string; log: string } {
	const wrapper = join(dir, 'whisper-cli');
	const log = join(dir, 'whisper-times.log');
	const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
	writeFileSync(
		wrapper,
		`#!/bin/bash\nstart=$EPOCHREALTIME\n${q(cli)} "$@"\nrc=$?\nend=$EPOCHREALTIME\n{ printf '%s %s ' "$start" "$end"; times; } >> ${q(log)}\nexit $rc\n`
	);
	chmodSync(wrapper, 0o755);
	return { cli: wrapper, log };
}

function whisperRuns(log: string): { runs: number; cpuSeconds: number; wallSeconds: number } {
	const lines = timesRecords(existsSync(log) ? readFileSync(log, 'utf8') : '');
	const sec = (t: string) => {
		const m = /^(\d+)m([\d.]+)s$/.exec(t);
		return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
	};
	let cpuSeconds = 0;
	let wallSeconds = 0;
	for (const line of lines) {
		const [start, end, user, sys] = line.split(/\s+/);
		wallSeconds += Number(end) - Number(start);
		cpuSeconds += sec(user ?? '') + sec(sys ?? '');
	}
	return { runs: lines.length, cpuSeconds, wallSeconds };
}

/** CPU seconds of this process, and of its children that have been waited for (ffmpeg, whisper-cli), from /proc. */
function processCpu(): { self: number; children: number } {
	const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
	const tick = 100;
	return { self: (Number(fields[11]) + Number(fields[12])) / tick, children: (Number(fields[13]) + Number(fields[14])) / tick };
}

type JobTiming = { kind: string; count: number; wallSeconds: number; maxSeconds: number };

const t0 = performance.now();
process.stderr.write(`  ${siteCount} sites, ${minutes} min meeting replayed at ${speed}x, model ${realModel ?? `quiet ${size}`}, WHISPER_THREADS ${threads}, ${cpus().length} CPUs\n`);
const prepared = await prepare();
const model = realModel ?? (await benchModel(size, 'quiet'));
const prepareSeconds = (performance.now() - t0) / 1000;

const work = mkdtempSync(join(tmpdir(), 'giaoban-bench-turnaround-'));
let app: FastifyInstance | undefined;
let report: object | undefined;
try {
	// The template database, as tests/helpers/global-setup.ts makes it: the real migrations through scripts/prisma.mjs.
	const dataDir = join(work, 'data');
	mkdirSync(dataDir);
	const migrated = spawnSync(process.execPath, ['scripts/prisma.mjs', 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
	if (migrated.status !== 0) {
		throw new Error(`prisma migrate deploy failed:\n${migrated.stdout}\n${migrated.stderr}`);
	}
	const wrapper = whisperWrapper(work);
	app = await buildApp(
		testConfig(dataDir, { WHISPER_MODEL: model, WHISPER_CLI: wrapper.cli, WHISPER_THREADS: threads, MEETING_EMPTY_END_MINUTES: '1440', LOG_LEVEL: 'error' }),
		{ logger: { level: 'error' } }
	);
	await app.ready();

	// Units and accounts of the demo district (the real seed), then a recorded meeting that goes live.
	await seedDemoData(createDemoDataRepository(app.db));
	const units = ['song-lo', 'tam-son', 'bach-luu', 'cao-phong', 'don-nhan', 'dong-que', 'dong-thinh', 'duc-bac'].slice(0, siteCount);
	const chair = (await createUsersRepository(app.db).listByUnit('song-lo'))[0]!;
	const startsAt = new Date();
	const created = await createMeetingsRepository(app.db).create({
		title: 'Giao ban (benchmark)',
		description: '',
		location: 'Hội trường UBND huyện',
		hostUnitId: units[0]!,
		chairId: chair.id,
		createdById: chair.id,
		startsAt,
		endsAt: new Date(startsAt.getTime() + minutes * 60_000 + 3_600_000),
		recordingEnabled: true,
		joinMuted: false,
		agenda: [],
		invitations: units.slice(1).map((unitId) => ({ unitId, tokenHash: randomBytes(32).toString('hex'), expiresAt: new Date(startsAt.getTime() + 86_400_000) })),
	});
	if (created === 'unit_inactive') {
		throw new Error('a demo unit is inactive');
	}
	const meetingId = created.id;
	const conferenceRepo = createConferenceRepository(app.db);
	const recordings = createRecordingRepository(app.db);
	const mediaRepo = createMediaRepository(app.db);
	const transcripts = createTranscriptRepository(app.db);
	const { manager, store } = app.recording;
	const startedAt = new Date();
	if (!(await conferenceRepo.recordJoin(meetingId, units[0]!, startedAt, true))) {
		throw new Error('the meeting did not go live');
	}
	const events = app.meetingEvents;
	events.publish('meeting:started', { meetingId, at: startedAt, clockMs: 0 });

	// Job timings, from the runner's own events.
	const running = new Map<string, { kind: string; at: number }>();
	const timings = new Map<string, JobTiming>();
	const failures: string[] = [];
	app.jobs.runner.on('job:started', (job) => running.set(job.id, { kind: job.kind, at: performance.now() }));
	/** When the last transcription job and the export ended (performance.now()), from the runner's events. */
	const ended = { transcription: 0, export: 0 };
	const finished = (job: { id: string }) => {
		const started = running.get(job.id);
		if (!started) {
			return;
		}
		running.delete(job.id);
		ended[started.kind === 'export-meeting' ? 'export' : 'transcription'] = performance.now();
		const seconds = (performance.now() - started.at) / 1000;
		const t = timings.get(started.kind) ?? { kind: started.kind, count: 0, wallSeconds: 0, maxSeconds: 0 };
		t.count += 1;
		t.wallSeconds += seconds;
		t.maxSeconds = Math.max(t.maxSeconds, seconds);
		timings.set(started.kind, t);
	};
	app.jobs.runner.on('job:done', finished);
	app.jobs.runner.on('job:failed', (job) => {
		finished(job);
		failures.push(`${job.kind}: ${job.error.slice(0, 300)}`);
	});

	const backlog = async () => {
		const jobs = await app!.jobs.listForMeeting(meetingId);
		const open = jobs.filter((j) => j.status === 'queued' || j.status === 'running');
		const regions = open.filter((j) => j.kind === 'transcribe-region');
		return {
			jobs,
			analyse: open.filter((j) => j.kind === 'analyse-segment').length,
			plan: open.filter((j) => j.kind === 'plan-regions').length,
			regions: regions.length,
			regionAudioSeconds: regions.reduce((sum, j) => {
				const p = j.payload as { fromMs: number; toMs: number };
				return sum + (p.toMs - p.fromMs) / 1000;
			}, 0),
			exportDone: jobs.some((j) => j.kind === 'export-meeting' && j.status === 'done'),
			exportFailed: jobs.find((j) => j.kind === 'export-meeting' && j.status === 'failed')?.error ?? null,
		};
	};

	// The replay: each segment is stored when its end comes on the (sped-up) meeting clock.
	const runs = units.map((unitId) => ({ id: randomUUID(), unitId, startMs: 0 }));
	for (const run of runs) {
		await recordings.startRun({ id: run.id, meetingId, unitId: run.unitId, hasAudio: true, hasVideo: false, startMs: run.startMs });
	}
	const meetingDir = await store.ensureMeetingDir(meetingId);
	const storeSegment = async (site: number, segment: Prepared['segments'][number][number]) => {
		const run = runs[site]!;
		const fileName = `${run.id}-${String(segment.sequence).padStart(5, '0')}.mkv`;
		const target = join(meetingDir, fileName);
		copyFileSync(segment.file, target);
		// As RecordingManager.#store: size, SHA-256, times on the meeting clock, then the event.
		const sizeBytes = statSync(target).size;
		const endMs = Math.round(run.startMs + segment.endSec * 1000);
		const id = await recordings.addSegment({ runId: run.id, meetingId, unitId: run.unitId, sequence: segment.sequence, fileName, startMs: Math.round(run.startMs + segment.startSec * 1000), endMs, sizeBytes, sha256: await sha256File(target) });
		if (id === null) {
			throw new Error('segment refused: the recordings were deleted');
		}
		manager.safeEmit('segment-stored', { id, runId: run.id, meetingId, unitId: run.unitId, hasAudio: true });
		return endMs;
	};
	type Due = { atMs: number; site: number; segment: Prepared['segments'][number][number] } | { atMs: number; turn: Turn };
	const meetingMs = minutes * 60_000;
	const due: Due[] = [
		...prepared.segments.flatMap((list, site) => list.slice(0, -1).map((segment) => ({ atMs: segment.endSec * 1000, site, segment }))),
		...prepared.plan.turns.map((turn) => ({ atMs: turn.fromMs, turn })),
	].sort((a, b) => a.atMs - b.atMs);
	const wall0 = performance.now();
	const cpu0 = processCpu();
	const timeline: { clockMin: number; analyse: number; regions: number; regionAudioSeconds: number }[] = [];
	let nextSample = 0;
	let lastSpeaker: number | null = null;
	process.stderr.write(`  replaying ${prepared.segments.reduce((s, l) => s + l.length, 0)} segments of ${siteCount} sites over ${round(meetingMs / speed / 1000, 0)} s\n`);
	for (const item of due) {
		const wait = wall0 + item.atMs / speed - performance.now();
		if (wait > 0) {
			await sleep(wait);
		}
		if ('turn' in item) {
			if (lastSpeaker !== item.turn.site) {
				lastSpeaker = item.turn.site;
				// The active speaker as the conference announces it; the recording plugin stores the change for the MP4.
				events.publish('active-speaker', { meetingId, at: new Date(startedAt.getTime() + item.atMs), clockMs: item.atMs, participantId: `p-${item.turn.site}`, unitId: units[item.turn.site]! });
			}
		} else {
			await storeSegment(item.site, item.segment);
		}
		const elapsed = performance.now() - wall0;
		if (elapsed >= nextSample) {
			nextSample = elapsed + 5000;
			const b = await backlog();
			timeline.push({ clockMin: round((elapsed * speed) / 60_000, 1), analyse: b.analyse, regions: b.regions, regionAudioSeconds: round(b.regionAudioSeconds, 1) });
		}
	}
	const endWait = wall0 + meetingMs / speed - performance.now();
	if (endWait > 0) {
		await sleep(endWait);
	}

	// The meeting ends: the database first, then meeting:ended (the export is queued by the recording plugin),
	// then each recorder's last segment and the end of its run, as RecordingManager stores them at a stop.
	const endedAt = new Date(startedAt.getTime() + meetingMs);
	const tEnd = performance.now();
	const atEnd = await backlog();
	const whisperAtEnd = whisperRuns(wrapper.log);
	if (!(await conferenceRepo.endMeeting(meetingId, endedAt))) {
		throw new Error('the meeting could not be ended');
	}
	events.publish('meeting:ended', { meetingId, at: endedAt, clockMs: meetingMs, reason: 'chair' });
	for (const [site, list] of prepared.segments.entries()) {
		const last = list.at(-1)!;
		const endMs = await storeSegment(site, last);
		await recordings.endRun(runs[site]!.id, Math.max(endMs, meetingMs), 'meeting-ended');
		manager.safeEmit('run-ended', { runId: runs[site]!.id, meetingId, unitId: units[site]!, hasAudio: true });
	}

	let transcriptSeconds: number | null = null;
	let exportSeconds: number | null = null;
	const limitMs = Math.max(1_200_000, (meetingMs / speed) * 6);
	const finalKeys = new Set(runs.map((r) => `plan-regions:${r.id}:end`));
	// Polled every second, and only while no job runs (neither can be complete then), so that listing the
	// meeting's jobs does not take CPU from them; the times are those of the last job's end event.
	while (transcriptSeconds === null || exportSeconds === null) {
		await sleep(1000);
		const elapsed = (performance.now() - tEnd) / 1000;
		if (elapsed * 1000 > limitMs) {
			throw new Error(`not finished ${elapsed.toFixed(0)} s after the end (transcript ${transcriptSeconds ?? 'pending'}, export ${exportSeconds ?? 'pending'})`);
		}
		const busy = [...running.values()];
		const transcribing = busy.some((j) => TRANSCRIPTION_KINDS.has(j.kind));
		const exporting = busy.some((j) => j.kind === 'export-meeting');
		if ((transcribing || transcriptSeconds !== null) && (exporting || exportSeconds !== null)) {
			continue;
		}
		const b = await backlog();
		const planned = b.jobs.filter((j) => finalKeys.has(j.key) && j.status === 'done').length === finalKeys.size;
		if (transcriptSeconds === null && !transcribing && planned && b.analyse + b.plan + b.regions === 0) {
			transcriptSeconds = (Math.max(ended.transcription, tEnd) - tEnd) / 1000;
			process.stderr.write(`  transcript complete ${transcriptSeconds.toFixed(1)} s after the end\n`);
		}
		if (exportSeconds === null && !exporting && b.exportDone) {
			exportSeconds = (Math.max(ended.export, tEnd) - tEnd) / 1000;
			process.stderr.write(`  export done ${exportSeconds.toFixed(1)} s after the end\n`);
		}
		if (b.exportFailed) {
			throw new Error(`export-meeting failed: ${b.exportFailed}`);
		}
	}
	const cpu1 = processCpu();
	const whisper = whisperRuns(wrapper.log);
	const jobs = await app.jobs.listForMeeting(meetingId);
	const failedJobs = jobs.filter((j) => j.status === 'failed' && TRANSCRIPTION_KINDS.has(j.kind)).length;
	const lines = await transcripts.list(meetingId, null);
	const files = await mediaRepo.mediaFiles(meetingId);
	const speechSeconds = prepared.plan.speechMsBySite.reduce((a, b) => a + b, 0) / 1000;
	const regionTiming = timings.get('transcribe-region');
	const analyseTiming = timings.get('analyse-segment');
	const exportTiming = timings.get('export-meeting');
	const meanRegionSeconds = regionTiming ? regionTiming.wallSeconds / regionTiming.count : 0;
	const meanAnalyseSeconds = analyseTiming ? analyseTiming.wallSeconds / analyseTiming.count : 0;
	// Estimates for a one-hour meeting at real time (see caveats): transcription work scales with the speech,
	// the export with the duration; at real time only the last region(s) and the last segments' analysis remain.
	const scale = 60 / minutes;
	const regionWorkPerHour = (regionTiming?.wallSeconds ?? 0) * scale;
	const utilisation = regionWorkPerHour / 3600;
	const estTranscriptTail = utilisation < 1 ? siteCount * meanAnalyseSeconds + 2 * meanRegionSeconds + 2 : null;
	const estExport = exportTiming ? exportTiming.wallSeconds * scale + 3 : null;

	report = {
		benchmark: 'turnaround',
		date: new Date().toISOString(),
		settings: {
			sites: siteCount,
			units,
			meetingMinutes: minutes,
			replaySpeed: speed,
			replayWallSeconds: round(meetingMs / speed / 1000, 0),
			segmentSeconds: SEGMENT_SECONDS,
			seed,
			model: realModel ?? `quiet ${size} (generated, random weights, decoder stops at once: bench/whisper-fixtures.ts)`,
			modelFile: model,
			whisperThreads: Number(threads),
			whisperCli: cli,
			cpus: cpus().length,
			audio: 'espeak-ng -v vi, 12 sentences, one voice per site, pauses 0.3-1.8 s, turns 1.5-4 s apart, low noise (~-55 dBFS) elsewhere; Opus 32 kbit/s 48 kHz in 10-s Matroska segments, no video',
			env: 'BENCH_TURNAROUND_MINUTES, BENCH_TURNAROUND_SPEED, BENCH_TURNAROUND_SITES, BENCH_TURNAROUND_MODEL=tiny|base|small or WHISPER_MODEL, WHISPER_THREADS, BENCH_TURNAROUND_SEED',
			prepareSeconds: round(prepareSeconds, 1),
		},
		how: 'Real app (buildApp, migrated SQLite, job queue, transcription and export jobs). Segments are stored with the recording repository (startRun, addSegment, endRun) and announced with fastify.recording.manager.safeEmit(segment-stored | run-ended), as RecordingManager does; speaker changes and the end through the app meeting-event bus.',
		caveats: [
			`The meeting is replayed ${speed}x faster than real time: the transcription jobs fall behind during the meeting, so the backlog at the end (and the time to a complete transcript) is larger than in a real meeting: an upper bound.`,
			'The model has random weights (quiet: 4 decoder steps per 30-s window): the cost is loading, mel and encoder per region, not the words. A real model adds its text tokens (README: est. RTF ~0.08 for base on speech instead of 0.057).',
			'Audio only: no camera video, so the MP4 is unit cards over the mixed audio; real cameras add VP8 decoding and scaling to the export.',
			'No mediasoup/ffmpeg recorders run: their CPU (about 1-2 % per site) is not competing with the jobs here.',
			'The one-hour estimates are extrapolations, not measurements: transcription work scaled by speech time, export by duration.',
		],
		summary: {
			speechSeconds: round(speechSeconds, 0),
			speechShare: round(speechSeconds / (meetingMs / 1000), 2),
			backlogAtEnd: { analyseJobs: atEnd.analyse, regionJobs: atEnd.regions, regionAudioSeconds: round(atEnd.regionAudioSeconds, 1) },
			transcriptCompleteSecondsAfterEnd: round(transcriptSeconds, 1),
			exportDoneSecondsAfterEnd: round(exportSeconds, 1),
			whisperRuns: whisper.runs,
			whisperRunsAfterEnd: whisper.runs - whisperAtEnd.runs,
			whisperCpuSeconds: round(whisper.cpuSeconds, 1),
			whisperWallSeconds: round(whisper.wallSeconds, 1),
			whisperCpuSecondsPerSpeechSecond: round(whisper.cpuSeconds / speechSeconds, 3),
			childrenCpuSeconds: round(cpu1.children - cpu0.children, 1),
			nodeCpuSeconds: round(cpu1.self - cpu0.self, 1),
			transcriptLines: lines.length,
			transcriptionJobsFailed: failedJobs,
			mediaFiles: files.map((f) => ({ kind: f.kind, unitId: f.unitId, durationS: round(f.durationMs / 1000, 1), sizeMB: round(f.sizeBytes / 1e6, 2) })),
			estimateOneHourRealTime: {
				transcriptionWorkSeconds: round(regionWorkPerHour, 0),
				whisperUtilisation: round(utilisation, 2),
				transcriptCompleteSecondsAfterEnd: estTranscriptTail === null ? 'falls behind: the backlog grows through the meeting' : round(estTranscriptTail, 0),
				exportDoneSecondsAfterEnd: estExport === null ? null : round(estExport, 0),
				how: 'transcript: analysis of each site’s last segment + 2 mean transcribe-region jobs + 2 s of polling, if whisper keeps up (utilisation < 1); export: measured export-meeting job time x 60/minutes + the 3-s delay',
			},
		},
		jobs: [...timings.values()].map((t) => ({ ...t, wallSeconds: round(t.wallSeconds, 1), meanSeconds: round(t.wallSeconds / t.count, 2), maxSeconds: round(t.maxSeconds, 2) })),
		failures: failures.slice(0, 20),
		timeline,
	};
} finally {
	await app?.close();
	rmSync(work, { recursive: true, force: true });
}

const r = report as { summary: Record<string, unknown> & { backlogAtEnd: Record<string, number>; estimateOneHourRealTime: Record<string, unknown> }; jobs: (JobTiming & { meanSeconds: number })[] };
const s = r.summary;
console.log(`\nTurnaround: ${siteCount} sites, ${minutes}-min meeting replayed at ${speed}x (upper bound: see caveats), model ${realModel ?? `quiet ${size}`}, ${threads} whisper threads`);
console.log('measure                                   | value');
console.log('------------------------------------------|------');
const row = (name: string, value: unknown) => console.log(`${name.padEnd(41)} | ${String(value)}`);
row('speech in the meeting (s)', `${String(s['speechSeconds'])} (${Math.round(Number(s['speechShare']) * 100)} %)`);
row('backlog at end: regions / their audio s', `${s.backlogAtEnd['regionJobs']} / ${s.backlogAtEnd['regionAudioSeconds']} (analysis jobs ${s.backlogAtEnd['analyseJobs']})`);
row('(a) transcript complete after end (s)', s['transcriptCompleteSecondsAfterEnd']);
row('(b) export done after end (s)', s['exportDoneSecondsAfterEnd']);
row('whisper runs (after end)', `${String(s['whisperRuns'])} (${String(s['whisperRunsAfterEnd'])})`);
row('whisper CPU s / wall s', `${String(s['whisperCpuSeconds'])} / ${String(s['whisperWallSeconds'])}`);
row('whisper CPU s per speech s', s['whisperCpuSecondsPerSpeechSecond']);
row('all children CPU s (ffmpeg + whisper)', s['childrenCpuSeconds']);
row('transcript lines', s['transcriptLines']);
row('est. 1-h real-time: whisper utilisation', s.estimateOneHourRealTime['whisperUtilisation']);
row('est. 1-h real-time: transcript after end (s)', s.estimateOneHourRealTime['transcriptCompleteSecondsAfterEnd']);
row('est. 1-h real-time: export after end (s)', s.estimateOneHourRealTime['exportDoneSecondsAfterEnd']);
console.log('\njob kind          | count | wall s | mean s | max s');
console.log('------------------|-------|--------|--------|------');
for (const j of r.jobs) {
	console.log(`${j.kind.padEnd(17)} | ${String(j.count).padStart(5)} | ${String(j.wallSeconds).padStart(6)} | ${String(j.meanSeconds).padStart(6)} | ${j.maxSeconds}`);
}
console.log(`\n${JSON.stringify(report, null, 2)}`);
const resultsDir = join(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `turnaround-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${file}`);
