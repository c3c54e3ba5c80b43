import { ForbiddenError, InvalidPayloadError, NotFoundError, UnauthorizedError } from '../../lib/errors.ts';
import type { User } from '#shared/api/auth.ts';
import { canJoin, canModerate } from '../meetings/meeting-policy.ts';
import type { MeetingsRepository } from '../meetings/meetings.repository.ts';
import { assertJoinable, validInvitation } from '../meetings/join-link-rules.ts';
import { accessOf } from '../meetings/meetings.service.ts';
import type { Identity } from './conference.ts';

export type JoinTarget = { meeting: { id: string; title: string; locked: boolean; status: string }; identity: Identity };

/**
 * Who may join which meeting as what: a signed-in user by meeting id (policy in meeting-policy),
 * or a commune room holding its unit's invitation link. Expired or revoked links are refused.
 */
export async function resolveJoin(
	repo: MeetingsRepository,
	user: User | null,
	request: { meetingId?: string | undefined; invitationToken?: string | undefined },
	now: Date = new Date()
): Promise<JoinTarget> {
	let meetingId = request.meetingId;
	let linkUnit: { unitId: string; unitName: string } | null = null;
	if (request.invitationToken) {
		const invitation = await validInvitation(repo, request.invitationToken, now);
		if (meetingId && meetingId !== invitation.meetingId) {
			throw new ForbiddenError('This join link belongs to another meeting', { reason: 'link_other_meeting' });
		}
		meetingId = invitation.meetingId;
		linkUnit = { unitId: invitation.unitId, unitName: invitation.unit.name };
	}
	if (!meetingId) {
		throw new InvalidPayloadError('room:join needs a meetingId or an invitationToken');
	}
	if (!linkUnit && !user) {
		throw new UnauthorizedError('Sign in or open the join link of your unit');
	}
	const meeting = await repo.findDetail(meetingId);
	if (!meeting) {
		throw new NotFoundError(`No meeting ${meetingId}`);
	}
	assertJoinable(meeting);
	const access = accessOf(meeting);
	const target = { id: meeting.id, title: meeting.title, locked: meeting.locked, status: meeting.status };
	if (linkUnit) {
		return {
			meeting: target,
			identity: { ...linkUnit, userId: null, displayName: linkUnit.unitName, host: false, chair: false },
		};
	}
	if (!user) {
		throw new UnauthorizedError();
	}
	if (!canJoin(user, access)) {
		// Invisible meetings answer as missing; visible ones the user may not join as forbidden.
		if (user.unit.id !== access.hostUnitId && !access.invitedUnitIds.includes(user.unit.id)) {
			throw new NotFoundError(`No meeting ${meetingId}`);
		}
		throw new ForbiddenError('Your role cannot join this meeting as a site', { reason: 'role_cannot_join' });
	}
	return {
		meeting: target,
		identity: {
			unitId: user.unit.id,
			unitName: user.unit.name,
			userId: user.id,
			displayName: user.displayName,
			host: user.unit.id === access.hostUnitId,
			chair: canModerate(user, access),
		},
	};
}
