import { createHash, randomBytes } from 'node:crypto';
import type { MeetingActionCode } from '#shared/api/audit.ts';
import type { User } from '#shared/api/auth.ts';
import type {
	AttendanceEntry,
	JoinLink,
	MeetingActionEntry,
	MeetingDetail,
	MeetingInput,
	MeetingSummary,
	MeetingWithLinks,
} from '#shared/api/meetings.ts';
import { ForbiddenError, InvalidPayloadError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import { toIcs, type IcsEvent } from './ics.ts';
import { canJoin, canManage, canModerate, canSchedule, canView, type MeetingAccess } from './meeting-policy.ts';
import type { MeetingRecord, MeetingsRepository } from './meetings.repository.ts';

/** A join link stays valid until a day after the planned end. */
const LINK_GRACE_MS = 24 * 60 * 60 * 1000;

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

export function createMeetingsService(repo: MeetingsRepository, publicUrl: () => string, now: () => Date = () => new Date()) {
	async function load(id: string): Promise<MeetingRecord> {
		const meeting = await repo.findDetail(id);
		if (!meeting) {
			throw new NotFoundError(`No meeting ${id}`);
		}
		return meeting;
	}

	async function loadVisible(user: User, id: string): Promise<MeetingRecord> {
		const meeting = await load(id);
		if (!canView(user, accessOf(meeting))) {
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
			throw new InvalidStateError(`The meeting is ${meeting.status}`);
		}
		return meeting;
	}

	async function validate(user: User, input: MeetingInput): Promise<{ startsAt: Date; endsAt: Date }> {
		const startsAt = new Date(input.startsAt);
		const endsAt = new Date(input.endsAt);
		if (!(endsAt > startsAt)) {
			throw new InvalidPayloadError('endsAt must be after startsAt');
		}
		if (endsAt.getTime() - startsAt.getTime() > 24 * 60 * 60 * 1000) {
			throw new InvalidPayloadError('A meeting lasts at most 24 hours');
		}
		if (!(await repo.findChairCandidate(input.chairId, user.unit.id))) {
			throw new InvalidPayloadError('chairId must be a chair of the host unit');
		}
		if ((await repo.countChildUnits(user.unit.id, input.invitedUnitIds)) !== input.invitedUnitIds.length) {
			throw new InvalidPayloadError('invitedUnitIds must be communes or towns of the host district');
		}
		return { startsAt, endsAt };
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
		await repo.addAction(meetingId, actorId, action, targetUnitId, detail, now());
	}

	return {
		logAction,

		async list(user: User, from: Date, to: Date): Promise<MeetingSummary[]> {
			const meetings = await repo.listForUnit(user.unit.id, from, to);
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

		async create(user: User, input: MeetingInput): Promise<MeetingWithLinks> {
			if (!canSchedule(user, user.unit.id) || user.unit.kind !== 'district') {
				throw new ForbiddenError('Only a district administrator schedules meetings');
			}
			const { startsAt, endsAt } = await validate(user, input);
			const invites = input.invitedUnitIds.map((unitId) => newInvitation(unitId, endsAt));
			const id = await repo.create({
				title: input.title.trim(),
				description: input.description,
				location: input.location,
				hostUnitId: user.unit.id,
				chairId: input.chairId,
				createdById: user.id,
				startsAt,
				endsAt,
				agenda: input.agenda,
				invitations: invites.map((i) => i.invitation),
			});
			const meeting = await load(id);
			await logAction(id, user.id, 'meeting.created');
			const names = new Map(meeting.invitations.map((i) => [i.unitId, i.unit.name]));
			return {
				meeting: toDetail(meeting, user),
				joinLinks: invites.map(({ token, invitation }) => ({ unitId: invitation.unitId, unitName: names.get(invitation.unitId) ?? '', url: joinUrl(token) })),
			};
		},

		async update(user: User, id: string, input: MeetingInput): Promise<MeetingWithLinks> {
			const before = await loadManaged(user, id);
			const { startsAt, endsAt } = await validate(user, input);
			const known = new Set(before.invitations.map((i) => i.unitId));
			const fresh = input.invitedUnitIds.filter((unitId) => !known.has(unitId)).map((unitId) => newInvitation(unitId, endsAt));
			await repo.update(id, { title: input.title.trim(), description: input.description, location: input.location, chairId: input.chairId, startsAt, endsAt });
			await repo.replaceAgenda(id, input.agenda);
			await repo.setInvitations(id, input.invitedUnitIds, fresh.map((f) => f.invitation), now());
			await logAction(id, user.id, 'meeting.updated');
			const meeting = await load(id);
			const names = new Map(meeting.invitations.map((i) => [i.unitId, i.unit.name]));
			return {
				meeting: toDetail(meeting, user),
				joinLinks: fresh.map(({ token, invitation }) => ({ unitId: invitation.unitId, unitName: names.get(invitation.unitId) ?? '', url: joinUrl(token) })),
			};
		},

		async cancel(user: User, id: string): Promise<MeetingDetail> {
			const meeting = await loadManaged(user, id);
			// Checked again in the write: the host may have opened the meeting meanwhile.
			if (meeting.status === 'live' || !(await repo.cancelUnlessLive(id))) {
				throw new InvalidStateError('The meeting is live; the chair ends it from the room');
			}
			await logAction(id, user.id, 'meeting.cancelled');
			return toDetail(await load(id), user);
		},

		async renewJoinLink(user: User, id: string, unitId: string): Promise<JoinLink> {
			const meeting = await loadManaged(user, id);
			const invitation = meeting.invitations.find((i) => i.unitId === unitId && i.revokedAt === null);
			if (!invitation) {
				throw new NotFoundError(`Unit ${unitId} is not invited`);
			}
			const { token, invitation: fresh } = newInvitation(unitId, meeting.endsAt);
			await repo.renewInvitationToken(id, unitId, fresh.tokenHash, fresh.expiresAt);
			await logAction(id, user.id, 'invitation.renewed', unitId);
			return { unitId, unitName: invitation.unit.name, url: joinUrl(token) };
		},

		async attendance(user: User, id: string): Promise<AttendanceEntry[]> {
			await loadVisible(user, id);
			const rows = await repo.listAttendance(id);
			return rows.map((r) => ({ unitId: r.unitId, unitName: r.unit.name, kind: r.kind, reason: r.reason, at: r.at.toISOString() }));
		},

		async actions(user: User, id: string): Promise<MeetingActionEntry[]> {
			const meeting = await loadVisible(user, id);
			if (user.unit.id !== meeting.hostUnit.id) {
				throw new ForbiddenError('The action log is for the host unit');
			}
			const rows = await repo.listActions(id);
			return rows.map((r) => ({ action: r.action, actor: r.actor?.displayName ?? null, targetUnitId: r.targetUnitId, detail: r.detail, at: r.at.toISOString() }));
		},

		async meetingIcs(user: User, id: string): Promise<string> {
			const meeting = await loadVisible(user, id);
			return toIcs(meeting.title, [icsEvent({ ...meeting, updatedAt: now() })]);
		},

		async unitIcs(user: User, from: Date, to: Date): Promise<string> {
			const meetings = await repo.listForUnit(user.unit.id, from, to);
			const events = meetings.map((m) => icsEvent(m));
			return toIcs(`GiaoBan – ${user.unit.name}`, events);
		},
	};
}
