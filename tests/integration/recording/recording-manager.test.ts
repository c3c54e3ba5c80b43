import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlainTransport, Producer, Router } from 'mediasoup/node/lib/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MeetingEventBus } from '../../../server/src/domain/meeting-events.ts';
import { PortPool } from '../../../server/src/features/recording/port-pool.ts';
import { RecordingManager } from '../../../server/src/features/recording/recording-manager.ts';
import { SiteRecorder } from '../../../server/src/features/recording/site-recorder.ts';
import { createRecordingRepository } from '../../../server/src/features/recording/recording.repository.ts';
import { sha256File } from '../../../server/src/features/recording/segment-recorder.ts';
import { MEDIA_CODECS } from '../../../server/src/sfu/media-codecs.ts';
import { conferenceFixture } from '../../helpers/conference-fixture.ts';
import { probeDurationSec as duration } from '../../helpers/media-files.ts';
import { until as waitUntil } from '../../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const SSRC = 22222222;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const WAIT_MS = 20000;
const until = (condition: () => Promise<boolean>, what: string): Promise<void> => waitUntil(condition, WAIT_MS, what);

/**
 * The recorder against a real mediasoup router: a site's microphone is a producer fed by ffmpeg
 * (an Opus tone over plain RTP), its events come from a bus the test drives, and the manifest is
 * the real SQLite database.
 */
describe('recording manager (mediasoup → ffmpeg → manifest)', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	let meetingId = '';
	let router: Router;
	let dir = '';
	const cleanups: (() => unknown)[] = [];

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, []);
		router = (await running.app.workerPool.createRouter(MEDIA_CODECS)).router;
	});
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) {
			await cleanup();
		}
	});
	afterAll(async () => {
		router?.close();
		await running?.close();
	});

	/** A meeting of its own per test: runs are listed by meeting, on that meeting's clock. */
	async function setUp(segmentSeconds = 1) {
		meetingId = (await f.schedule(['dong-thinh'], { recording: true })).id;
		dir = mkdtempSync(join(tmpdir(), 'giaoban-recordings-'));
		cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
		const bus = new MeetingEventBus(() => undefined);
		const repo = createRecordingRepository(running.app.db);
		const base = 16000 + 2 * Math.floor(Math.random() * 300);
		const manager = new RecordingManager({ events: bus, repo, pool: new PortPool(base, base + 40), dir, segmentSeconds, log: silent, settleMs: 50 });
		cleanups.push(() => manager.close());
		const transport: PlainTransport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: true });
		cleanups.push(() => transport.close());
		const producer: Producer = await transport.produce({
			kind: 'audio',
			rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} }], encodings: [{ ssrc: SSRC }] },
		});
		const startedAt = Date.now();
		const at = () => ({ meetingId, at: new Date(), clockMs: Date.now() - startedAt });
		const site = { participantId: 'p1', unitId: 'dong-thinh', unitName: 'Xã Đồng Thịnh' };
		const ref = { ...site, producerId: producer.id, kind: 'audio' as const, source: 'microphone' as const };
		const send = (seconds: number): ChildProcess => {
			const sender = spawn(
				'ffmpeg',
				['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'libopus', '-payload_type', '111', '-ssrc', String(SSRC), '-f', 'rtp', `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}`],
				{ stdio: 'ignore' }
			);
			cleanups.push(() => sender.kill('SIGKILL'));
			return sender;
		};
		const runs = async () => (await repo.listForMeeting(meetingId)).filter((r) => r.unitId === 'dong-thinh');
		bus.publish('meeting:started', at());
		bus.publish('site:joined', { ...at(), ...site, userId: null, displayName: site.unitName, host: false, chair: false });
		return { bus, manager, producer, at, site, ref, send, runs, repo };
	}

	it('records a site’s microphone into hashed segments that cover its run on the meeting clock, and ends the run when it leaves', async () => {
		const { bus, manager, producer, at, site, ref, send, runs } = await setUp();
		// The site speaks all along; the run covers what it said while the recorder ran.
		send(8);
		bus.publish('producer:added', { ...at(), ...ref, paused: false, producer, router });
		await until(async () => ((await runs())[0]?.segments.length ?? 0) >= 3, 'three segments');
		bus.publish('site:left', { ...at(), ...site, reason: 'left' });
		await manager.close();
		const [run, ...others] = await runs();
		expect(others).toEqual([]);
		expect(run).toMatchObject({ hasAudio: true, hasVideo: false, endReason: 'left' });
		expect(run!.endMs).toBeGreaterThan(run!.startMs);
		let total = 0;
		for (const [i, segment] of run!.segments.entries()) {
			const file = join(dir, meetingId, segment.fileName);
			expect(await sha256File(file)).toBe(segment.sha256);
			total += duration(file);
			expect(segment.startMs).toBeGreaterThanOrEqual(run!.startMs);
			if (i > 0) {
				expect(segment.startMs).toBe(run!.segments[i - 1]!.endMs);
			}
		}
		// What the files hold is the run's span on the meeting clock (the last segment closed at the stop).
		expect(Math.abs(total * 1000 - (run!.endMs! - run!.startMs))).toBeLessThan(1000);
		expect(run!.segments.at(-1)!.endMs).toBeLessThanOrEqual(run!.endMs! + 500);
	});

	it('a mute ends the run and the unmute starts a new one: the gap is on the meeting clock', async () => {
		const { bus, producer, at, ref, send, runs } = await setUp();
		const before = 0;
		bus.publish('producer:added', { ...at(), ...ref, paused: false, producer, router });
		await until(async () => (await runs()).length === before + 1, 'the first run');
		send(6);
		await until(async () => ((await runs())[before]?.segments.length ?? 0) >= 1, 'a first segment');
		await producer.pause();
		bus.publish('producer:paused', { ...at(), ...ref });
		await until(async () => (await runs())[before]?.endMs !== null, 'the first run to end');
		await new Promise((resolve) => setTimeout(resolve, 700));
		await producer.resume();
		bus.publish('producer:resumed', { ...at(), ...ref });
		await until(async () => ((await runs())[before + 1]?.segments.length ?? 0) >= 1, 'the second run’s first segment');
		const [first, second] = (await runs()).slice(before);
		expect(first!.endReason).toBe('tracks-changed');
		expect(second!.startMs).toBeGreaterThan(first!.endMs!);
	});

	it('a killed recorder is replaced within 5 seconds and the earlier segments stay valid', async () => {
		const { bus, producer, at, ref, send, runs } = await setUp();
		const before = 0;
		bus.publish('producer:added', { ...at(), ...ref, paused: false, producer, router });
		await until(async () => (await runs()).length === before + 1, 'the first run');
		send(10);
		await until(async () => ((await runs())[before]?.segments.length ?? 0) >= 2, 'two segments');
		const ffmpeg = execFileSync('pgrep', ['-f', `${(await runs())[before]!.id}.sdp`]).toString().trim().split('\n')[0]!;
		const killedAt = at().clockMs;
		process.kill(Number(ffmpeg), 'SIGKILL');
		await until(async () => ((await runs())[before + 1]?.segments.length ?? 0) >= 1, 'a replacement run with a segment');
		const [first, second] = (await runs()).slice(before);
		expect(first!.endReason).toBe('recorder-exit');
		// On the meeting clock: the new run took the media again soon after the kill (about a second
		// here; the bound leaves room for a loaded CI machine).
		expect(second!.startMs - killedAt).toBeGreaterThanOrEqual(0);
		expect(second!.startMs - killedAt).toBeLessThan(15_000);
		for (const segment of first!.segments) {
			const file = join(dir, meetingId, segment.fileName);
			expect(existsSync(file)).toBe(true);
			expect(duration(file)).toBeGreaterThan(0);
		}
	});

	it('a recorder that cannot start leaves no port taken, transport open or ffmpeg running', async () => {
		dir = mkdtempSync(join(tmpdir(), 'giaoban-recordings-'));
		cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
		const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: true });
		cleanups.push(() => transport.close());
		const live = await transport.produce({ kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} }], encodings: [{ ssrc: SSRC + 1 }] } });
		const gone = await transport.produce({ kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {} }], encodings: [{ ssrc: SSRC + 2 }] } });
		gone.close();
		const base = 16800 + 2 * Math.floor(Math.random() * 50);
		const pool = new PortPool(base, base + 9);
		const free = pool.available;
		const transports = async (): Promise<number> => ((await router.dump()) as { transportIds: string[] }).transportIds.length;
		const transportsBefore = await transports();
		// The second producer is closed: the start fails after the first track's transport exists.
		await expect(SiteRecorder.start({ router, producers: [live, gone], pool, dir, prefix: 'broken', segmentSeconds: 1 })).rejects.toThrow();
		expect(pool.available).toBe(free);
		expect(await transports()).toBe(transportsBefore);
		expect(() => execFileSync('pgrep', ['-f', 'broken.sdp'])).toThrow();
	});
});
