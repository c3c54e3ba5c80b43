import { MINUTES_SCHEMA_VERSION, type AttendanceLine, type MinutesAgendaItem, type MinutesContent, type MinutesRecipient, type MinutesTask, type RichNode } from '#shared/api/minutes.ts';
import { paragraph, richDoc } from '#shared/minutes/rich-text.ts';
import { AttendanceLedger } from '../../../domain/attendance-ledger.ts';
import { agendaIndexAt, contributionParagraphs, linesPerItem, type SpokenLine } from './contributions.ts';
import { proposeFromTranscript, type UnitRef } from './transcript-proposals.ts';
import { bodyName, inSentence, leadershipLine, minutesSymbol, placeOf } from './unit-labels.ts';
import { vietnamDate } from '#shared/time/vietnam-time.ts';
import { lowerFirstWord, squash } from './vietnamese-text.ts';

export type DraftUnit = { id: string; name: string; authority: string };

/** Everything the first draft is made from, read from the database by loadDraftSource. Instants are ISO strings. */
export type DraftSource = {
	meeting: {
		id: string;
		title: string;
		location: string;
		startsAt: string;
		endsAt: string;
		startedAt: string | null;
		endedAt: string | null;
	};
	hostUnit: DraftUnit;
	/** The host's parent (cơ quan chủ quản), or null at the top. */
	parentUnit: DraftUnit | null;
	/** The meeting's chair, "" when none is set. */
	chairName: string;
	/** Whoever creates the draft keeps the minutes. */
	secretaryName: string;
	/** In agenda order. */
	agenda: { id: string; title: string; presenter: string; durationMinutes: number }[];
	/** Invited units; a withdrawn invitation counts only if the unit attended. */
	invited: (DraftUnit & { revoked: boolean })[];
	/** The join/leave record in time order. */
	attendance: { unitId: string; kind: 'join' | 'leave'; reason: string; at: string }[];
	/** Transcript lines with their effective text (the correction, else the machine's). */
	transcript: SpokenLine[];
	/** Further units a task may be given to (the units under the host). */
	otherUnits: DraftUnit[];
};

/** The "Lưu:" line: the clerical office and the meeting's file. */
export const MINUTES_ARCHIVE = 'VT, Hồ sơ';

const collator = new Intl.Collator('vi');

/**
 * Units in alphabetical order of their place names, as lists in minutes go ("Bạch Lưu, Đồng Thịnh,
 * Tam Sơn"), not of their level words, which would put every "Thị trấn" before every "Xã".
 */
function byPlace(a: DraftUnit, b: DraftUnit): number {
	return collator.compare(placeOf(a.name), placeOf(b.name)) || collator.compare(a.name, b.name) || a.id.localeCompare(b.id);
}

function withStop(text: string): string {
	return /[.!?…]$/u.test(text) ? text : `${text}.`;
}

function attendanceLines(source: DraftSource): AttendanceLine[] {
	const rows = source.attendance.map((row) => ({ unitId: row.unitId, kind: row.kind, reason: row.reason, at: new Date(row.at) })).sort((a, b) => a.at.getTime() - b.at.getTime());
	const ledger = AttendanceLedger.from(rows);
	const lastEvent = rows.at(-1)?.at;
	const until = source.meeting.endedAt ? new Date(source.meeting.endedAt) : (lastEvent ?? new Date(source.meeting.startedAt ?? source.meeting.startsAt));
	const invited = source.invited.filter((unit) => !unit.revoked || ledger.get(unit.id)?.firstJoinedAt).sort(byPlace);
	return [source.hostUnit, ...invited].map((unit) => {
		const record = ledger.get(unit.id);
		const drops = record?.disconnections ?? 0;
		return {
			id: unit.id,
			unitId: unit.id,
			unitName: unit.name,
			present: Boolean(record?.firstJoinedAt),
			firstJoinAt: record?.firstJoinedAt?.toISOString() ?? '',
			lastLeaveAt: record?.lastLeftAt?.toISOString() ?? '',
			minutesAttended: Math.round(ledger.attendedMs(unit.id, until) / 60_000),
			note: drops > 0 ? `Mất kết nối ${drops} lần` : '',
		};
	});
}

/** "Trực tuyến đến 4 điểm cầu: xã Bạch Lưu, xã Cao Phong, …" — the invited sites that joined. */
function onlinePoints(attendance: readonly AttendanceLine[], hostUnitId: string): string {
	const joined = attendance.filter((line) => line.unitId !== hostUnitId && line.present);
	return joined.length === 0 ? '' : `Trực tuyến đến ${joined.length} điểm cầu: ${joined.map((line) => inSentence(line.unitName)).join(', ')}.`;
}

function otherParticipants(agenda: DraftSource['agenda']): string {
	const presenters = [...new Set(agenda.map((item) => squash(item.presenter)).filter((p) => p !== ''))];
	return presenters.length === 0 ? '' : `Đại diện các cơ quan, đơn vị trình bày báo cáo: ${presenters.join('; ')}.`;
}

function agendaItems(source: DraftSource, startedAt: string): MinutesAgendaItem[] {
	const planned = source.agenda.length > 0 ? source.agenda : [{ id: `${source.meeting.id}:noi-dung`, title: 'Nội dung cuộc họp', presenter: '', durationMinutes: 0 }];
	const perItem = linesPerItem(
		planned.map((item) => item.durationMinutes),
		source.transcript
	);
	return planned.map((item, index) => {
		const title = squash(item.title);
		const presenter = squash(item.presenter);
		const blocks: RichNode[] = [];
		if (presenter !== '' && title !== '') {
			blocks.push(paragraph(`${presenter} trình bày ${lowerFirstWord(title.replace(/[.\s]+$/u, ''))}.`, { machine: true }));
		}
		blocks.push(...contributionParagraphs(perItem[index] ?? [], startedAt));
		return { id: item.id, title, presenter, content: richDoc(blocks) };
	});
}

function recipients(source: DraftSource): MinutesRecipient[] {
	const invited = source.invited.filter((unit) => !unit.revoked).sort(byPlace);
	return [{ id: `${source.hostUnit.id}:lanh-dao`, unitId: source.hostUnit.id, name: leadershipLine(source.hostUnit) }, ...invited.map((unit) => ({ id: unit.id, unitId: unit.id, name: bodyName(unit) }))];
}

/**
 * The first draft of the minutes of a meeting: header from the host unit, session from the
 * meeting, attendance from the join/leave record, per agenda item who presented and what each
 * site said, and the conclusions and tasks proposed from the transcript — machine-made parts
 * marked as such. Pure and deterministic: the same source gives the same JSON (ids come from the
 * source, nothing from the clock or chance), so regenerating is reproducible and testable.
 */
export function buildMinutesDraft(source: DraftSource): MinutesContent {
	const startedAt = source.meeting.startedAt ?? source.meeting.startsAt;
	const meetingDate = vietnamDate(startedAt);
	const attendance = attendanceLines(source);
	const agenda = agendaItems(source, startedAt);

	const units = new Map<string, UnitRef>();
	for (const unit of [source.hostUnit, ...source.invited, ...source.otherUnits]) {
		units.set(unit.id, { id: unit.id, name: unit.name, authority: unit.authority });
	}
	const proposals = proposeFromTranscript(source.transcript, { meetingDate, units: [...units.values()], hostUnitId: source.hostUnit.id });
	const durations = agenda.map((item) => source.agenda.find((a) => a.id === item.id)?.durationMinutes ?? 0);
	const perSegment = new Map<string, number>();
	const tasks: MinutesTask[] = proposals.tasks.map((task) => {
		const n = (perSegment.get(task.segmentId) ?? 0) + 1;
		perSegment.set(task.segmentId, n);
		return {
			id: `${task.segmentId}:${n}`,
			unitId: task.unitId,
			unitName: task.unitName,
			text: task.text,
			deadline: task.deadline,
			agendaItemId: agenda[agendaIndexAt(durations, task.startMs)]?.id ?? '',
			sourceSegmentId: task.segmentId,
			machine: true,
		};
	});
	const conclusions = richDoc(proposals.conclusions.map((c) => paragraph(withStop(c.text), { machine: true, segmentId: c.segmentId })));

	return {
		schemaVersion: MINUTES_SCHEMA_VERSION,
		header: {
			parentBody: source.parentUnit?.authority.normalize('NFC').trim() ?? '',
			issuingBody: source.hostUnit.authority.normalize('NFC').trim(),
			symbol: minutesSymbol(source.hostUnit.authority),
			place: placeOf(source.hostUnit.name),
			date: meetingDate,
			summary: squash(source.meeting.title),
		},
		session: {
			startedAt: new Date(startedAt).toISOString(),
			endedAt: source.meeting.endedAt ? new Date(source.meeting.endedAt).toISOString() : '',
			location: squash(source.meeting.location),
			onlinePoints: onlinePoints(attendance, source.hostUnit.id),
			chair: { name: squash(source.chairName), title: '' },
			secretary: { name: squash(source.secretaryName), title: '' },
			otherParticipants: otherParticipants(source.agenda),
		},
		attendance,
		agenda,
		conclusions,
		tasks,
		signers: [
			{ role: 'secretary', title: 'THƯ KÝ', name: squash(source.secretaryName) },
			{ role: 'chair', title: 'CHỦ TỌA', name: squash(source.chairName) },
		],
		recipients: recipients(source),
		archive: MINUTES_ARCHIVE,
	};
}
