import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../shared/src/api/jobs.ts';
import type { MeetingRecordings, MeetingTranscript } from '../../shared/src/api/recordings.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { writeRandomWhisperModel } from '../helpers/ggml-model.ts';
import { vietnameseMicrophoneWav } from '../helpers/media-files.ts';
import { endMeetingForAll, enterRoom, ownState, signIn, until, waitForFlowing, waitForParticipants } from '../helpers/room-pages.ts';
import { migratedDataDir, testEnv, type TestDataDir } from '../helpers/test-env.ts';

const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'server', 'server.mjs');

type Session = { headers: Record<string, string> };
type SegmentRow = { id: string; runId: string; fileName: string; sha256: string };

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * The server process killed (SIGKILL) in the middle of a recorded meeting with two sites in
 * Chromium, then started again on the same data: the segments closed before the kill are intact,
 * the sites come back by themselves, and after the meeting the post-meeting jobs complete.
 */
describe('a recorded meeting survives a killed server', () => {
	let data: TestDataDir;
	let dir = '';
	let env: NodeJS.ProcessEnv;
	let url = '';
	let server: ChildProcess | undefined;
	let chromium: TestBrowser;
	let chair: Page;
	let commune: Page;
	let admin: Session;
	let meetingId = '';
	const passwords = new Map<string, string>();

	async function startServer(): Promise<void> {
		const child = spawn(process.execPath, [BUNDLE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		server = child;
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		await until(() => output.includes('GiaoBan is running'), 30000, 'the server to start');
	}

	async function stopServer(signal: NodeJS.Signals): Promise<void> {
		const child = server;
		if (child?.exitCode !== null || child.signalCode !== null) {
			return;
		}
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill(signal);
		await exited;
	}

	async function login(username: string): Promise<Session> {
		const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: passwords.get(username) }) });
		expect(response.status).toBe(200);
		const cookie = /giaoban_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')![0];
		const { csrfToken } = (await response.json()) as { csrfToken: string };
		return { headers: { cookie, 'x-csrf-token': csrfToken } };
	}

	const getJson = async <T,>(path: string): Promise<T> => (await (await fetch(`${url}${path}`, { headers: admin.headers })).json()) as T;

	/** The manifest as the server stored it, read beside the server (SQLite in WAL mode allows it). */
	function storedSegments(): SegmentRow[] {
		const db = new DatabaseSync(join(data.dir, 'giaoban.db'), { readOnly: true });
		try {
			return db.prepare('SELECT id, runId, fileName, sha256 FROM RecordingSegment WHERE meetingId = ? ORDER BY startMs').all(meetingId) as unknown as SegmentRow[];
		} finally {
			db.close();
		}
	}

	beforeAll(async () => {
		expect(existsSync(BUNDLE), 'run the setup first: dist/server/server.mjs').toBe(true);
		dir = mkdtempSync(join(tmpdir(), 'giaoban-restart-e2e-'));
		const looped = vietnameseMicrophoneWav(dir, 'Đề nghị các xã hoàn thành báo cáo trước ngày mười lăm.');
		const model = join(dir, 'ggml-tiny-random.bin');
		writeRandomWhisperModel(model, { size: 'tiny' });
		data = migratedDataDir();
		// A fixed HTTP port: the browsers reconnect to the same address after the restart.
		const port = 18000 + Math.floor(Math.random() * 1000);
		url = `http://127.0.0.1:${port}`;
		env = testEnv(data.dir, { PORT: String(port), DEMO_DATA: 'true', LOG_LEVEL: 'info', WHISPER_MODEL: model, RECORDING_SEGMENT_SECONDS: '2' });
		await startServer();
		for (const line of readFileSync(join(data.dir, 'demo-accounts.txt'), 'utf8').split('\n').slice(2)) {
			const [username, password] = line.trim().split(/\s+/);
			if (username && password) {
				passwords.set(username, password);
			}
		}
		admin = await login('admin');
		chromium = await launchBrowser({ fakeAudioFile: looped });
		[chair, commune] = [await (await chromium.browser.createBrowserContext()).newPage(), await (await chromium.browser.createBrowserContext()).newPage()];
		await signIn(chair, url, 'chutri', passwords.get('chutri')!);
		await signIn(commune, url, 'dongthinh', passwords.get('dongthinh')!);
	}, 120000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await stopServer('SIGKILL');
			data?.remove();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	let beforeKill: SegmentRow[] = [];

	it('keeps the segments closed before the kill, and records again when the sites come back', async () => {
		const chairs = await getJson<{ id: string }[]>('/api/accounts/chairs');
		const created = await fetch(`${url}/api/meetings`, {
			method: 'POST',
			headers: { ...admin.headers, 'content-type': 'application/json' },
			body: JSON.stringify({
				title: 'Giao ban khi máy chủ khởi động lại',
				description: '',
				location: 'Hội trường',
				startsAt: new Date().toISOString(),
				endsAt: new Date(Date.now() + 3600_000).toISOString(),
				chairId: chairs[0]!.id,
				agenda: [],
				invitedUnitIds: ['dong-thinh'],
			}),
		});
		expect(created.status).toBe(201);
		meetingId = ((await created.json()) as { meeting: { id: string } }).meeting.id;
		for (const page of [chair, commune]) {
			await page.goto(`${url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
			await enterRoom(page);
		}
		const ids = [(await ownState(chair))!.participantId!, (await ownState(commune))!.participantId!];
		await waitForParticipants(chair, ids);
		await waitForFlowing(chair, ids[1]!);
		await until(() => storedSegments().length >= 6, 20000, 'segments of both sites');

		beforeKill = storedSegments();
		await stopServer('SIGKILL');
		// The recorders outlive the server by their input timeout, then end by themselves.
		await until(() => {
			try {
				execFileSync('pgrep', ['-f', join(data.dir, 'recordings')]);
				return false;
			} catch {
				return true;
			}
		}, 15000, 'the orphaned recorders to end');

		await startServer();
		for (const page of [chair, commune]) {
			await page.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 45000 });
		}
		const back = [(await ownState(chair))!.participantId!, (await ownState(commune))!.participantId!];
		await waitForParticipants(chair, back);
		await waitForFlowing(chair, back[1]!);
		await new Promise((resolve) => setTimeout(resolve, 6000));
		await endMeetingForAll(chair);
		await until(async () => (await getJson<{ status: string }>(`/api/meetings/${meetingId}`)).status === 'ended', 15000, 'the meeting ended');

		// Every segment closed before the kill is still there, unchanged.
		const after = new Map(storedSegments().map((s) => [s.id, s]));
		for (const segment of beforeKill) {
			expect(after.get(segment.id)?.sha256).toBe(segment.sha256);
			expect(sha256(join(data.dir, 'recordings', meetingId, segment.fileName))).toBe(segment.sha256);
		}
		// The recorders store their last segments and end their runs just after the meeting's end.
		await until(async () => (await getJson<MeetingRecordings>(`/api/meetings/${meetingId}/recordings`)).sites.every((s) => s.runs.every((r) => r.endMs !== null)), 20000, 'every run ended');
		const recordings = await getJson<MeetingRecordings>(`/api/meetings/${meetingId}/recordings`);
		expect(recordings.sites).toHaveLength(2);
		for (const site of recordings.sites) {
			// A run cut by the kill, ended at restart where its last segment ended, then a new one.
			expect(site.runs.map((r) => r.endReason)).toContain('server-restart');
			expect(site.runs.length).toBeGreaterThanOrEqual(2);
		}
	}, 180000);

	it('completes the post-meeting jobs after the restart, with each region transcribed once', async () => {
		await until(
			async () => {
				const jobs = await getJson<JobSummary[]>(`/api/meetings/${meetingId}/jobs`);
				return jobs.some((j) => j.kind === 'export-meeting') && jobs.every((j) => j.status === 'done' || j.status === 'failed');
			},
			240000,
			'the post-meeting jobs',
			1000
		);
		expect((await getJson<JobSummary[]>(`/api/meetings/${meetingId}/jobs`)).filter((j) => j.status === 'failed')).toEqual([]);
		const recordings = await getJson<MeetingRecordings>(`/api/meetings/${meetingId}/recordings`);
		expect(recordings.media.map((m) => m.kind).sort()).toEqual(['mixed-audio', 'site-audio', 'site-audio', 'video']);
		const transcript = await getJson<MeetingTranscript>(`/api/meetings/${meetingId}/transcript`);
		expect(transcript.pending).toBe(0);
		expect(new Set(transcript.segments.map((s) => s.unitId))).toEqual(new Set(['song-lo', 'dong-thinh']));
		const keys = transcript.segments.map((s) => `${s.unitId}:${s.startMs}:${s.machineText}`);
		expect(new Set(keys).size).toBe(keys.length);
	}, 300000);
});
