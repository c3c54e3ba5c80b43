import type { User } from '#shared/api/auth.ts';

/** The facts about a meeting that decide who may do what. */
export type MeetingAccess = { hostUnitId: string; chairId: string | null; invitedUnitIds: string[] };

/** District admins of the host unit schedule and edit its meetings. */
export function canSchedule(user: User, hostUnitId: string): boolean {
	return user.role === 'district_admin' && user.unit.id === hostUnitId;
}

export function canManage(user: User, meeting: MeetingAccess): boolean {
	return canSchedule(user, meeting.hostUnitId);
}

/** Only the meeting's chair moderates. */
export function canModerate(user: User, meeting: MeetingAccess): boolean {
	return meeting.chairId !== null && user.id === meeting.chairId;
}

/** Everyone of the host unit, and every unit invited (and not revoked). */
export function canView(user: User, meeting: MeetingAccess): boolean {
	return user.unit.id === meeting.hostUnitId || meeting.invitedUnitIds.includes(user.unit.id);
}

/** Joining as a site: the host unit's staff, and the operators of invited communes. */
export function canJoin(user: User, meeting: MeetingAccess): boolean {
	if (user.unit.id === meeting.hostUnitId) {
		return true;
	}
	return user.role === 'commune_operator' && meeting.invitedUnitIds.includes(user.unit.id);
}

/**
 * Whose recordings and transcript a user sees: the host unit all sites', an invited unit only its
 * own (its voice and face, not the others'); null for anyone else.
 */
export function recordingScope(user: User, meeting: MeetingAccess): { unitId: string | null } | null {
	if (user.unit.id === meeting.hostUnitId) {
		return { unitId: null };
	}
	return meeting.invitedUnitIds.includes(user.unit.id) ? { unitId: user.unit.id } : null;
}

/** The host unit's secretaries (who write the minutes) and administrators correct the transcript. */
export function canCorrectTranscript(user: User, meeting: MeetingAccess): boolean {
	return user.unit.id === meeting.hostUnitId && (user.role === 'secretary' || user.role === 'district_admin');
}

/** The access facts of a meeting as the API describes it (revoked invitations do not count). */
export function accessOfDetail(meeting: { hostUnit: { id: string }; chair: { id: string } | null; invitations: { unitId: string; revoked: boolean }[] }): MeetingAccess {
	return { hostUnitId: meeting.hostUnit.id, chairId: meeting.chair?.id ?? null, invitedUnitIds: meeting.invitations.filter((i) => !i.revoked).map((i) => i.unitId) };
}
