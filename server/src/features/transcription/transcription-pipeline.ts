import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Jobs, JobHandler } from '../jobs/index.ts';
import type { MediaStore } from '../recording/media-store.ts';
import { regionWav } from './region-audio.ts';
import { detectSpeech } from './speech-detect.ts';
import { planRegions } from './speech-regions.ts';
import { TranscriptionError } from './transcription-errors.ts';
import type { TranscriptRepository } from './transcript.repository.ts';
import { checkModel, transcribe, type WhisperSettings } from './whisper-engine.ts';

type Deps = {
	jobs: Pick<Jobs, 'enqueue'>;
	repo: TranscriptRepository;
	store: MediaStore;
	whisper: WhisperSettings;
	notify: (meetingId: string) => void;
};

/** Job kinds of the live transcription, in the order the work flows. */
export const JOB_KINDS = { analyse: 'analyse-segment', plan: 'plan-regions', transcribe: 'transcribe-region' } as const;

/** Analysis is a fraction of a second per segment and unblocks the planning: it goes first. */
const PRIORITY = { analyse: 20, plan: 20, transcribe: 10 };

type RegionPayload = { key: string; meetingId: string; unitId: string; runId: string; fromMs: number; toMs: number; segmentIds: string[] };

/**
 * Transcription while the meeting runs: every closed audio segment is analysed for speech at once
 * (silence is never decoded by whisper), the run's speech is planned into regions (speech across
 * a segment boundary is one region), and each closed region is transcribed as its own job, so at
 * the meeting's end only the last regions remain. Every step is a durable job: a restart resumes.
 */
export function createTranscriptionPipeline(deps: Deps) {
	const enqueueAnalysis = (segment: { id: string; meetingId: string }) =>
		deps.jobs.enqueue({ kind: JOB_KINDS.analyse, key: `${JOB_KINDS.analyse}:${segment.id}`, meetingId: segment.meetingId, payload: { segmentId: segment.id }, priority: PRIORITY.analyse });
	const enqueuePlan = (meetingId: string, runId: string, why: string) =>
		deps.jobs.enqueue({ kind: JOB_KINDS.plan, key: `${JOB_KINDS.plan}:${runId}:${why}`, meetingId, payload: { runId }, priority: PRIORITY.plan });

	/** Queues every closed region of the run (the queue keeps one job per region key). */
	const plan = async (runId: string): Promise<number> => {
		const run = await deps.repo.runForPlanning(runId);
		if (!run?.hasAudio) {
			return 0;
		}
		// A segment stored just before a crash may have missed its analysis job: queued again here
		// (the queue keeps one per segment), since the planning waits for every segment's analysis.
		for (const segment of run.segments.filter((s) => s.speech === null)) {
			await enqueueAnalysis({ id: segment.id, meetingId: run.meetingId });
		}
		const regions = planRegions({ runId, runEnded: run.endMs !== null, segments: run.segments });
		let queued = 0;
		for (const region of regions.filter((r) => r.closed)) {
			const payload: RegionPayload = { key: region.key, meetingId: run.meetingId, unitId: run.unitId, runId, fromMs: region.fromMs, toMs: region.toMs, segmentIds: region.segmentIds };
			await deps.jobs.enqueue({ kind: JOB_KINDS.transcribe, key: `${JOB_KINDS.transcribe}:${region.key}`, meetingId: run.meetingId, payload, priority: PRIORITY.transcribe, maxAttempts: 4 });
			queued += 1;
		}
		return queued;
	};

	const analyse: JobHandler = async (job, ctx) => {
		const { segmentId } = job.payload as { segmentId: string };
		const segment = await deps.repo.segmentForAnalysis(segmentId);
		if (!segment?.run.hasAudio) {
			return { skipped: true };
		}
		if (segment.speech === null) {
			try {
				const found = await detectSpeech(deps.store.path(segment.meetingId, segment.fileName), { signal: ctx.signal });
				await deps.repo.setSpeech(segment.id, found.speech);
			} catch (error) {
				if (!(error instanceof TranscriptionError && error.problem === 'bad-audio')) {
					throw error;
				}
				// A damaged segment (a crash mid-write) holds no speech we can use; the run's planning,
				// which waits for every segment's analysis, goes on past it.
				ctx.log.warn({ err: error, segmentId }, 'segment unreadable; treated as silence');
				await deps.repo.setSpeech(segment.id, []);
			}
		}
		return { queued: await plan(segment.runId) };
	};

	const planJob: JobHandler = async (job) => {
		const { runId } = job.payload as { runId: string };
		return { queued: await plan(runId) };
	};

	const transcribeRegion: JobHandler = async (job, ctx) => {
		const region = job.payload as RegionPayload;
		if (await deps.repo.regionDone(region.key)) {
			return { lines: 0, again: true };
		}
		// A missing model fails here, before any audio is cut.
		await checkModel(deps.whisper.model);
		const segments = await deps.repo.segmentFiles(region.segmentIds);
		if (segments.length !== region.segmentIds.length) {
			// The recordings were deleted meanwhile: nothing left to transcribe.
			return { lines: 0, deleted: true };
		}
		const dir = await mkdtemp(join(tmpdir(), 'giaoban-region-'));
		try {
			const wavPath = join(dir, 'region.wav');
			await regionWav({
				segments: segments.map((s) => ({ path: deps.store.path(region.meetingId, s.fileName), startMs: s.startMs, endMs: s.endMs })),
				fromMs: region.fromMs,
				toMs: region.toMs,
				out: wavPath,
				signal: ctx.signal,
			});
			const transcript = await transcribe({ ...deps.whisper, wavPath, signal: ctx.signal, offsetMs: region.fromMs });
			const lines = transcript.segments.filter((s) => s.text.trim() !== '').map((s) => ({ ...s, text: s.text.trim(), endMs: Math.min(s.endMs, region.toMs) }));
			const written = await deps.repo.addRegion(region, lines.length > 0 ? lines : [{ startMs: region.fromMs, endMs: region.fromMs, text: '', confidence: 0 }]);
			if (written) {
				deps.notify(region.meetingId);
			}
			return { lines: lines.length };
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	};

	return {
		handlers: { [JOB_KINDS.analyse]: analyse, [JOB_KINDS.plan]: planJob, [JOB_KINDS.transcribe]: transcribeRegion },
		segmentStored: (segment: { id: string; meetingId: string; hasAudio: boolean }) => (segment.hasAudio ? enqueueAnalysis(segment) : Promise.resolve(null)),
		runEnded: (run: { runId: string; meetingId: string; hasAudio: boolean }) => (run.hasAudio ? enqueuePlan(run.meetingId, run.runId, 'end') : Promise.resolve(null)),
	};
}
