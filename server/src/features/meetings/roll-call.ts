import type { RollCallEntry } from '#shared/api/meetings.ts';
import { AttendanceLedger, type AttendanceRow } from '../../domain/attendance-ledger.ts';

type MeetingUnits = {
	hostUnit: { id: string; name: string };
	invitations: { unitId: string; revokedAt: Date | null; unit: { name: string } }[];
	endedAt: Date | null;
};

/**
 * The roll call of a meeting, per unit: the host unit, then the invited ones by name. A unit
 * withdrawn from the meeting is listed only if it attended. Attendance still open counts up to
 * the meeting's end, or up to `now` while it is live.
 */
export function buildRollCall(meeting: MeetingUnits, rows: readonly AttendanceRow[], now: Date): RollCallEntry[] {
	const ledger = AttendanceLedger.from(rows);
	const until = meeting.endedAt ?? now;
	const collator = new Intl.Collator('vi');
	const members = meeting.invitations
		.filter((i) => i.revokedAt === null || ledger.get(i.unitId)?.firstJoinedAt)
		.map((i) => ({ unitId: i.unitId, unitName: i.unit.name, host: false }))
		.sort((a, b) => collator.compare(a.unitName, b.unitName));
	return [{ unitId: meeting.hostUnit.id, unitName: meeting.hostUnit.name, host: true }, ...members].map((unit) => {
		const record = ledger.get(unit.unitId);
		return {
			...unit,
			present: Boolean(record?.firstJoinedAt),
			firstJoinedAt: record?.firstJoinedAt?.toISOString() ?? null,
			lastLeftAt: record?.lastLeftAt?.toISOString() ?? null,
			attendedMinutes: Math.round(ledger.attendedMs(unit.unitId, until) / 60_000),
			disconnections: record?.disconnections ?? 0,
		};
	});
}

/** A spreadsheet cell: quoted, and a leading =, +, - or @ neutralised so Excel does not run it as a formula. */
function csvCell(value: string | number): string {
	const text = String(value);
	const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
	return `"${safe.replaceAll('"', '""')}"`;
}

/** All of Vietnam keeps one time, whatever zone the server's clock is set to. */
export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Times as office staff write them: "13:33 03/12/2026". */
function csvTime(iso: string | null, timeZone: string): string {
	if (!iso) {
		return '';
	}
	const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(iso));
	const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
	return `${get('hour')}:${get('minute')} ${get('day')}/${get('month')}/${get('year')}`;
}

/**
 * The roll call as CSV for Excel and LibreOffice: UTF-8 with a BOM (without it Excel shows
 * Vietnamese as mojibake), CRLF line ends, Vietnamese headers.
 */
export function rollCallCsv(entries: readonly RollCallEntry[], timeZone = VIETNAM_TIME_ZONE): string {
	const header = ['Đơn vị', 'Điểm cầu chính', 'Có mặt', 'Vào lúc', 'Rời lúc', 'Số phút tham dự', 'Số lần mất kết nối'];
	const lines = entries.map((e) =>
		[e.unitName, e.host ? 'x' : '', e.present ? 'Có mặt' : 'Vắng', csvTime(e.firstJoinedAt, timeZone), csvTime(e.lastLeftAt, timeZone), e.attendedMinutes, e.disconnections]
			.map(csvCell)
			.join(',')
	);
	return `\uFEFF${[header.map(csvCell).join(','), ...lines].join('\r\n')}\r\n`;
}
