import type { JobHandler } from '../jobs/index.ts';
import type { MediaRepository } from './recording.repository.ts';

const DAY_MS = 86_400_000;

/**
 * Deletes the recorded media of meetings that ended more than `retentionDays` ago (files and rows
 * together; the transcript and the minutes stay), a bounded batch per pass, each in the audit log.
 */
export function retentionJob(deps: {
	media: MediaRepository;
	retentionDays: number;
	deleteMedia: (meetingId: string, reason: 'retention') => Promise<number>;
	audit: (meetingId: string, files: number) => Promise<void>;
}): JobHandler {
	return async (_job, ctx) => {
		if (deps.retentionDays === 0) {
			return { deleted: 0 };
		}
		const cutoff = new Date(Date.now() - deps.retentionDays * DAY_MS);
		let deleted = 0;
		// Batches of 100 until none is left (bounded, so a pass always ends).
		for (let batch = 0; batch < 100; batch += 1) {
			const expired = await deps.media.expiredMeetings(cutoff);
			if (expired.length === 0) {
				break;
			}
			for (const meetingId of expired) {
				ctx.signal.throwIfAborted();
				const files = await deps.deleteMedia(meetingId, 'retention');
				await deps.audit(meetingId, files);
				deleted += 1;
			}
		}
		await ctx.progress(100);
		return { deleted };
	};
}
