import { ForbiddenError, InvalidStateError } from '../../lib/errors.ts';
import type { MeetingsRepository } from './meetings.repository.ts';
import { hashJoinToken } from './meetings.service.ts';

/**
 * The invitation a join link stands for, if the link still works. An unknown, expired, renewed or
 * revoked link is one answer (link_invalid), so a reply tells a guesser nothing about which tokens
 * ever existed. Used by room:join (conference/join-resolver.ts) and GET /api/join/:token alike.
 */
export async function validInvitation(repo: MeetingsRepository, token: string, now: Date) {
	const invitation = await repo.findInvitationByTokenHash(hashJoinToken(token));
	if (!invitation || invitation.revokedAt || invitation.expiresAt <= now) {
		throw new ForbiddenError('This join link is not valid (expired, replaced or revoked); ask the host unit for a new one', { reason: 'link_invalid' });
	}
	return invitation;
}

/** Nobody joins a meeting that is over; the reason says which way it is over. */
export function assertJoinable(meeting: { status: string }): void {
	if (meeting.status === 'ended' || meeting.status === 'cancelled') {
		throw new InvalidStateError(`The meeting is ${meeting.status}`, { reason: meeting.status === 'ended' ? 'meeting_ended' : 'meeting_cancelled' });
	}
}
