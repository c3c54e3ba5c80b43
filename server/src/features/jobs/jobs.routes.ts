import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '#shared/api/common.ts';
import { JobSummary } from '#shared/api/jobs.ts';
import { MeetingParams } from '#shared/api/meetings.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { createMeetingsService } from '../meetings/meetings.service.ts';
import type { JobRecord, JobsRepository } from './jobs.repository.ts';

/** `withError`: the failure text carries program output and server paths, for the host unit only. */
function toSummary(job: JobRecord, withError: boolean): JobSummary {
	return {
		id: job.id,
		kind: job.kind,
		status: job.status,
		progress: job.progress,
		attempts: job.attempts,
		maxAttempts: job.maxAttempts,
		error: withError ? job.error : job.error ? 'failed' : '',
		createdAt: job.createdAt.toISOString(),
		updatedAt: job.updatedAt.toISOString(),
		runAfter: job.runAfter.toISOString(),
		finishedAt: job.finishedAt?.toISOString() ?? null,
	};
}

const jobsRoutes: FastifyPluginAsyncTypebox<{ repository: JobsRepository }> = async (fastify, { repository }) => {
	const meetingsRepo = createMeetingsRepository(fastify.db);

	fastify.get(
		'/api/meetings/:id/jobs',
		{
			schema: {
				tags: ['jobs'],
				summary: 'The meeting’s background jobs (joining audio, transcription, mixing), oldest first',
				params: MeetingParams,
				response: { 200: Type.Array(JobSummary), 400: ApiError, 401: ApiError, 404: ApiError },
			},
		},
		async (request) => {
			// 404 for a meeting the user may not see, as every other meeting route answers.
			const meeting = await createMeetingsService(meetingsRepo, { publicUrl: () => '', address: request.ip }).get(userOf(request), request.params.id);
			const host = userOf(request).unit.id === meeting.hostUnit.id;
			return (await repository.listForMeeting(meeting.id)).map((job) => toSummary(job, host));
		}
	);
};

export default jobsRoutes;
