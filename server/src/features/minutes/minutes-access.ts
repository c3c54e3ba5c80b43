import type { User } from '#shared/api/auth.ts';
import type { MinutesStatus } from '#shared/api/minutes.ts';

/** What decides who may do what with one meeting's minutes. */
export type MinutesFacts = { hostUnitId: string; chairId: string | null; status: MinutesStatus; invitedUnitIds: readonly string[] };

function ofHost(user: User, facts: MinutesFacts): boolean {
	return user.unit.id === facts.hostUnitId;
}

/**
 * The working minutes (draft to signed) are the host unit's internal paper: everyone there reads
 * them; communes read the issued document addressed to them in the document store, not the draft.
 */
export function canReadMinutes(user: User, facts: MinutesFacts): boolean {
	return ofHost(user, facts);
}

/**
 * An invited unit knows the meeting and that it has minutes, so it is told no (403) rather than
 * "not found"; anyone else learns nothing (404).
 */
export function knowsMinutes(user: User, facts: MinutesFacts): boolean {
	return ofHost(user, facts) || facts.invitedUnitIds.includes(user.unit.id);
}

/** The host unit's secretaries (and administrators, who stand in for them) write the minutes. */
export function isMinutesWriter(user: User, facts: MinutesFacts): boolean {
	return ofHost(user, facts) && (user.role === 'secretary' || user.role === 'admin');
}

export function canEditMinutes(user: User, facts: MinutesFacts): boolean {
	return facts.status === 'draft' && isMinutesWriter(user, facts);
}

/**
 * The meeting's chair approves; when the meeting has no chair named (or the named one left the
 * role), any chair of the host unit does. A chair account moved to another unit loses the right.
 */
export function isMinutesApprover(user: User, facts: MinutesFacts): boolean {
	if (!ofHost(user, facts) || user.role !== 'chair') {
		return false;
	}
	return facts.chairId === null || facts.chairId === user.id;
}

export function canApproveMinutes(user: User, facts: MinutesFacts): boolean {
	return facts.status === 'submitted' && isMinutesApprover(user, facts);
}

/** The approver signs on the server with the unit's certificate. */
export function canSignMinutes(user: User, facts: MinutesFacts): boolean {
	return facts.status === 'approved' && isMinutesApprover(user, facts);
}

/**
 * A file signed elsewhere (the chair's USB token on the secretary's PC) is brought back by the
 * chair or by a secretary carrying it; the file itself proves the signature.
 */
export function canUploadSignedMinutes(user: User, facts: MinutesFacts): boolean {
	return facts.status === 'approved' && (isMinutesApprover(user, facts) || isMinutesWriter(user, facts));
}

/** The office (văn thư: a secretary or administrator of the host unit) numbers and files it. */
export function canIssueMinutes(user: User, facts: MinutesFacts): boolean {
	return facts.status === 'signed' && isMinutesWriter(user, facts);
}

/** The actions a user has on minutes now, for the client to show the right buttons. */
export function minutesAbilities(user: User, facts: MinutesFacts) {
	return {
		canEdit: canEditMinutes(user, facts),
		canSubmit: canEditMinutes(user, facts),
		canApprove: canApproveMinutes(user, facts),
		canReturn: canApproveMinutes(user, facts),
		canSign: canSignMinutes(user, facts),
		canUploadSigned: canUploadSignedMinutes(user, facts),
		canIssue: canIssueMinutes(user, facts),
		canRestore: canEditMinutes(user, facts),
	};
}
