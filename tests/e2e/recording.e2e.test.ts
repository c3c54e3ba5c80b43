import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../shared/src/api/jobs.ts';
import type { MeetingRecordings, MeetingTranscript } from '../../shared/src/api/recordings.ts';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { writeRandomWhisperModel } from '../helpers/ggml-model.ts';
import { probeDurationSec, vietnameseMicrophoneWav } from '../helpers/media-files.ts';
import { endMeetingForAll, enterRoom, ownState, scheduleMeeting, signIn, until, waitForFlowing, waitForParticipants } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

const SEGMENT_SECONDS = 3;

function probeStreams(file: string): string[] {
	return execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' })
		.trim()
		.split('\n')
		.map((line) => line.replace(/,+$/, ''));
}

/**
 * The whole recording path with real components: two sites in Chromium whose microphones play a
 * Vietnamese espeak-ng recording, mediasoup, one ffmpeg recorder per site, SQLite, the job queue,
 * whisper.cpp on a generated model (random weights: the words are meaningless, the pipeline is
 * what is tested), the post-meeting export, and the meeting page.
 */
describe('a recorded meeting, from the browsers to the transcript and the MP4', () => {
	let dir = '';
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	let chair: Page;
	let commune: Page;
	let meetingId = '';
	let admin: Record<string, string>;
	/** When the commune's microphone was off, on the meeting clock. */
	const muted = { fromMs: 0, toMs: 0 };

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'giaoban-recording-e2e-'));
		const looped = vietnameseMicrophoneWav(dir, 'Xin báo cáo tình hình sản xuất nông nghiệp của xã trong tuần qua. Diện tích lúa đã gieo cấy đạt kế hoạch.');
		const model = join(dir, 'ggml-tiny-random.bin');
		writeRandomWhisperModel(model, { size: 'tiny' });
		running = await startApp({ WHISPER_MODEL: model, RECORDING_SEGMENT_SECONDS: String(SEGMENT_SECONDS), WHISPER_THREADS: '2' });
		accounts = await seedAccounts(running.app);
		admin = (await login(running.app, accounts, 'admin')).headers;
		chromium = await launchBrowser({ fakeAudioFile: looped });
		const [a, b] = [await chromium.browser.createBrowserContext(), await chromium.browser.createBrowserContext()];
		[chair, commune] = [await a.newPage(), await b.newPage()];
		await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
		await signIn(commune, running.url, 'dongthinh', accounts.get('dongthinh')!.password);
	}, 120000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	const clockMs = async (): Promise<number> => {
		const meeting = (await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: admin })).json<{ startedAt: string }>();
		return Date.now() - new Date(meeting.startedAt).getTime();
	};

	it('records each site while the meeting runs, shows "Đang ghi hình", and stops at the end', async () => {
		meetingId = (await scheduleMeeting(running, accounts, 'Giao ban có ghi hình', ['dong-thinh'], { recording: true })).meetingId;
		for (const page of [chair, commune]) {
			await page.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
			await enterRoom(page);
		}
		const ids = [(await ownState(chair))!.participantId!, (await ownState(commune))!.participantId!];
		await waitForParticipants(chair, ids);
		await waitForFlowing(chair, ids[1]!);
		for (const page of [chair, commune]) {
			const badge = await page.waitForSelector('[data-testid=recording-badge][data-state=on]', { timeout: 10000 });
			expect(await badge!.evaluate((el) => el.textContent)).toContain('Đang ghi hình');
		}
		await new Promise((resolve) => setTimeout(resolve, 9000));

		// The commune mutes for a while: its recorder goes on with the camera only.
		// The window starts once the page shows the mute (a loaded machine can take a while), so that
		// the transcript check below never counts speech from before it.
		await commune.click('[data-testid=toggle-mic]');
		await commune.waitForSelector('[data-testid=self-mic][data-muted=true]', { timeout: 10000 });
		muted.fromMs = await clockMs();
		await new Promise((resolve) => setTimeout(resolve, 7000));
		muted.toMs = await clockMs();
		await commune.click('[data-testid=toggle-mic]');
		await new Promise((resolve) => setTimeout(resolve, 9000));

		await endMeetingForAll(chair);
		await chair.waitForSelector('[data-testid=room-closed], [data-testid=room-state][data-state=closed]', { timeout: 15000 }).catch(() => undefined);
		await until(async () => (await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: admin })).json<{ status: string }>().status === 'ended', 15000, 'the meeting ended');
	}, 120000);

	it('keeps every site’s segments readable and as long as the site was connected', async () => {
		await until(async () => (await running.app.db.recordingRun.count({ where: { meetingId, endMs: null } })) === 0, 20000, 'every run ended');
		const meeting = (await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: admin })).json<{ startedAt: string; endedAt: string }>();
		const attendance = await running.app.db.attendanceEvent.findMany({ where: { meetingId }, orderBy: { at: 'asc' } });
		const recordings = (await running.app.inject({ url: `/api/meetings/${meetingId}/recordings`, headers: admin })).json<MeetingRecordings>();
		expect(recordings.sites.map((s) => s.unitId).sort()).toEqual(['dong-thinh', 'song-lo'].sort());
		for (const unitId of ['song-lo', 'dong-thinh']) {
			const joinedAt = attendance.find((a) => a.unitId === unitId && a.kind === 'join')!.at.getTime();
			const leftAt = attendance.findLast((a) => a.unitId === unitId && a.kind === 'leave')?.at.getTime() ?? new Date(meeting.endedAt).getTime();
			const segments = await running.app.db.recordingSegment.findMany({ where: { meetingId, unitId }, orderBy: { startMs: 'asc' } });
			expect(segments.length).toBeGreaterThan(3);
			let seconds = 0;
			for (const segment of segments) {
				// ffprobe reads every one.
				seconds += probeDurationSec(join(running.dataDir, 'recordings', meetingId, segment.fileName));
			}
			// A mute or unmute restarts the site's recorder (ffmpeg cannot add or drop a track mid-file):
			// the gap between two runs is a gap in the recording. Its length depends on how busy the
			// machine is; here it only has to stay a restart, not a lost stretch of the meeting.
			const runs = await running.app.db.recordingRun.findMany({ where: { meetingId, unitId }, orderBy: { startMs: 'asc' } });
			const startedAtMs = new Date(meeting.startedAt).getTime();
			const gaps = runs.slice(1).map((run, i) => run.startMs - runs[i]!.endMs!);
			const runsMs = runs.reduce((sum, run) => sum + (run.endMs! - run.startMs), 0);
			const detail = JSON.stringify({ unitId, seconds, runsMs, joinedAt: joinedAt - startedAtMs, leftAt: leftAt - startedAtMs, runs: runs.map((r) => [r.startMs, r.endMs]) });
			for (const gap of gaps) {
				expect(gap, detail).toBeLessThan(10000);
			}
			// The files hold what the runs say they recorded (no lost or truncated segment)…
			expect(Math.abs(seconds * 1000 - runsMs), detail).toBeLessThan(1000 * runs.length + 1000);
			// …and the runs span the site's time in the meeting: from its media's start soon after the
			// join to its leave.
			expect(runs[0]!.startMs - (joinedAt - startedAtMs), detail).toBeLessThan(10000);
			expect(Math.abs(runs.at(-1)!.endMs! - (leftAt - startedAtMs)), detail).toBeLessThan(5000);
		}
		// The commune's mute is a gap in its audio: a run with video only covers it.
		const communeRuns = recordings.sites.find((s) => s.unitId === 'dong-thinh')!.runs;
		expect(communeRuns.some((r) => !r.hasAudio && r.hasVideo && r.startMs < muted.toMs && (r.endMs ?? 0) > muted.fromMs)).toBe(true);
	}, 60000);

	it('makes the per-site audio, the mixed audio and the MP4 after the meeting, and the transcript attributed to the sites', async () => {
		const jobs = async () => (await running.app.inject({ url: `/api/meetings/${meetingId}/jobs`, headers: admin })).json<JobSummary[]>();
		await until(async () => {
			const all = await jobs();
			return all.some((j) => j.kind === 'export-meeting') && all.every((j) => j.status === 'done' || j.status === 'failed');
		}, 240000, 'the post-meeting jobs', 1000);
		expect((await jobs()).filter((j) => j.status === 'failed')).toEqual([]);

		const meeting = (await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: admin })).json<{ startedAt: string; endedAt: string }>();
		const meetingSec = (new Date(meeting.endedAt).getTime() - new Date(meeting.startedAt).getTime()) / 1000;
		const recordings = (await running.app.inject({ url: `/api/meetings/${meetingId}/recordings`, headers: admin })).json<MeetingRecordings>();
		const byKind = (kind: string) => recordings.media.filter((m) => m.kind === kind);
		expect(byKind('site-audio').map((m) => m.unitId).sort()).toEqual(['dong-thinh', 'song-lo'].sort());
		expect(byKind('mixed-audio')).toHaveLength(1);
		expect(byKind('video')).toHaveLength(1);
		for (const file of recordings.media) {
			const path = join(running.dataDir, 'recordings', meetingId, (await running.app.db.mediaFile.findUniqueOrThrow({ where: { id: file.id } })).fileName);
			expect(Math.abs(probeDurationSec(path) - meetingSec)).toBeLessThan(2);
		}
		const video = (await running.app.db.mediaFile.findFirstOrThrow({ where: { meetingId, kind: 'video' } })).fileName;
		expect(probeStreams(join(running.dataDir, 'recordings', meetingId, video)).sort()).toEqual(['aac', 'h264,640,360']);

		// A player seeks with Range requests.
		const ranged = await running.app.inject({ url: byKind('video')[0]!.url, headers: { ...admin, range: 'bytes=100-199' } });
		expect(ranged.statusCode).toBe(206);
		expect(ranged.rawPayload.length).toBe(100);

		const transcript = (await running.app.inject({ url: `/api/meetings/${meetingId}/transcript`, headers: admin })).json<MeetingTranscript>();
		expect(transcript.pending).toBe(0);
		expect(transcript.problem).toBe('');
		for (const unitId of ['song-lo', 'dong-thinh']) {
			const lines = transcript.segments.filter((s) => s.unitId === unitId);
			expect(lines.length).toBeGreaterThan(0);
			for (const [i, line] of lines.entries()) {
				expect(line.endMs).toBeGreaterThanOrEqual(line.startMs);
				expect(line.startMs).toBeLessThanOrEqual(meetingSec * 1000);
				if (i > 0) {
					expect(line.startMs).toBeGreaterThanOrEqual(lines[i - 1]!.startMs);
				}
			}
		}
		// Nothing was decoded for the commune while its microphone was off (a second of slack each side
		// for the mute to reach the server and for the padding around speech).
		const duringMute = transcript.segments.filter((s) => s.unitId === 'dong-thinh' && s.startMs > muted.fromMs + 1000 && s.endMs < muted.toMs - 1000);
		expect(duringMute).toEqual([]);
	}, 300000);

	it('shows the recordings, the MP4 and the transcript on the meeting page, where the secretary corrects a line', async () => {
		await chair.goto(`${running.url}/meetings/${meetingId}`, { waitUntil: 'networkidle0' });
		await chair.waitForSelector('[data-testid=media-files] [data-kind=video] a');
		const sites = await chair.$eval('[data-testid=recording-sites]', (el) => el.textContent ?? '');
		expect(sites).toContain('Xã Đồng Thịnh');
		await chair.waitForSelector('[data-testid=transcript-segments] [data-unit=dong-thinh]');

		const secretary = await login(running.app, accounts, 'thuky');
		const transcript = (await running.app.inject({ url: `/api/meetings/${meetingId}/transcript`, headers: secretary.headers })).json<MeetingTranscript>();
		const line = transcript.segments[0]!;
		const corrected = await running.app.inject({
			method: 'PATCH',
			url: `/api/meetings/${meetingId}/transcript/${line.id}`,
			headers: secretary.headers,
			payload: { text: 'Xin báo cáo tình hình sản xuất nông nghiệp.' },
		});
		expect(corrected.statusCode).toBe(200);
		expect(corrected.json()).toMatchObject({ text: 'Xin báo cáo tình hình sản xuất nông nghiệp.', machineText: line.machineText, editedBy: { name: 'Thư ký Văn phòng HĐND-UBND' } });
		// The page follows the change over its socket (meeting:watch), without a reload.
		await chair.waitForSelector(`[data-segment="${line.id}"] [data-testid=segment-edited]`, { timeout: 10000 });
		// A commune may not correct it.
		const commune = await login(running.app, accounts, 'dongthinh');
		const refused = await running.app.inject({ method: 'PATCH', url: `/api/meetings/${meetingId}/transcript/${line.id}`, headers: commune.headers, payload: { text: 'x' } });
		expect(refused.statusCode).toBe(403);
	}, 60000);
});
