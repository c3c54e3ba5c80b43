import type { Database } from '../../../db/open-database.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import type { DraftSource } from './build-minutes-draft.ts';

const UNIT = { id: true, name: true, authority: true } as const;

/**
 * Reads what the first draft of a meeting's minutes is made from. `secretary` is whoever creates
 * the draft: the minutes name them as the one who kept them.
 */
export async function loadDraftSource(db: Database, meetingId: string, secretary: { displayName: string }): Promise<DraftSource> {
	const meeting = await db.meeting.findUnique({
		where: { id: meetingId },
		select: {
			id: true,
			title: true,
			location: true,
			startsAt: true,
			endsAt: true,
			startedAt: true,
			endedAt: true,
			hostUnit: { select: { ...UNIT, parent: { select: UNIT }, children: { select: UNIT, orderBy: { id: 'asc' } } } },
			chair: { select: { displayName: true } },
			agendaItems: { orderBy: { position: 'asc' }, select: { id: true, title: true, presenter: true, durationMinutes: true } },
			invitations: { orderBy: { unitId: 'asc' }, select: { revokedAt: true, unit: { select: UNIT } } },
			attendance: { orderBy: [{ at: 'asc' }, { id: 'asc' }], select: { unitId: true, kind: true, reason: true, at: true } },
			transcriptSegments: {
				orderBy: [{ startMs: 'asc' }, { unitId: 'asc' }, { position: 'asc' }],
				select: { id: true, unitId: true, startMs: true, machineText: true, text: true, unit: { select: { name: true } } },
			},
		},
	});
	if (!meeting) {
		throw new NotFoundError(`No meeting ${meetingId}`);
	}
	const { parent, children, ...hostUnit } = meeting.hostUnit;
	return {
		meeting: {
			id: meeting.id,
			title: meeting.title,
			location: meeting.location,
			startsAt: meeting.startsAt.toISOString(),
			endsAt: meeting.endsAt.toISOString(),
			startedAt: meeting.startedAt?.toISOString() ?? null,
			endedAt: meeting.endedAt?.toISOString() ?? null,
		},
		hostUnit,
		parentUnit: parent,
		chairName: meeting.chair?.displayName ?? '',
		secretaryName: secretary.displayName,
		agenda: meeting.agendaItems,
		invited: meeting.invitations.map((i) => ({ ...i.unit, revoked: i.revokedAt !== null })),
		attendance: meeting.attendance.map((row) => ({ unitId: row.unitId, kind: row.kind === 'join' ? 'join' : 'leave', reason: row.reason, at: row.at.toISOString() })),
		transcript: meeting.transcriptSegments.map((s) => ({ id: s.id, unitId: s.unitId, unitName: s.unit.name, startMs: s.startMs, text: s.text ?? s.machineText })),
		otherUnits: children,
	};
}
