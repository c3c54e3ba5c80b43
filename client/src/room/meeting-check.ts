import { useEffect, useMemo, useState } from 'react';
import type { User } from '#shared/api/auth.ts';
import type { JoinLinkCard } from '#shared/api/join-link.ts';
import type { MeetingDetail } from '#shared/api/meetings.ts';
import { api, ApiError } from '../api/http.ts';
import type { JoinTarget } from './room-client.ts';

/** What the pre-join, waiting and end screens show about the meeting being joined. */
export type MeetingInfo = {
	meetingId: string;
	title: string;
	startsAt: string;
	endsAt: string;
	location: string;
	status: 'scheduled' | 'live';
	hostUnitName: string;
	chairName: string | null;
	/** Who the room will show this site as: the unit (link), or the person and their unit (signed in). */
	joinAs: { name: string; unit: string | null };
	/** Whether the meeting page (documents, agenda) is open to this user; never for link users. */
	canViewPage: boolean;
};

export type MeetingCheck = { status: 'checking' } | { status: 'refused'; error: unknown } | { status: 'ready'; info: MeetingInfo };

/** The same error the server gives for a join link to a meeting in that state, for a signed-in user's meeting. */
function closedMeeting(status: 'ended' | 'cancelled'): ApiError {
	return new ApiError('invalid_state', `The meeting is ${status}`, 409, { reason: status === 'ended' ? 'meeting_ended' : 'meeting_cancelled' });
}

type Checked = { kind: 'link'; card: JoinLinkCard } | { kind: 'meeting'; meeting: MeetingDetail };

async function check(target: JoinTarget): Promise<Checked> {
	if ('invitationToken' in target) {
		return { kind: 'link', card: await api<JoinLinkCard>('GET', `/api/join/${encodeURIComponent(target.invitationToken)}`) };
	}
	const meeting = await api<MeetingDetail>('GET', `/api/meetings/${encodeURIComponent(target.meetingId)}`);
	if (meeting.status === 'ended' || meeting.status === 'cancelled') {
		throw closedMeeting(meeting.status);
	}
	if (!meeting.permissions.join) {
		throw new ApiError('forbidden', 'Your role cannot join this meeting as a site', 403, { reason: 'role_cannot_join' });
	}
	return { kind: 'meeting', meeting };
}

function infoOf(checked: Checked, user: User | null): MeetingInfo {
	if (checked.kind === 'link') {
		const { card } = checked;
		return {
			...card,
			joinAs: { name: card.unit.name, unit: null },
			// A signed-in person of the invited unit may open the meeting page; the link alone opens only the room.
			canViewPage: user?.unit.id === card.unit.id,
		};
	}
	const { meeting } = checked;
	return {
		meetingId: meeting.id,
		title: meeting.title,
		startsAt: meeting.startsAt,
		endsAt: meeting.endsAt,
		location: meeting.location,
		status: meeting.status === 'live' ? 'live' : 'scheduled',
		hostUnitName: meeting.hostUnit.name,
		chairName: meeting.chair?.displayName ?? null,
		joinAs: user ? { name: user.displayName, unit: user.unit.name } : { name: '', unit: null },
		canViewPage: true,
	};
}

/**
 * Checks the link (or, signed in, the meeting) before anything else, and again for every `round`
 * (a new join from the end screen): a dead link or an ended meeting is explained before the
 * camera is asked for. The session arriving later changes only what is shown ("you join as",
 * the meeting page), never the check: a room already entered stays.
 */
export function useMeetingCheck(target: JoinTarget, user: User | null, round: number): MeetingCheck {
	const [result, setResult] = useState<{ status: 'checking' } | { status: 'refused'; error: unknown } | { status: 'ready'; checked: Checked }>({ status: 'checking' });
	const targetKey = JSON.stringify(target);
	useEffect(() => {
		let cancelled = false;
		setResult({ status: 'checking' });
		check(JSON.parse(targetKey) as JoinTarget).then(
			(checked) => !cancelled && setResult({ status: 'ready', checked }),
			(error: unknown) => !cancelled && setResult({ status: 'refused', error })
		);
		return () => {
			cancelled = true;
		};
	}, [targetKey, round]);
	return useMemo(() => (result.status === 'ready' ? { status: 'ready', info: infoOf(result.checked, user) } : result), [result, user]);
}
