import type { User } from '#shared/api/auth.ts';

/** The facts about a meeting that decide who may do what. */
export type MeetingAccess = { hostUnitId: string; chairId: string | null; invitedUnitIds: string[] };

/** District admins of the host unit schedule and edit its meetings. */
export function canSchedule(user: User, hostUnitId: string): boolean {
	return user.role === 'admin' && user.unit.id === hostUnitId;
}

export function canManage(user: User, meeting: MeetingAccess): boolean {
	return canSchedule(user, meeting.hostUnitId);
}

/**
 * Only the meeting's chair moderates, while still a chair of the host unit: an account moved or
 * given another role keeps its id on the meeting (changing it is refused while it chairs meetings
 * to come, but a race or an older row may leave one) and must not keep the chair's rights.
 */
export function canModerate(user: User, meeting: MeetingAccess): boolean {
	return meeting.chairId !== null && user.id === meeting.chairId && user.role === 'chair' && user.unit.id === meeting.hostUnitId;
}

/**
 * Everyone of the host unit, and every unit invited (and not revoked). `mergedUnitIds`: units merged
 * into the user's unit, whose meetings it reads as its own history (it does not join them).
 */
export function canView(user: User, meeting: MeetingAccess, mergedUnitIds: readonly string[] = []): boolean {
	return [user.unit.id, ...mergedUnitIds].some((unitId) => unitId === meeting.hostUnitId || meeting.invitedUnitIds.includes(unitId));
}

/** Joining as a site: the host unit's staff, and the operators of invited communes. */
export function canJoin(user: User, meeting: MeetingAccess): boolean {
	if (user.unit.id === meeting.hostUnitId) {
		return true;
	}
	return user.role === 'commune_operator' && meeting.invitedUnitIds.includes(user.unit.id);
}

/**
 * Whose recordings and transcript a user sees: the host unit all sites' (unitIds null), an invited
 * unit only its own (its voice and face, not the others'); null for anyone else. As in canView, the
 * units merged into the user's unit count as its own: their recordings are its history.
 */
export function recordingScope(user: User, meeting: MeetingAccess, mergedUnitIds: readonly string[] = []): { unitIds: string[] | null } | null {
	const own = [user.unit.id, ...mergedUnitIds];
	if (own.includes(meeting.hostUnitId)) {
		return { unitIds: null };
	}
	const invited = own.filter((unitId) => meeting.invitedUnitIds.includes(unitId));
	return invited.length > 0 ? { unitIds: invited } : null;
}

/** The host unit's secretaries (who write the minutes) and administrators correct the transcript. */
export function canCorrectTranscript(user: User, meeting: MeetingAccess): boolean {
	return user.unit.id === meeting.hostUnitId && (user.role === 'secretary' || user.role === 'admin');
}

/** The access facts of a meeting as the API describes it (revoked invitations do not count). */
export function accessOfDetail(meeting: { hostUnit: { id: string }; chair: { id: string } | null; invitations: { unitId: string; revoked: boolean }[] }): MeetingAccess {
	return { hostUnitId: meeting.hostUnit.id, chairId: meeting.chair?.id ?? null, invitedUnitIds: meeting.invitations.filter((i) => !i.revoked).map((i) => i.unitId) };
}
