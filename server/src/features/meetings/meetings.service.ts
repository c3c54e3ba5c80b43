import { createHash, randomBytes } from 'node:crypto';
import type { MeetingActionCode } from '#shared/api/audit.ts';
import type { User } from '#shared/api/auth.ts';
import { isHostKind } from '#shared/api/units.ts';
import type {
	AttendanceEntry,
	JoinLink,
	MeetingActionEntry,
	MeetingDetail,
	MeetingInput,
	MeetingSummary,
	MeetingWithLinks,
	RollCallEntry,
} from '#shared/api/meetings.ts';
import { JOIN_MUTED_FROM_UNITS } from '#shared/api/meetings.ts';
import type { AccessEventBus } from '../../domain/access-events.ts';
import { ForbiddenError, InvalidPayloadError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import { toIcs, type IcsEvent } from './ics.ts';
import { buildRollCall } from './roll-call.ts';
import { canJoin, canManage, canModerate, canSchedule, canView, type MeetingAccess } from './meeting-policy.ts';
import type { MeetingRecord, MeetingsRepository } from './meetings.repository.ts';

/** A join link stays valid until a day after the planned end. */
const LINK_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Meetings are planned between these dates: far enough to cover archives typed in late and the
 * next term's schedule, close enough that a typo (year 20260) is caught rather than stored.
 */
const EARLIEST_MEETING = Date.UTC(2000, 0, 1);
const PLAN_AHEAD_MS = 5 * 366 * 24 * 60 * 60 * 1000;

/** The input as it will be stored: text trimmed, so that blank is blank whatever the spaces. */
function normalised(input: MeetingInput): MeetingInput {
	const trimmed = {
		...input,
		title: input.title.trim(),
		description: input.description.trim(),
		location: input.location.trim(),
		agenda: input.agenda.map((item) => ({ ...item, title: item.title.trim(), presenter: item.presenter.trim() })),
	};
	if (trimmed.title === '') {
		throw new InvalidPayloadError('title must not be blank', { reason: 'title_blank', field: 'title' });
	}
	const blank = trimmed.agenda.findIndex((item) => item.title === '');
	if (blank >= 0) {
		throw new InvalidPayloadError(`agenda/${blank}/title must not be blank`, { reason: 'title_blank', field: `agenda/${blank}/title` });
	}
	return trimmed;
}

export function hashJoinToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export function accessOf(meeting: Pick<MeetingRecord, 'hostUnit' | 'chair' | 'invitations'>): MeetingAccess {
	return {
		hostUnitId: meeting.hostUnit.id,
		chairId: meeting.chair?.id ?? null,
		invitedUnitIds: meeting.invitations.filter((i) => i.revokedAt === null).map((i) => i.unitId),
	};
}

function agendaText(agenda: { title: string; presenter: string }[]): string {
	return agenda.map((a, i) => `${i + 1}. ${a.title}${a.presenter ? ` (${a.presenter})` : ''}`).join('\n');
}

function toDetail(meeting: MeetingRecord, user: User): MeetingDetail {
	const access = accessOf(meeting);
	return {
		id: meeting.id,
		title: meeting.title,
		description: meeting.description,
		location: meeting.location,
		status: meeting.status,
		locked: meeting.locked,
		recordingEnabled: meeting.recordingEnabled,
		joinMuted: meeting.joinMuted,
		startsAt: meeting.startsAt.toISOString(),
		endsAt: meeting.endsAt.toISOString(),
		startedAt: meeting.startedAt?.toISOString() ?? null,
		endedAt: meeting.endedAt?.toISOString() ?? null,
		hostUnit: meeting.hostUnit,
		chair: meeting.chair,
		agenda: meeting.agendaItems,
		invitations: meeting.invitations.map((i) => ({ unitId: i.unitId, unitName: i.unit.name, revoked: i.revokedAt !== null })),
		attachments: meeting.attachments.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
		permissions: { manage: canManage(user, access), moderate: canModerate(user, access), join: canJoin(user, access) },
	};
}

export type MeetingsService = ReturnType<typeof createMeetingsService>;

export type MeetingsServiceOptions = {
	/** Where join links and calendar URLs point; see the HTTP layer for which origins are trusted. */
	publicUrl: () => string;
	/** Tells the live rooms about revoked links, uninvited units and cancelled meetings. */
	access?: AccessEventBus;
	/** The requester's network address, written to the action log. */
	address?: string;
	now?: () => Date;
};

export function createMeetingsService(repo: MeetingsRepository, options: MeetingsServiceOptions) {
	const { publicUrl, access, address = '' } = options;
	const now = options.now ?? ((): Date => new Date());
	async function load(id: string): Promise<MeetingRecord> {
		const meeting = await repo.findDetail(id);
		if (!meeting) {
			throw new NotFoundError(`No meeting ${id}`);
		}
		return meeting;
	}

	async function loadVisible(user: User, id: string): Promise<MeetingRecord> {
		const meeting = await load(id);
		if (!canView(user, accessOf(meeting), await repo.findMergedUnitIds(user.unit.id))) {
			// Same answer as a missing meeting: a commune learns nothing about meetings it is not in.
			throw new NotFoundError(`No meeting ${id}`);
		}
		return meeting;
	}

	async function loadManaged(user: User, id: string): Promise<MeetingRecord> {
		const meeting = await loadVisible(user, id);
		if (!canManage(user, accessOf(meeting))) {
			throw new ForbiddenError('Only an administrator of the host unit may change this meeting');
		}
		if (meeting.status === 'ended' || meeting.status === 'cancelled') {
			throw new InvalidStateError(`The meeting is ${meeting.status}`, { reason: meeting.status === 'ended' ? 'meeting_ended' : 'meeting_cancelled' });
		}
		return meeting;
	}

	async function validate(user: User, input: MeetingInput): Promise<{ startsAt: Date; endsAt: Date }> {
		const startsAt = new Date(input.startsAt);
		const endsAt = new Date(input.endsAt);
		const latest = now().getTime() + PLAN_AHEAD_MS;
		const outOfRange = (at: Date): boolean => at.getTime() < EARLIEST_MEETING || at.getTime() > latest;
		if (outOfRange(startsAt) || outOfRange(endsAt)) {
			throw new InvalidPayloadError('startsAt and endsAt must lie between the year 2000 and five years from now', {
				reason: 'date_out_of_range',
				field: outOfRange(startsAt) ? 'startsAt' : 'endsAt',
			});
		}
		if (!(endsAt > startsAt)) {
			throw new InvalidPayloadError('endsAt must be after startsAt', { reason: 'ends_before_start', field: 'endsAt' });
		}
		if (endsAt.getTime() - startsAt.getTime() > 24 * 60 * 60 * 1000) {
			throw new InvalidPayloadError('A meeting lasts at most 24 hours', { reason: 'meeting_too_long', field: 'endsAt' });
		}
		if (!(await repo.findChairCandidate(input.chairId, user.unit.id))) {
			// No reason: the form offers only the unit's chairs; one disabled meanwhile is a reload away.
			throw new InvalidPayloadError('chairId must be a chair of the host unit', { field: 'chairId' });
		}
		const invited = await repo.countChildUnits(user.unit.id, input.invitedUnitIds);
		if (invited.children !== input.invitedUnitIds.length) {
			throw new InvalidPayloadError('invitedUnitIds must be member units of the host unit', { field: 'invitedUnitIds' });
		}
		if (invited.active !== input.invitedUnitIds.length) {
			throw inactiveInvited();
		}
		return { startsAt, endsAt };
	}

	function inactiveInvited(): InvalidPayloadError {
		return new InvalidPayloadError('invitedUnitIds names an inactive unit', { reason: 'unit_inactive', field: 'invitedUnitIds' });
	}

	function newInvitation(unitId: string, endsAt: Date) {
		const token = randomBytes(24).toString('base64url');
		return { token, invitation: { unitId, tokenHash: hashJoinToken(token), expiresAt: new Date(endsAt.getTime() + LINK_GRACE_MS) } };
	}

	function icsEvent(m: {
		id: string;
		title: string;
		location: string;
		status: string;
		startsAt: Date;
		endsAt: Date;
		updatedAt: Date;
		agendaItems: { title: string; presenter: string }[];
	}): IcsEvent {
		return {
			uid: `${m.id}@giaoban`,
			title: m.title,
			description: agendaText(m.agendaItems),
			location: m.location,
			startsAt: m.startsAt,
			endsAt: m.endsAt,
			cancelled: m.status === 'cancelled',
			url: `${publicUrl()}/meetings/${m.id}`,
			updatedAt: m.updatedAt,
		};
	}

	function joinUrl(token: string): string {
		return `${publicUrl()}/join/${token}`;
	}

	/** Appends to the meeting's action log; the code is typed, so a misspelt one does not compile. */
	async function logAction(meetingId: string, actorId: string, action: MeetingActionCode, targetUnitId: string | null = null, detail = ''): Promise<void> {
		await repo.addAction(meetingId, { actorId, address, action, targetUnitId, detail, at: now() });
	}

	function linksOf(meeting: MeetingRecord, issued: { token: string; invitation: { unitId: string } }[]): JoinLink[] {
		const names = new Map(meeting.invitations.map((i) => [i.unitId, i.unit.name]));
		return issued.map(({ token, invitation }) => ({ unitId: invitation.unitId, unitName: names.get(invitation.unitId) ?? '', url: joinUrl(token) }));
	}

	return {
		logAction,

		async list(user: User, from: Date, to: Date): Promise<MeetingSummary[]> {
			const meetings = await repo.listForUnit([user.unit.id, ...(await repo.findMergedUnitIds(user.unit.id))], from, to);
			return meetings.map((m) => ({
				id: m.id,
				title: m.title,
				location: m.location,
				status: m.status,
				startsAt: m.startsAt.toISOString(),
				endsAt: m.endsAt.toISOString(),
				hostUnit: m.hostUnit,
				invitedCount: m._count.invitations,
			}));
		},

		async get(user: User, id: string): Promise<MeetingDetail> {
			return toDetail(await loadVisible(user, id), user);
		},

		async create(user: User, raw: MeetingInput): Promise<MeetingWithLinks> {
			// Any host level schedules (a province since July 2025, a district before); a member unit does not.
			if (!canSchedule(user, user.unit.id) || !isHostKind(user.unit.kind)) {
				throw new ForbiddenError('Only an administrator of a host unit schedules meetings');
			}
			const input = normalised(raw);
			const { startsAt, endsAt } = await validate(user, input);
			const invites = input.invitedUnitIds.map((unitId) => newInvitation(unitId, endsAt));
			const created = await repo.create({
				title: input.title,
				description: input.description,
				location: input.location,
				hostUnitId: user.unit.id,
				chairId: input.chairId,
				createdById: user.id,
				startsAt,
				endsAt,
				recordingEnabled: input.recordingEnabled ?? true,
				joinMuted: input.joinMuted ?? input.invitedUnitIds.length >= JOIN_MUTED_FROM_UNITS,
				agenda: input.agenda,
				invitations: invites.map((i) => i.invitation),
			});
			// Checked again in the write: a unit merged or deactivated since validate() is not invited.
			if (created === 'unit_inactive') {
				throw inactiveInvited();
			}
			const { id } = created;
			const meeting = await load(id);
			await logAction(id, user.id, 'meeting.created');
			return { meeting: toDetail(meeting, user), joinLinks: linksOf(meeting, invites) };
		},

		/**
		 * Replaces the meeting's details, agenda and invitations in one transaction (all or
		 * nothing, with its action-log lines). Units invited now, or invited again after being
		 * withdrawn, get a fresh link: a withdrawn link never works again. Units withdrawn leave the
		 * live room once the change is stored.
		 */
		async update(user: User, id: string, raw: MeetingInput): Promise<MeetingWithLinks> {
			const before = await loadManaged(user, id);
			const input = normalised(raw);
			const { startsAt, endsAt } = await validate(user, input);
			if (before.status === 'live' && input.chairId !== before.chair?.id) {
				// Chair rights are fixed when the chair's site joins; a new chair mid-meeting would make two.
				throw new InvalidStateError('The chair cannot change while the meeting is live', { reason: 'meeting_live', field: 'chairId' });
			}
			const recordingEnabled = input.recordingEnabled ?? before.recordingEnabled;
			if (before.status === 'live' && recordingEnabled !== before.recordingEnabled) {
				// The recorders follow the room from its start; the chair pauses and resumes instead.
				throw new InvalidStateError('Recording cannot be switched on or off once the meeting has started (the chair can pause it)', {
					reason: 'meeting_live',
					field: 'recordingEnabled',
				});
			}
			const active = new Set(before.invitations.filter((i) => i.revokedAt === null).map((i) => i.unitId));
			const wanted = new Set(input.invitedUnitIds);
			const issued = input.invitedUnitIds.filter((unitId) => !active.has(unitId)).map((unitId) => newInvitation(unitId, endsAt));
			const withdrawn = [...active].filter((unitId) => !wanted.has(unitId));
			const at = now();
			const actionLog = [
				{ actorId: user.id, address, action: 'meeting.updated' as const, targetUnitId: null, detail: '', at },
				...withdrawn.map((unitId) => ({ actorId: user.id, address, action: 'invitation.revoked' as const, targetUnitId: unitId, detail: '', at })),
			];
			const stored = await repo.replaceMeeting(id, {
				fields: {
					title: input.title,
					description: input.description,
					location: input.location,
					chairId: input.chairId,
					startsAt,
					endsAt,
					recordingEnabled,
					// While live the chair sets it in the room (chair:join-muted), which the room applies at once.
					joinMuted: before.status === 'live' ? before.joinMuted : (input.joinMuted ?? before.joinMuted),
				},
				agenda: input.agenda,
				invitedUnitIds: input.invitedUnitIds,
				issued: issued.map((i) => i.invitation),
				withdrawn,
				linksExpireAt: new Date(endsAt.getTime() + LINK_GRACE_MS),
				actions: actionLog,
				now: at,
			});
			if (stored === 'unit_inactive') {
				throw inactiveInvited();
			}
			if (stored === 'closed') {
				throw new InvalidStateError('The meeting ended or was cancelled meanwhile');
			}
			for (const unitId of withdrawn) {
				await access?.publish('invitation:revoked', { meetingId: id, unitId, reason: 'uninvited' });
			}
			if (issued.length > 0 || withdrawn.length > 0) {
				await access?.publish('invitations:changed', { meetingId: id });
			}
			const meeting = await load(id);
			return { meeting: toDetail(meeting, user), joinLinks: linksOf(meeting, issued) };
		},

		async cancel(user: User, id: string): Promise<MeetingDetail> {
			const meeting = await loadManaged(user, id);
			// Checked again in the write: the host may have opened the meeting meanwhile.
			if (meeting.status === 'live' || !(await repo.cancelUnlessLive(id))) {
				throw new InvalidStateError('The meeting is live; the chair ends it from the room', { reason: 'meeting_live' });
			}
			// Communes may already sit in the room, waiting for the host. Told even if the log line
			// fails: the cancellation is stored.
			try {
				await logAction(id, user.id, 'meeting.cancelled');
			} finally {
				await access?.publish('meeting:cancelled', { meetingId: id });
			}
			return toDetail(await load(id), user);
		},

		async renewJoinLink(user: User, id: string, unitId: string): Promise<JoinLink> {
			const meeting = await loadManaged(user, id);
			const invitation = meeting.invitations.find((i) => i.unitId === unitId && i.revokedAt === null);
			if (!invitation) {
				throw new NotFoundError(`Unit ${unitId} is not invited`);
			}
			const { token, invitation: fresh } = newInvitation(unitId, meeting.endsAt);
			if (!(await repo.renewInvitationToken(id, unitId, fresh.tokenHash, fresh.expiresAt))) {
				throw new NotFoundError(`Unit ${unitId} is not invited`);
			}
			try {
				await logAction(id, user.id, 'invitation.renewed', unitId);
			} finally {
				await access?.publish('invitation:revoked', { meetingId: id, unitId, reason: 'renewed' });
			}
			return { unitId, unitName: invitation.unit.name, url: joinUrl(token) };
		},

		async attendance(user: User, id: string): Promise<AttendanceEntry[]> {
			await loadVisible(user, id);
			const rows = await repo.listAttendance(id);
			return rows.map((r) => ({ unitId: r.unitId, unitName: r.unit.name, kind: r.kind, reason: r.reason, at: r.at.toISOString() }));
		},

		async rollCall(user: User, id: string): Promise<RollCallEntry[]> {
			const meeting = await loadVisible(user, id);
			const rows = await repo.listAttendance(id);
			return buildRollCall(meeting, rows, now());
		},

		async actions(user: User, id: string): Promise<MeetingActionEntry[]> {
			const meeting = await loadVisible(user, id);
			if (user.unit.id !== meeting.hostUnit.id) {
				throw new ForbiddenError('The action log is for the host unit');
			}
			const rows = await repo.listActions(id);
			return rows.map((r) => ({ action: r.action, actor: r.actor?.displayName ?? null, targetUnitId: r.targetUnitId, detail: r.detail, address: r.address, at: r.at.toISOString() }));
		},

		async meetingIcs(user: User, id: string): Promise<string> {
			const meeting = await loadVisible(user, id);
			return toIcs(meeting.title, [icsEvent({ ...meeting, updatedAt: now() })]);
		},

		async unitIcs(user: User, from: Date, to: Date): Promise<string> {
			const meetings = await repo.listForUnit([user.unit.id, ...(await repo.findMergedUnitIds(user.unit.id))], from, to);
			const events = meetings.map((m) => icsEvent(m));
			return toIcs(`GiaoBan – ${user.unit.name}`, events);
		},
	};
}
