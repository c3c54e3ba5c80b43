import fp from 'fastify-plugin';
import { createTranscriptionPipeline, JOB_KINDS } from './transcription-pipeline.ts';
import { createTranscriptRepository } from './transcript.repository.ts';
import transcriptRoutes from './transcript.routes.ts';
import { whisperSettings } from './whisper-engine.ts';

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
		await fastify.register(transcriptRoutes, { repo, notify });
		log.debug({ kinds: Object.values(JOB_KINDS) }, 'transcription jobs registered');
	},
	{ name: 'transcription', dependencies: ['database', 'jobs', 'recording', 'meeting-watch'] }
);
