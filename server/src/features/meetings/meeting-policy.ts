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
