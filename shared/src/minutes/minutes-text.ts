import { VIETNAM_OFFSET_MS } from '../time/vietnam-time.ts';
import type { AttendanceLine, MinutesContent, MinutesPerson, MinutesSigner, RichNode } from '../api/minutes.ts';
import { richPlainText } from './rich-text.ts';

/**
 * The words of the printed minutes (Decree 30/2020/NĐ-CP, Appendix I; Mẫu 1.9), decided once
 * from MinutesContent. The HTML/PDF renderer, the DOCX renderer and the search text all read
 * these parts, so the three say the same thing in the same order; only the layout differs.
 */

export const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const NATIONAL_MOTTO = 'Độc lập - Tự do - Hạnh phúc';
export const MINUTES_TITLE = 'BIÊN BẢN';

/** A labelled line of the body: the label is bold in print ("Địa điểm: …"). */
export type MinutesLabelled = { label: string; text: string };

export type MinutesSignatureBlock = { title: string; name: string };

export type MinutesParts = {
	parentBody: string;
	issuingBody: string;
	/** "Số: 12/BB-UBND", or the number left blank (non-breaking spaces) until issuance. */
	numberLine: string;
	nationalTitle: string;
	nationalMotto: string;
	/** "Sông Lô, ngày 03 tháng 12 năm 2026". */
	placeDate: string;
	title: string;
	summary: string;
	/** Time, place, chair, secretary. */
	session: MinutesLabelled[];
	participants: { label: string; text: string; columns: string[]; rows: string[][]; summary: string };
	content: { label: string; items: { heading: string; presenter: string; body: RichNode }[] };
	conclusions: { label: string; body: RichNode };
	tasks: { label: string; columns: string[]; rows: string[][] };
	/** "Cuộc họp kết thúc vào lúc 10 giờ 45 phút cùng ngày./." */
	closing: string;
	/** THƯ KÝ on the left, CHỦ TỌA on the right (Mẫu 1.9). */
	signatures: { left: MinutesSignatureBlock; right: MinutesSignatureBlock };
	recipients: { label: string; lines: string[] };
};

const BLANK_NUMBER = '\u00a0'.repeat(7);

const two = (value: number) => String(value).padStart(2, '0');

/** Vietnam has been UTC+7 all year since 1975: fixed arithmetic, whatever the server's TZ. */
function vietnamParts(instant: string): { year: number; month: number; day: number; hour: number; minute: number } | null {
	const ms = Date.parse(instant);
	if (instant === '' || Number.isNaN(ms)) {
		return null;
	}
	const local = new Date(ms + VIETNAM_OFFSET_MS);
	return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes() };
}

function calendarParts(date: string): { year: number; month: number; day: number } | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	return match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : null;
}

/** "ngày 03 tháng 12 năm 2026": days below 10 and months 1–2 get a leading 0 (Decree 30). */
function longDate(parts: { year: number; month: number; day: number } | null): string {
	if (!parts) {
		return 'ngày ..... tháng ..... năm ........';
	}
	const month = parts.month <= 2 ? two(parts.month) : String(parts.month);
	return `ngày ${two(parts.day)} tháng ${month} năm ${parts.year}`;
}

/** "15/12/2026" for a deadline. */
export function shortDate(date: string): string {
	const parts = calendarParts(date);
	return parts ? `${two(parts.day)}/${two(parts.month)}/${parts.year}` : '';
}

/** "08:05" in Vietnam time, "" when unknown. */
export function clockTime(instant: string): string {
	const parts = vietnamParts(instant);
	return parts ? `${two(parts.hour)}:${two(parts.minute)}` : '';
}

function clean(text: string): string {
	return text.normalize('NFC').trim();
}

function person(value: MinutesPerson): string {
	const name = clean(value.name);
	const title = clean(value.title);
	return name && title ? `${name}, ${title}` : name || title;
}

/** Ends a sentence once: "…; trực tuyến đến 14 điểm cầu" → "….", leaves "…!" alone. */
function sentence(text: string): string {
	const value = clean(text);
	return value === '' || /[.!?…:;]$/.test(value) ? value : `${value}.`;
}

function attendanceRow(line: AttendanceLine, index: number): string[] {
	return [
		String(index + 1),
		clean(line.unitName),
		line.present ? 'Có mặt' : 'Vắng',
		line.present ? clockTime(line.firstJoinAt) : '',
		line.present ? clockTime(line.lastLeaveAt) : '',
		clean(line.note),
	];
}

function signatureBlock(signers: readonly MinutesSigner[], role: MinutesSigner['role'], fallbackTitle: string): MinutesSignatureBlock {
	const signer = signers.find((item) => item.role === role);
	return { title: clean(signer?.title ?? '').toLocaleUpperCase('vi') || fallbackTitle, name: clean(signer?.name ?? '') };
}

function closingLine(content: MinutesContent): string {
	const start = vietnamParts(content.session.startedAt);
	const end = vietnamParts(content.session.endedAt);
	if (!end) {
		return 'Cuộc họp kết thúc vào lúc ..... giờ ..... phút, ngày ..... tháng ..... năm ......../.';
	}
	const when = `${two(end.hour)} giờ ${two(end.minute)} phút`;
	const sameDay = start !== null && start.year === end.year && start.month === end.month && start.day === end.day;
	return `Cuộc họp kết thúc vào lúc ${when}${sameDay ? ' cùng ngày' : `, ${longDate(end)}`}./.`;
}

/** Every part of the printed minutes, in print order. `reference` is "12/BB-UBND" once issued. */
export function minutesParts(content: MinutesContent, reference: string | null = null): MinutesParts {
	const { header, session } = content;
	const symbol = clean(header.symbol);
	const start = vietnamParts(session.startedAt);
	const place = [clean(session.location), clean(session.onlinePoints)].filter((part) => part !== '').join('; ');
	const present = content.attendance.filter((line) => line.present).length;
	const absent = content.attendance.filter((line) => !line.present).map((line) => clean(line.unitName));
	const recipients = content.recipients.map((recipient) => `- ${clean(recipient.name).replace(/[;.,]+$/, '')};`);
	const archive = clean(content.archive).replace(/[;.,]+$/, '');
	return {
		parentBody: clean(header.parentBody).toLocaleUpperCase('vi'),
		issuingBody: clean(header.issuingBody).toLocaleUpperCase('vi'),
		numberLine: reference ? `Số: ${clean(reference)}` : `Số: ${BLANK_NUMBER}/${symbol}`,
		nationalTitle: NATIONAL_TITLE,
		nationalMotto: NATIONAL_MOTTO,
		placeDate: `${clean(header.place) || '.........'}, ${longDate(calendarParts(header.date))}`,
		title: MINUTES_TITLE,
		summary: clean(header.summary),
		session: [
			{ label: 'Thời gian bắt đầu', text: start ? `${two(start.hour)} giờ ${two(start.minute)} phút, ${longDate(start)}.` : '' },
			{ label: 'Địa điểm', text: sentence(place) },
			{ label: 'Chủ trì (chủ tọa)', text: sentence(person(session.chair)) },
			{ label: 'Thư ký (người ghi biên bản)', text: sentence(person(session.secretary)) },
		],
		participants: {
			label: 'Thành phần tham dự',
			text: sentence(session.otherParticipants),
			columns: ['STT', 'Điểm cầu', 'Tham dự', 'Vào lúc', 'Rời lúc', 'Ghi chú'],
			rows: content.attendance.map(attendanceRow),
			summary:
				content.attendance.length === 0
					? ''
					: `Có mặt ${present}/${content.attendance.length} điểm cầu${absent.length > 0 ? `; vắng: ${absent.join(', ')}` : ''}.`,
		},
		content: {
			label: 'Nội dung cuộc họp',
			items: content.agenda.map((item, index) => ({
				heading: `${index + 1}. ${clean(item.title)}`,
				presenter: clean(item.presenter) === '' ? '' : `Trình bày: ${clean(item.presenter)}`,
				body: item.content,
			})),
		},
		conclusions: { label: 'Kết luận của chủ tọa', body: content.conclusions },
		tasks: {
			label: 'Giao nhiệm vụ',
			columns: ['STT', 'Đơn vị thực hiện', 'Nội dung nhiệm vụ', 'Thời hạn'],
			rows: content.tasks.map((task, index) => [String(index + 1), clean(task.unitName), clean(task.text), shortDate(task.deadline)]),
		},
		closing: closingLine(content),
		signatures: { left: signatureBlock(content.signers, 'secretary', 'THƯ KÝ'), right: signatureBlock(content.signers, 'chair', 'CHỦ TỌA') },
		recipients: { label: 'Nơi nhận:', lines: [...recipients, `- Lưu: ${archive || 'VT'}.`] },
	};
}

function tableText(columns: string[], rows: string[][]): string[] {
	return [columns.join(' | '), ...rows.map((row) => row.join(' | '))];
}

/**
 * The whole minutes as text, in print order (for the document store's search index and for
 * reading without a viewer). Blank lines between parts; tables as "a | b | c" lines.
 */
export function minutesPlainText(content: MinutesContent, reference: string | null = null): string {
	const parts = minutesParts(content, reference);
	const blocks: string[][] = [
		[parts.parentBody, parts.issuingBody, parts.numberLine].filter((line) => line !== ''),
		[parts.nationalTitle, parts.nationalMotto, parts.placeDate],
		[parts.title, parts.summary],
		parts.session.map((line) => `${line.label}: ${line.text}`),
		[`${parts.participants.label}: ${parts.participants.text}`, ...tableText(parts.participants.columns, parts.participants.rows), parts.participants.summary],
		[`${parts.content.label}:`],
		...parts.content.items.map((item) => [item.heading, item.presenter, richPlainText(item.body)]),
		[`${parts.conclusions.label}:`, richPlainText(parts.conclusions.body)],
		[`${parts.tasks.label}:`, ...tableText(parts.tasks.columns, parts.tasks.rows)],
		[parts.closing],
		[parts.signatures.left.title, parts.signatures.left.name, parts.signatures.right.title, parts.signatures.right.name],
		[parts.recipients.label, ...parts.recipients.lines],
	];
	return blocks
		.map((lines) => lines.filter((line) => line.trim() !== '').join('\n'))
		.filter((block) => block !== '')
		.join('\n\n')
		.replaceAll('\u00a0', ' ')
		.normalize('NFC');
}
