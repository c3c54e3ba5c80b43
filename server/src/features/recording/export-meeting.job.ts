import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobHandler } from '../jobs/index.ts';
import { mixAudio } from './export/mixed-audio.ts';
import { buildSiteAudio, type SegmentFile } from './export/site-audio.ts';
import { renderSpeakerVideo } from './export/speaker-video.ts';
import type { MediaStore } from './media-store.ts';
import type { MediaRepository } from './recording.repository.ts';
import { sha256File } from './segment-recorder.ts';
import { speakerShots } from './speaker-shots.ts';

type Deps = { media: MediaRepository; store: MediaStore; notify: (meetingId: string) => void };

/** Share of the job's progress per step: the video is most of the work. */
const WEIGHT = { siteAudio: 30, mix: 10, video: 60 };

/** The recorders store their last segments after the meeting ends; the export waits for them. */
export class RecordersStillClosingError extends Error {
	constructor() {
		super('Some recorders of this meeting are still storing their last segments; the export runs again shortly');
		this.name = 'RecordersStillClosingError';
	}
}

/** The meeting's recordings were deleted while the export ran; the next attempt finds nothing to do. */
export class RecordingsDeletedError extends Error {
	constructor() {
		super('The recordings of this meeting were deleted during the export');
		this.name = 'RecordingsDeletedError';
	}
}

/** Stored names are fixed per meeting and slot: a job run again overwrites its own half-made file. */
function outputName(meetingId: string, kind: 'site-audio' | 'mixed-audio' | 'video', unitId: string | null): string {
	const unitPart = unitId ? `-${createHash('sha256').update(unitId).digest('hex').slice(0, 16)}` : '';
	return `${meetingId}-${kind}${unitPart}.${kind === 'video' ? 'mp4' : 'm4a'}`;
}

/** Runs split into lanes of runs that do not overlap in time, in start order (greedy: the first lane that is free). */
export function nonOverlappingLanes<T extends { startMs: number; endMs: number | null; segments: { endMs: number }[] }>(runs: readonly T[]): T[][] {
	const lanes: { end: number; runs: T[] }[] = [];
	for (const run of [...runs].sort((a, b) => a.startMs - b.startMs)) {
		const end = run.endMs ?? Math.max(run.startMs, ...run.segments.map((s) => s.endMs));
		const lane = lanes.find((l) => l.end <= run.startMs);
		if (lane) {
			lane.runs.push(run);
			lane.end = end;
		} else {
			lanes.push({ end, runs: [run] });
		}
	}
	return lanes.map((l) => l.runs);
}

/**
 * After a recorded meeting: one audio file per site (its gaps kept as silence, so a time in the
 * file is the meeting clock), the whole meeting mixed, and the speaker-view MP4. Resumable: a file
 * already in the manifest is not made again, so a restart continues where the last attempt stopped.
 */
export function exportMeetingJob(deps: Deps): JobHandler {
	return async (job, ctx) => {
		const { meetingId } = job.payload as { meetingId: string };
		const meeting = await deps.media.meeting(meetingId);
		if (meeting?.status !== 'ended' || !meeting.startedAt || !meeting.endedAt || meeting.recordingDeletedAt) {
			return { skipped: 'not an ended meeting with recordings' };
		}
		if ((await deps.media.openRunCount(meetingId)) > 0) {
			throw new RecordersStillClosingError();
		}
		const runs = await deps.media.runsWithSegments(meetingId);
		const durationMs = Math.max(meeting.endedAt.getTime() - meeting.startedAt.getTime(), ...runs.flatMap((r) => r.segments.map((s) => s.endMs)));
		if (runs.every((r) => r.segments.length === 0)) {
			return { files: 0 };
		}
		const done = new Map((await deps.media.mediaFiles(meetingId)).map((m) => [`${m.kind}:${m.unitId ?? ''}`, m]));
		const dir = await deps.store.ensureMeetingDir(meetingId);
		const workDir = join(dir, `work-${job.id}`);
		await mkdir(workDir, { recursive: true });
		const files = (segments: { fileName: string; startMs: number; endMs: number }[]): SegmentFile[] =>
			segments.map((s) => ({ path: deps.store.path(meetingId, s.fileName), startMs: s.startMs, endMs: s.endMs }));

		const store = async (kind: 'site-audio' | 'mixed-audio' | 'video', unitId: string | null, made: { durationMs: number }, path: string, fileName: string) => {
			const { size } = await stat(path);
			const row = await deps.media.addMediaFile({
				meetingId,
				kind,
				unitId,
				fileName,
				mimeType: kind === 'video' ? 'video/mp4' : 'audio/mp4',
				durationMs: Math.round(made.durationMs),
				sizeBytes: size,
				sha256: await sha256File(path),
			});
			if (!row) {
				await rm(path, { force: true });
				throw new RecordingsDeletedError();
			}
			done.set(`${kind}:${unitId ?? ''}`, row);
			deps.notify(meetingId);
			return row;
		};
		const step = (base: number, weight: number) => (pct: number) => void ctx.progress(Math.min(99, Math.round(base + (weight * pct) / 100))).catch(() => undefined);

		try {
			// 1. Each site's audio on the meeting clock.
			const units = [...new Set(runs.filter((r) => r.hasAudio && r.segments.length > 0).map((r) => r.unitId))];
			const siteAudio: string[] = [];
			for (const [index, unitId] of units.entries()) {
				const fileName = outputName(meetingId, 'site-audio', unitId);
				const path = deps.store.path(meetingId, fileName);
				if (!done.has(`site-audio:${unitId}`)) {
					// Two people of one unit (the chair and the secretary in the hall) record at the same
					// time: each lane holds runs that do not overlap, and the lanes are mixed.
					const lanes = nonOverlappingLanes(runs.filter((r) => r.unitId === unitId && r.hasAudio));
					const progress = step((WEIGHT.siteAudio * index) / units.length, WEIGHT.siteAudio / units.length);
					let made: { durationMs: number };
					if (lanes.length === 1) {
						made = await buildSiteAudio({ segments: files(lanes[0]!.flatMap((r) => r.segments)), durationMs, out: path, workDir, signal: ctx.signal, onProgress: progress });
					} else {
						const lanePaths: string[] = [];
						for (const [i, lane] of lanes.entries()) {
							const lanePath = join(workDir, `lane-${i}.m4a`);
							await buildSiteAudio({ segments: files(lane.flatMap((r) => r.segments)), durationMs, out: lanePath, workDir, signal: ctx.signal });
							lanePaths.push(lanePath);
						}
						made = await mixAudio({ inputs: lanePaths, durationMs, out: path, signal: ctx.signal, onProgress: progress });
					}
					await store('site-audio', unitId, made, path, fileName);
				}
				siteAudio.push(path);
			}

			// 2. Everyone together, as the hall heard it.
			let mixed: string | null = null;
			if (siteAudio.length > 0) {
				const fileName = outputName(meetingId, 'mixed-audio', null);
				mixed = deps.store.path(meetingId, fileName);
				if (!done.has('mixed-audio:')) {
					const made = await mixAudio({ inputs: siteAudio, durationMs, out: mixed, signal: ctx.signal, onProgress: step(WEIGHT.siteAudio, WEIGHT.mix) });
					await store('mixed-audio', null, made, mixed, fileName);
				}
			}

			// 3. The speaker view.
			if (!done.has('video:')) {
				const fileName = outputName(meetingId, 'video', null);
				const path = deps.store.path(meetingId, fileName);
				// One camera per unit on screen: of a unit's overlapping video runs, the earlier lane.
				const videoRuns = [...new Set(runs.map((r) => r.unitId))].flatMap((unitId) => nonOverlappingLanes(runs.filter((r) => r.unitId === unitId && r.hasVideo))[0] ?? []);
				const shots = speakerShots({
					durationMs,
					changes: await deps.media.speakerChanges(meetingId),
					runs: [...videoRuns, ...runs.filter((r) => !r.hasVideo)].map((r) => ({ unitId: r.unitId, unitName: r.unit.name, hasVideo: r.hasVideo, segments: files(r.segments) })),
				});
				const made = await renderSpeakerVideo({ durationMs, shots, audio: mixed, out: path, workDir, signal: ctx.signal, onProgress: step(WEIGHT.siteAudio + WEIGHT.mix, WEIGHT.video) });
				await store('video', null, made, path, fileName);
			}
			await ctx.progress(100);
			return { files: done.size };
		} finally {
			await rm(workDir, { recursive: true, force: true });
		}
	};
}
