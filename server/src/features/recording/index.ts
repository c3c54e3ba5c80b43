import { dirname, join } from 'node:path';
import fp from 'fastify-plugin';
import { exportMeetingJob } from './export-meeting.job.ts';
import { MediaStore } from './media-store.ts';
import { PortPool } from './port-pool.ts';
import { RecordingManager } from './recording-manager.ts';
import { createMediaRepository, createRecordingRepository, type MediaRepository, type RecordingRepository } from './recording.repository.ts';
import recordingRoutes from './recording.routes.ts';
import { retentionJob } from './retention.job.ts';

export type { StoredSegment } from './recording-manager.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** The recorders of live meetings and the recorded media (for transcription, which follows the segments). */
		recording: { manager: RecordingManager; store: MediaStore; recordings: RecordingRepository; media: MediaRepository };
	}
}

const HOUR_MS = 3_600_000;

/**
 * Records every site of every recorded live meeting (RecordingManager), keeps the speaker changes
 * the meeting's video follows, makes the post-meeting files (export-meeting job), deletes media
 * after the retention period (recording-retention job), and serves all of it.
 */
export default fp(
	async (fastify) => {
		const config = fastify.config;
		const store = new MediaStore(join(dirname(config.databaseFile), 'recordings'));
		const recordings = createRecordingRepository(fastify.db);
		const media = createMediaRepository(fastify.db);
		const log = fastify.log.child({ component: 'recording' });
		const manager = new RecordingManager({
			events: fastify.meetingEvents,
			repo: recordings,
			pool: new PortPool(config.recording.ports.min, config.recording.ports.max),
			dir: store.root,
			segmentSeconds: config.recording.segmentSeconds,
			log,
		});
		fastify.decorate('recording', { manager, store, recordings, media });

		manager.on('segment-stored', (segment) => fastify.meetingWatch.notify(segment.meetingId, 'recordings'));
		manager.on('run-ended', (run) => fastify.meetingWatch.notify(run.meetingId, 'recordings'));

		// The speaker view of the meeting's video: one row per change of speaking unit.
		const lastSpeaker = new Map<string, string | null>();
		const offSpeaker = fastify.meetingEvents.onAny((event, payload) => {
			if (event === 'meeting:ended') {
				lastSpeaker.delete(payload.meetingId);
				void enqueueExport(payload.meetingId);
				return;
			}
			if (event !== 'active-speaker' || payload.clockMs === null) {
				return;
			}
			const { unitId } = payload as typeof payload & { unitId: string | null };
			// Silence (null) keeps the last speaker on screen, as a hall's display would.
			if (unitId === null || lastSpeaker.get(payload.meetingId) === unitId) {
				return;
			}
			lastSpeaker.set(payload.meetingId, unitId);
			media.addSpeakerChange(payload.meetingId, payload.clockMs, unitId).catch((error: unknown) => log.error({ err: error, meetingId: payload.meetingId }, 'could not store a speaker change'));
		});

		const enqueueExport = async (meetingId: string): Promise<void> => {
			try {
				// A little later: the recorders are still storing their last segments when the meeting ends.
				await fastify.jobs.enqueue({ kind: 'export-meeting', key: `export-meeting:${meetingId}`, meetingId, payload: { meetingId }, runAfter: new Date(Date.now() + 3000), maxAttempts: 6 });
			} catch (error) {
				log.error({ err: error, meetingId }, 'could not queue the meeting export');
			}
		};

		const deleteMedia = async (meetingId: string, reason: 'retention' | 'manual'): Promise<number> => {
			const names = await media.deleteMedia(meetingId, reason, new Date());
			await store.remove(meetingId, names, true);
			fastify.meetingWatch.notify(meetingId, 'recordings');
			return names.length;
		};

		fastify.jobs.runner.register('export-meeting', exportMeetingJob({ media, store, notify: (id) => fastify.meetingWatch.notify(id, 'recordings') }), { concurrency: 1 });
		fastify.jobs.runner.register(
			'recording-retention',
			retentionJob({ media, retentionDays: config.recording.retentionDays, deleteMedia, audit: (meetingId, files) => fastify.audit.record('recordings.expired', { detail: { meetingId, files } }) }),
			{ concurrency: 1 }
		);

		const enqueueRetention = async (): Promise<void> => {
			if (config.recording.retentionDays === 0) {
				return;
			}
			const day = new Date().toISOString().slice(0, 10);
			await fastify.jobs.enqueue({ kind: 'recording-retention', key: `recording-retention:${day}`, payload: {} }).catch((error: unknown) => log.error({ err: error }, 'could not queue the retention pass'));
		};
		const retentionTimer = setInterval(() => void enqueueRetention(), HOUR_MS);
		retentionTimer.unref();

		fastify.addHook('onReady', async () => {
			const recovered = await manager.recoverOpenRuns();
			if (recovered > 0) {
				log.warn({ runs: recovered }, 'recording runs left open by a stop were ended at their last segment');
			}
			for (const meetingId of await media.meetingsAwaitingExport()) {
				await enqueueExport(meetingId);
			}
			// An export that failed (a run left open, ffmpeg missing) runs again after a restart.
			for (const job of await fastify.jobs.listFailed(['export-meeting'], new Date(Date.now() - 7 * 86_400_000))) {
				await fastify.jobs.retry(job.id).catch((error: unknown) => log.warn({ err: error, jobId: job.id }, 'could not retry a meeting export'));
			}
			await enqueueRetention();
		});
		fastify.addHook('preClose', async () => {
			clearInterval(retentionTimer);
			offSpeaker();
			await manager.close();
		});

		await fastify.register(recordingRoutes, { recordings, media, store, deleteMedia });
	},
	{ name: 'recording', dependencies: ['database', 'meeting-events', 'jobs', 'meeting-watch', 'audit'] }
);
