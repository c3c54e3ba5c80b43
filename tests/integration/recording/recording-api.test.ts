import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingRecordings, MeetingTranscript } from '../../../shared/src/api/recordings.ts';
import { createTranscriptRepository } from '../../../server/src/features/transcription/transcript.repository.ts';
import { conferenceFixture, type Ack } from '../../helpers/conference-fixture.ts';
import { until } from '../../helpers/room-pages.ts';
import { nextState } from '../../helpers/room-state.ts';
import { ask, startApp, type RunningApp } from '../../helpers/start-app.ts';

/**
 * Recording through the app: the chair's pause, and who may read, download, correct and delete a
 * meeting's recordings and transcript (real SQLite, real files made by ffmpeg).
 */
describe('recordings and transcript through the app', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;

	beforeAll(async () => {
		running = await startApp({ RECORDING_RETENTION_DAYS: '30' });
		f = await conferenceFixture(running, ['chutri', 'thuky', 'dongthinh', 'hailuu']);
	});
	afterAll(async () => {
		await running?.close();
	});

	const get = <T>(url: string, username: string) => running.app.inject({ url, headers: f.signed.get(username)!.headers }).then((r) => ({ status: r.statusCode, body: r.json<T>() }));

	it('the chair pauses and resumes the recording: the recorder stops and starts again, every site sees it, nobody else may', async () => {
		const { id } = await f.schedule(['dong-thinh'], { recording: true });
		const chair = await f.as('chutri');
		const commune = await f.as('dongthinh');
		const joined = await f.join(chair, { meetingId: id });
		expect(joined.snapshot.recording).toEqual({ enabled: true, paused: false });
		await f.join(commune, { meetingId: id });
		await f.produceMicrophone(commune);
		const runs = () => running.app.db.recordingRun.findMany({ where: { meetingId: id, unitId: 'dong-thinh' }, orderBy: { startMs: 'asc' } });
		await until(async () => (await runs()).length === 1, 15000, 'the commune’s recorder');

		const refused = await ask<Ack>(commune, 'chair:recording', { paused: true });
		expect(refused.error?.code).toBe('forbidden');

		const seen = nextState(commune, (s) => s.recording.paused);
		expect((await ask<Ack>(chair, 'chair:recording', { paused: true })).ok).toBe(true);
		await seen;
		await until(async () => (await runs())[0]?.endReason === 'paused', 20000, 'the run ended by the pause');
		expect((await running.app.db.meeting.findUniqueOrThrow({ where: { id } })).recordingPaused).toBe(true);
		// Paused, a new track starts no recorder.
		await f.produceMicrophone(chair);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(await running.app.db.recordingRun.count({ where: { meetingId: id } })).toBe(1);

		expect((await ask<Ack>(chair, 'chair:recording', { paused: false })).ok).toBe(true);
		await until(async () => (await runs()).length === 2, 15000, 'a new run after the resume');
		// The chair's microphone, added while paused, is recorded from the resume on.
		await until(async () => (await running.app.db.recordingRun.count({ where: { meetingId: id, unitId: 'song-lo' } })) === 1, 15000, 'the chair’s run after the resume');
		const actions = (await get<{ action: string }[]>(`/api/meetings/${id}/actions`, 'admin')).body.map((a) => a.action);
		expect(actions).toEqual(expect.arrayContaining(['recording.paused', 'recording.resumed']));
		expect((await ask<Ack>(chair, 'chair:end', {})).ok).toBe(true);
		await until(async () => (await runs()).every((r) => r.endMs !== null), 20000, 'every run ended with the meeting');
		expect((await runs()).at(-1)!.endReason).toBe('meeting-ended');
		// The pause belongs to the live meeting.
		expect((await running.app.db.meeting.findUniqueOrThrow({ where: { id } })).recordingPaused).toBe(false);
	}, 60000);

	it('a meeting scheduled without recording records nothing, and cannot be switched on once live', async () => {
		const { id } = await f.schedule(['dong-thinh'], { recording: true });
		const put = async (recordingEnabled: boolean) => {
			const detail = (await get<Record<string, unknown>>(`/api/meetings/${id}`, 'admin')).body as { title: string; description: string; location: string; startsAt: string; endsAt: string; chair: { id: string }; invitations: { unitId: string }[] };
			return running.app.inject({
				method: 'PUT',
				url: `/api/meetings/${id}`,
				headers: f.admin,
				payload: { title: detail.title, description: detail.description, location: detail.location, startsAt: detail.startsAt, endsAt: detail.endsAt, chairId: detail.chair.id, agenda: [], invitedUnitIds: detail.invitations.map((i) => i.unitId), recordingEnabled },
			});
		};
		// Recording is on unless the scheduler switches it off.
		expect((await get<{ recordingEnabled: boolean }>(`/api/meetings/${id}`, 'admin')).body.recordingEnabled).toBe(true);
		expect((await put(false)).statusCode).toBe(200);
		const chair = await f.as('chutri');
		const commune = await f.as('dongthinh');
		expect((await f.join(chair, { meetingId: id })).snapshot.recording).toEqual({ enabled: false, paused: false });
		await f.join(commune, { meetingId: id });
		await f.produceMicrophone(commune);
		expect((await ask<Ack>(chair, 'chair:recording', { paused: true })).error?.code).toBe('invalid_state');
		const changed = await put(true);
		expect(changed.statusCode).toBe(409);
		expect((await get<{ recordingEnabled: boolean }>(`/api/meetings/${id}`, 'admin')).body.recordingEnabled).toBe(false);
		// A recorder would have its run row within about a second of the track (settle, ffmpeg listening).
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(await running.app.db.recordingRun.count({ where: { meetingId: id } })).toBe(0);
		await ask<Ack>(chair, 'chair:end', {});
	}, 30000);

	it('recording switched off while a commune waits for the host is off once the host starts the meeting', async () => {
		const { id } = await f.schedule(['dong-thinh'], { recording: true });
		const commune = await f.as('dongthinh');
		// The commune is in the room before the meeting starts: the room is open with recording on.
		expect((await f.join(commune, { meetingId: id })).snapshot.recording.enabled).toBe(true);
		await f.produceMicrophone(commune);
		const detail = (await get<{ title: string; description: string; location: string; startsAt: string; endsAt: string; chair: { id: string }; invitations: { unitId: string }[] }>(`/api/meetings/${id}`, 'admin')).body;
		const put = await running.app.inject({
			method: 'PUT',
			url: `/api/meetings/${id}`,
			headers: f.admin,
			payload: { title: detail.title, description: detail.description, location: detail.location, startsAt: detail.startsAt, endsAt: detail.endsAt, chairId: detail.chair.id, agenda: [], invitedUnitIds: ['dong-thinh'], recordingEnabled: false },
		});
		expect(put.statusCode).toBe(200);
		const chair = await f.as('chutri');
		const seen = nextState(commune, (s) => s.participants.length === 2);
		expect((await f.join(chair, { meetingId: id })).snapshot.recording.enabled).toBe(false);
		expect((await seen).recording.enabled).toBe(false);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(await running.app.db.recordingRun.count({ where: { meetingId: id } })).toBe(0);
		await ask<Ack>(chair, 'chair:end', {});
	}, 30000);

	/** An ended meeting with two recorded sites, their made files and a transcript, written as the jobs would. */
	async function recordedMeeting() {
		const { id } = await f.schedule(['dong-thinh', 'hai-luu'], { recording: true });
		const startedAt = new Date(Date.now() - 120_000);
		await running.app.db.meeting.update({ where: { id }, data: { status: 'ended', startedAt, endedAt: new Date(startedAt.getTime() + 60_000) } });
		const dir = join(running.dataDir, 'recordings', id);
		mkdirSync(dir, { recursive: true });
		const tone = (name: string, seconds: number) => {
			execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=300:duration=${seconds}`, '-c:a', 'aac', join(dir, name)]);
			return name;
		};
		const transcripts = createTranscriptRepository(running.app.db);
		for (const unitId of ['song-lo', 'dong-thinh']) {
			const runId = randomUUID();
			await running.app.db.recordingRun.create({ data: { id: runId, meetingId: id, unitId, hasAudio: true, hasVideo: false, startMs: 0, endMs: 10_000, endReason: 'meeting-ended' } });
			const segment = `${runId}-0.mkv`;
			execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'libopus', join(dir, segment)]);
			await running.app.db.recordingSegment.create({ data: { runId, meetingId: id, unitId, sequence: 0, fileName: segment, startMs: 0, endMs: 2000, sizeBytes: 1, sha256: 'x' } });
			await running.app.db.mediaFile.create({
				data: { meetingId: id, kind: 'site-audio', unitId, slot: `site-audio:${unitId}`, fileName: tone(`${id}-site-audio-${unitId}.m4a`, 3), mimeType: 'audio/mp4', durationMs: 3000, sizeBytes: 1, sha256: 'x' },
			});
			await transcripts.addRegion({ key: `${runId}:0:0`, meetingId: id, unitId }, [
				{ startMs: 500, endMs: 1500, text: `Ý kiến của ${unitId}`, confidence: 0.8 },
				{ startMs: 1500, endMs: 1900, text: 'Xong.', confidence: 0.3 },
			]);
		}
		await running.app.db.mediaFile.create({
			data: { meetingId: id, kind: 'video', unitId: null, slot: 'video:', fileName: tone(`${id}-video.mp4`, 3), mimeType: 'video/mp4', durationMs: 3000, sizeBytes: 1, sha256: 'x' },
		});
		return { id, dir };
	}

	it('the host unit sees every site, an invited commune only its own, an uninvited one nothing', async () => {
		const { id } = await recordedMeeting();
		const host = await get<MeetingRecordings>(`/api/meetings/${id}/recordings`, 'admin');
		expect(host.status).toBe(200);
		expect(host.body.sites.map((s) => s.unitId).sort()).toEqual(['dong-thinh', 'song-lo']);
		expect(host.body.media.map((m) => m.kind).sort()).toEqual(['site-audio', 'site-audio', 'video']);
		expect(host.body).toMatchObject({ enabled: true, paused: false, deleted: null, canDelete: true, canEditTranscript: true });

		const own = await get<MeetingRecordings>(`/api/meetings/${id}/recordings`, 'dongthinh');
		expect(own.body.sites.map((s) => s.unitId)).toEqual(['dong-thinh']);
		expect(own.body.media.map((m) => [m.kind, m.unitId])).toEqual([['site-audio', 'dong-thinh']]);
		expect(own.body).toMatchObject({ canDelete: false, canEditTranscript: false });
		// The MP4 and the other site's audio are not there for the commune, even by id.
		for (const m of host.body.media.filter((x) => x.unitId !== 'dong-thinh')) {
			expect((await running.app.inject({ url: m.url, headers: f.signed.get('dongthinh')!.headers })).statusCode).toBe(404);
		}
		expect((await running.app.inject({ url: own.body.media[0]!.url, headers: f.signed.get('dongthinh')!.headers })).statusCode).toBe(200);

		const ownTranscript = await get<MeetingTranscript>(`/api/meetings/${id}/transcript`, 'dongthinh');
		expect(new Set(ownTranscript.body.segments.map((s) => s.unitId))).toEqual(new Set(['dong-thinh']));
		expect((await get<MeetingTranscript>(`/api/meetings/${id}/transcript`, 'admin')).body.segments).toHaveLength(4);

		// Hải Lựu is invited too, but had no recording of its own: it sees an empty list, not the others'.
		expect((await get<MeetingRecordings>(`/api/meetings/${id}/recordings`, 'hailuu')).body.sites).toEqual([]);
		const uninvited = (await f.schedule(['dong-thinh'])).id;
		for (const url of [`/api/meetings/${uninvited}/recordings`, `/api/meetings/${uninvited}/transcript`]) {
			expect((await get(url, 'hailuu')).status).toBe(404);
		}
	});

	it('serves media with byte ranges, and exports the transcript as WebVTT, SRT and JSON', async () => {
		const { id } = await recordedMeeting();
		const video = (await get<MeetingRecordings>(`/api/meetings/${id}/recordings`, 'admin')).body.media.find((m) => m.kind === 'video')!;
		const whole = await running.app.inject({ url: video.url, headers: f.admin });
		expect(whole.statusCode).toBe(200);
		expect(whole.headers['accept-ranges']).toBe('bytes');
		expect(whole.headers['content-disposition']).toMatch(/^attachment; filename="giaoban-\d{4}-\d\d-\d\d-cuoc-hop\.mp4"$/);
		const part = await running.app.inject({ url: video.url, headers: { ...f.admin, range: 'bytes=10-29' } });
		expect(part.statusCode).toBe(206);
		expect(part.headers['content-range']).toBe(`bytes 10-29/${whole.rawPayload.length}`);
		expect(part.rawPayload.equals(whole.rawPayload.subarray(10, 30))).toBe(true);
		const outside = await running.app.inject({ url: video.url, headers: { ...f.admin, range: `bytes=${whole.rawPayload.length}-` } });
		expect(outside.statusCode).toBe(416);

		const vtt = await running.app.inject({ url: `/api/meetings/${id}/transcript?format=vtt`, headers: f.admin });
		expect(vtt.headers['content-type']).toMatch(/^text\/vtt/);
		expect(vtt.body.startsWith('WEBVTT')).toBe(true);
		expect(vtt.body).toContain('<v Xã Đồng Thịnh>Ý kiến của dong-thinh');
		const srt = await running.app.inject({ url: `/api/meetings/${id}/transcript?format=srt`, headers: f.admin });
		expect(srt.body).toMatch(/^1\r?\n00:00:00,500 --> 00:00:01,500\r?\n/);
		const json = await running.app.inject({ url: `/api/meetings/${id}/transcript?format=json`, headers: f.admin });
		expect(json.headers['content-disposition']).toMatch(/attachment/);
		expect(json.json<MeetingTranscript>().segments).toHaveLength(4);
		expect((await running.app.inject({ url: `/api/meetings/${id}/transcript?format=doc`, headers: f.admin })).statusCode).toBe(400);
	});

	it('the host unit’s secretary corrects a line, keeping the machine text; the chair and communes may not', async () => {
		const { id } = await recordedMeeting();
		const line = (await get<MeetingTranscript>(`/api/meetings/${id}/transcript`, 'admin')).body.segments[0]!;
		const patch = (username: string, text: string) => running.app.inject({ method: 'PATCH', url: `/api/meetings/${id}/transcript/${line.id}`, headers: f.signed.get(username)!.headers, payload: { text } });
		expect((await patch('dongthinh', 'x')).statusCode).toBe(403);
		expect((await patch('chutri', 'x')).statusCode).toBe(403);
		const corrected = await patch('thuky', '  Ý kiến đã sửa  ');
		expect(corrected.statusCode).toBe(200);
		expect(corrected.json()).toMatchObject({ text: 'Ý kiến đã sửa', machineText: line.machineText, editedBy: { name: 'Thư ký Văn phòng HĐND-UBND' } });
		expect((await patch('thuky', 'x'.repeat(4001))).statusCode).toBe(400);
		expect(await running.app.db.transcriptSegment.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ text: 'Ý kiến đã sửa' });
		const restored = await patch('thuky', '');
		expect(restored.json()).toMatchObject({ text: line.machineText, editedBy: null, editedAt: null });
		const missing = await running.app.inject({ method: 'PATCH', url: `/api/meetings/${id}/transcript/${randomUUID()}`, headers: f.signed.get('thuky')!.headers, payload: { text: 'x' } });
		expect(missing.statusCode).toBe(404);
	});

	it('a region transcribed twice (its job retried after a crash) is stored once', async () => {
		const { id } = await recordedMeeting();
		const repo = createTranscriptRepository(running.app.db);
		const region = { key: `${randomUUID()}:3:200`, meetingId: id, unitId: 'dong-thinh' };
		expect(await repo.addRegion(region, [{ startMs: 1, endMs: 2, text: 'một', confidence: 1 }])).toBe(true);
		expect(await repo.addRegion(region, [{ startMs: 1, endMs: 2, text: 'một', confidence: 1 }])).toBe(false);
		expect(await running.app.db.transcriptSegment.count({ where: { regionKey: region.key } })).toBe(1);
	});

	it('deleting the recordings by hand removes files and rows together, keeps the transcript, and is audited', async () => {
		const { id, dir } = await recordedMeeting();
		const del = (username: string) => running.app.inject({ method: 'DELETE', url: `/api/meetings/${id}/recordings`, headers: f.signed.get(username)!.headers });
		expect((await del('thuky')).statusCode).toBe(403);
		expect((await del('dongthinh')).statusCode).toBe(403);
		expect(readdirSync(dir).length).toBeGreaterThan(0);
		expect((await del('admin')).statusCode).toBe(204);
		expect(existsSync(dir)).toBe(false);
		expect(await running.app.db.recordingSegment.count({ where: { meetingId: id } })).toBe(0);
		expect(await running.app.db.mediaFile.count({ where: { meetingId: id } })).toBe(0);
		expect(await running.app.db.transcriptSegment.count({ where: { meetingId: id } })).toBeGreaterThan(0);
		const after = await get<MeetingRecordings>(`/api/meetings/${id}/recordings`, 'admin');
		expect(after.body).toMatchObject({ media: [], canDelete: false, deleted: { reason: 'manual' } });
		const audit = await running.app.db.auditEvent.findMany({ where: { action: 'recordings.deleted' } });
		expect(audit.some((a) => a.detail.includes(id))).toBe(true);
	});

	it('the retention job deletes the media of meetings ended before the retention period, and only those', async () => {
		const old = await recordedMeeting();
		const recent = await recordedMeeting();
		await running.app.db.meeting.update({ where: { id: old.id }, data: { endedAt: new Date(Date.now() - 31 * 86_400_000) } });
		const { job } = await running.app.jobs.enqueue({ kind: 'recording-retention', key: `recording-retention:test-${randomUUID()}` });
		await until(async () => (await running.app.db.job.findUniqueOrThrow({ where: { id: job.id } })).status === 'done', 20000, 'the retention pass');
		expect(existsSync(old.dir)).toBe(false);
		expect(await running.app.db.mediaFile.count({ where: { meetingId: old.id } })).toBe(0);
		expect((await running.app.db.meeting.findUniqueOrThrow({ where: { id: old.id } })).recordingDeletedReason).toBe('retention');
		expect(existsSync(recent.dir)).toBe(true);
		expect(await running.app.db.mediaFile.count({ where: { meetingId: recent.id } })).toBe(3);
		expect((await running.app.db.auditEvent.findMany({ where: { action: 'recordings.expired' } })).some((a) => a.detail.includes(old.id))).toBe(true);
	});
});
