import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '#shared/api/common.ts';
import { JoinLinkCard, JoinLinkParams } from '#shared/api/join-link.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { assertJoinable, validInvitation } from './join-link-rules.ts';
import { createMeetingsRepository, type MeetingsRepository } from './meetings.repository.ts';

/** The meeting a join link opens, or why it opens none, by the same rules as room:join (join-link-rules.ts). */
export async function describeJoinLink(repo: MeetingsRepository, token: string, now: Date = new Date()): Promise<JoinLinkCard> {
	const invitation = await validInvitation(repo, token, now);
	const meeting = await repo.findDetail(invitation.meetingId);
	if (!meeting) {
		throw new NotFoundError('The meeting of this join link no longer exists');
	}
	assertJoinable(meeting);
	return {
		meetingId: meeting.id,
		title: meeting.title,
		startsAt: meeting.startsAt.toISOString(),
		endsAt: meeting.endsAt.toISOString(),
		location: meeting.location,
		status: meeting.status === 'live' ? 'live' : 'scheduled',
		hostUnitName: meeting.hostUnit.name,
		chairName: meeting.chair?.displayName ?? null,
		unit: { id: invitation.unitId, name: invitation.unit.name },
	};
}

/**
 * GET /api/join/:token, without a session: the token is the credential. The pre-join screen asks
 * it before the camera, so that a dead link is explained at once and a good one shows what the
 * operator is joining and as whom.
 */
const joinLinkRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
	const repository = createMeetingsRepository(fastify.db);
	fastify.get(
		'/api/join/:token',
		{
			schema: {
				tags: ['meetings'],
				summary: 'The meeting a join link opens (no session needed): title, times, place, host, chair and the unit it admits',
				params: JoinLinkParams,
				response: { 200: JoinLinkCard, 400: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 429: ApiError },
			},
			// Tokens carry 192 random bits, so guessing is hopeless anyway; the limit keeps a client
			// in a loop (or a scanner) from turning the lookups into load. A commune office opens its
			// link a few times per meeting, a NAT of several offices a few dozen.
			config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
		},
		async (request, reply) => {
			// The answer describes the meeting to whoever holds the token: not for shared caches.
			void reply.header('cache-control', 'no-store');
			return describeJoinLink(repository, request.params.token);
		}
	);
};

export default joinLinkRoutes;
