import { describe, expect, it } from 'vitest';
import type { MinutesContent } from '../../../shared/src/api/minutes.ts';
import { isCalendarDate, MINUTES_PROBLEM_RULES, validateMinutes } from '../../../shared/src/minutes/minutes-validate.ts';
import { paragraph, richDoc } from '../../../shared/src/minutes/rich-text.ts';

/** Minutes with every required part filled in. */
function complete(): MinutesContent {
	return {
		schemaVersion: 1,
		header: { parentBody: 'UBND TỈNH PHÚ THỌ', issuingBody: 'UBND HUYỆN SÔNG LÔ', symbol: 'BB-UBND', place: 'Sông Lô', date: '2026-12-03', summary: 'Họp giao ban công tác tháng 11' },
		session: {
			startedAt: '2026-12-03T01:00:00.000Z',
			endedAt: '2026-12-03T02:00:00.000Z',
			location: 'Hội trường UBND huyện Sông Lô',
			onlinePoints: '',
			chair: { name: 'Nguyễn Văn A', title: 'Chủ tịch UBND huyện' },
			secretary: { name: 'Trần Thị Lan', title: 'Chuyên viên Văn phòng' },
			otherParticipants: '',
		},
		attendance: [{ id: 'song-lo', unitId: 'song-lo', unitName: 'Huyện Sông Lô', present: true, firstJoinAt: '', lastLeaveAt: '', minutesAttended: 60, note: '' }],
		agenda: [{ id: 'a1', title: 'Tình hình kinh tế - xã hội', presenter: '', content: richDoc([]) }],
		conclusions: richDoc([paragraph('Các xã tập trung thu ngân sách.')]),
		tasks: [{ id: 't1', unitId: 'dong-thinh', unitName: 'UBND xã Đồng Thịnh', text: 'Báo cáo chuyển đổi số', deadline: '2026-12-15', agendaItemId: 'a1', sourceSegmentId: null, machine: false }],
		signers: [
			{ role: 'secretary', title: 'THƯ KÝ', name: 'Trần Thị Lan' },
			{ role: 'chair', title: 'CHỦ TỌA', name: 'Nguyễn Văn A' },
		],
		recipients: [{ id: 'r1', unitId: 'dong-thinh', name: 'UBND xã Đồng Thịnh' }],
		archive: 'VT, Hồ sơ',
	};
}

const rules = (content: MinutesContent) => validateMinutes(content).map((p) => `${p.path}:${p.rule}`);

describe('validateMinutes', () => {
	it('finds nothing in complete minutes (no tasks is fine too)', () => {
		expect(validateMinutes(complete())).toEqual([]);
		expect(validateMinutes({ ...complete(), tasks: [] })).toEqual([]);
	});

	it('requires the header parts and checks the symbol and date', () => {
		const c = complete();
		c.header = { parentBody: '', issuingBody: ' ', symbol: '', place: '', date: '', summary: '' };
		expect(rules(c)).toEqual(['header.issuingBody:required', 'header.symbol:required', 'header.place:required', 'header.date:required', 'header.summary:required']);
		// The document store files minutes as BB: a symbol it would refuse at issuance is refused here.
		for (const symbol of ['BB', 'bb-ubnd', 'BB-', 'BB UBND', 'BB-UBND-', 'BB-ỦBND', '12-BB', 'TB-UBND', 'BB-UBND ']) {
			expect(rules({ ...complete(), header: { ...complete().header, symbol } })).toEqual(['header.symbol:invalid_symbol']);
		}
		for (const symbol of ['BB-UBND', 'BB-HĐND', 'BB-UBND-VP']) {
			expect(rules({ ...complete(), header: { ...complete().header, symbol } })).toEqual([]);
		}
		expect(rules({ ...complete(), header: { ...complete().header, date: '2026-02-30' } })).toEqual(['header.date:invalid_date']);
	});

	it('checks the session: times present and in order, place, chair and secretary', () => {
		const c = complete();
		c.session = { ...c.session, endedAt: '2026-12-03T00:59:59.000Z' };
		expect(rules(c)).toEqual(['session.endedAt:end_before_start']);
		c.session = { ...c.session, startedAt: '', endedAt: 'hôm qua', location: '', chair: { name: '', title: 'x' }, secretary: { name: ' ', title: '' } };
		expect(rules(c)).toEqual(['session.startedAt:required', 'session.endedAt:invalid_date', 'session.location:required', 'session.chair.name:required', 'session.secretary.name:required']);
		c.session = { ...complete().session, startedAt: '2026-13-45T99:00:00Z' };
		expect(rules(c)).toEqual(['session.startedAt:invalid_date']);
		// The same instant for start and end is allowed.
		expect(rules({ ...complete(), session: { ...complete().session, endedAt: complete().session.startedAt } })).toEqual([]);
	});

	it('requires attendance, agenda with titles, and conclusions with text', () => {
		expect(rules({ ...complete(), attendance: [], agenda: [], conclusions: richDoc([paragraph(' ')]) })).toEqual(['attendance:empty_section', 'agenda:empty_section', 'conclusions:empty_section']);
		const c = complete();
		c.agenda.push({ id: 'a2', title: '', presenter: 'P', content: richDoc([]) });
		c.attendance.push({ ...c.attendance[0]!, id: 'x', unitName: '' });
		expect(rules(c)).toEqual(['attendance[1].unitName:required', 'agenda[1].title:required']);
	});

	it('requires unit, text and a real deadline for every task', () => {
		const c = complete();
		const base = c.tasks[0]!;
		c.tasks = [base, { ...base, id: 't2', unitName: '', text: '', deadline: '' }, { ...base, id: 't3', deadline: '2026-12-32' }];
		expect(rules(c)).toEqual(['tasks[1].unitName:missing_unit', 'tasks[1].text:required', 'tasks[1].deadline:missing_deadline', 'tasks[2].deadline:invalid_date']);
	});

	it('requires both signature blocks with names, recipients and the archive line', () => {
		expect(rules({ ...complete(), signers: [], recipients: [], archive: '' })).toEqual(['signers.secretary:required', 'signers.chair:required', 'recipients:empty_section', 'archive:required']);
		expect(rules({ ...complete(), signers: [{ role: 'chair', title: 'CHỦ TỌA', name: '' }], recipients: [{ id: 'r', unitId: null, name: '' }] })).toEqual([
			'signers.secretary:required',
			'signers.chair.name:required',
			'recipients[0].name:required',
		]);
	});

	it('names only the rules it lists', () => {
		const everything = validateMinutes({ ...complete(), header: { ...complete().header, symbol: 'x', date: 'x' }, session: { ...complete().session, endedAt: '2000-01-01T00:00:00Z' }, attendance: [], tasks: [{ ...complete().tasks[0]!, unitName: '', deadline: '' }] });
		expect(new Set(everything.map((p) => p.rule))).toEqual(new Set(['invalid_symbol', 'invalid_date', 'end_before_start', 'empty_section', 'missing_unit', 'missing_deadline']));
		expect(everything.every((p) => (MINUTES_PROBLEM_RULES as readonly string[]).includes(p.rule))).toBe(true);
	});

	it('knows real calendar dates', () => {
		expect(isCalendarDate('2028-02-29')).toBe(true);
		expect(isCalendarDate('2027-02-29')).toBe(false);
		expect(isCalendarDate('2026-1-05')).toBe(false);
		expect(isCalendarDate('')).toBe(false);
	});
});
