import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../lib/errors.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { accessOfDetail, canCorrectTranscript, canManage, recordingScope } from './meeting-policy.ts';
import { createMeetingsRepository } from './meetings.repository.ts';
import { createMeetingsService } from './meetings.service.ts';

/**
 * The meeting's media for the user asking: the meeting as they may see it (404 otherwise) and which
 * sites' media they may have: the host unit all, an invited unit its own (and that of the units
 * merged into it).
 */
export async function meetingMediaAccess(fastify: { db: Parameters<typeof createMeetingsRepository>[0] }, request: FastifyRequest, meetingId: string) {
	const user = userOf(request);
	const repo = createMeetingsRepository(fastify.db);
	const meeting = await createMeetingsService(repo, { publicUrl: () => '', address: request.ip }).get(user, meetingId);
	const access = accessOfDetail(meeting);
	const scope = recordingScope(user, access, await repo.findMergedUnitIds(user.unit.id));
	if (!scope) {
		throw new NotFoundError(`No meeting ${meetingId}`);
	}
	return { user, meeting, scope, canCorrect: canCorrectTranscript(user, access), canManage: canManage(user, access) };
}
