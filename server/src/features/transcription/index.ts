import fp from 'fastify-plugin';
import { createTranscriptionPipeline, JOB_KINDS } from './transcription-pipeline.ts';
import { createTranscriptRepository } from './transcript.repository.ts';
import transcriptRoutes from './transcript.routes.ts';
import { checkModel, whisperSettings } from './whisper-engine.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * The transcript of recorded meetings: follows the recorder's closed segments, runs the
 * transcription jobs (one whisper.cpp at a time, niced), and serves and corrects the transcript.
 */
export default fp(
	async (fastify) => {
		const repo = createTranscriptRepository(fastify.db);
		const log = fastify.log.child({ component: 'transcription' });
		const notify = (meetingId: string) => fastify.meetingWatch.notify(meetingId, 'transcript');
		const pipeline = createTranscriptionPipeline({ jobs: fastify.jobs, repo, store: fastify.recording.store, whisper: whisperSettings(fastify.config.transcription), notify });
		for (const [kind, handler] of Object.entries(pipeline.handlers)) {
			// One whisper.cpp at a time: it takes both cores (at the lowest priority) while it runs.
			fastify.jobs.runner.register(kind, handler, { concurrency: 1 });
		}
		const { manager } = fastify.recording;
		manager.on('segment-stored', (segment) => {
			pipeline.segmentStored(segment).catch((error: unknown) => log.error({ err: error, segmentId: segment.id }, 'could not queue the analysis of a segment'));
		});
		manager.on('run-ended', (run) => {
			pipeline.runEnded(run).catch((error: unknown) => log.error({ err: error, runId: run.runId }, 'could not queue the planning of a run'));
		});
		fastify.addHook('onReady', async () => {
			// WHISPER_MODEL (or ffmpeg) is fixed by a restart: transcription that failed for want of
			// it in the last week runs again, instead of staying failed for good.
			const modelReady = await checkModel(fastify.config.transcription.model).then(
				() => true,
				() => false
			);
			if (modelReady) {
				const failed = await fastify.jobs.listFailed(Object.values(JOB_KINDS), new Date(Date.now() - WEEK_MS));
				for (const job of failed) {
					await fastify.jobs.retry(job.id).catch((error: unknown) => log.warn({ err: error, jobId: job.id }, 'could not retry a transcription job'));
				}
				if (failed.length > 0) {
					log.info({ jobs: failed.length }, 'failed transcription jobs queued again');
				}
			}
			// A crash between a run's end and the queueing of its last planning would leave its last
			// speech untranscribed: the recent runs are planned again (one job per run end, by key).
			for (const run of await repo.recentlyEndedAudioRuns(new Date(Date.now() - DAY_MS))) {
				await pipeline.runEnded({ runId: run.id, meetingId: run.meetingId, hasAudio: true });
			}
		});
		await fastify.register(transcriptRoutes, { repo, notify });
		log.debug({ kinds: Object.values(JOB_KINDS) }, 'transcription jobs registered');
	},
	{ name: 'transcription', dependencies: ['database', 'jobs', 'recording', 'meeting-watch'] }
);
