import { describe, expect, it } from 'vitest';
import { en } from '../../../client/src/i18n/en.ts';
import { vi, type MessageKey } from '../../../client/src/i18n/vi.ts';
import { problemField, problemText } from '../../../client/src/minutes/problem-text.ts';
import type { MinutesContent } from '../../../shared/src/api/minutes.ts';
import { validateMinutes } from '../../../shared/src/minutes/minutes-validate.ts';

const translator = (catalog: Record<MessageKey, string>) => (key: MessageKey, params?: Record<string, string | number>) =>
	catalog[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`));
const t = translator(vi);

const doc = (text: string) => ({ type: 'doc', content: text ? [{ type: 'paragraph', content: [{ type: 'text', text }] }] : [] });

/** Minutes with every part present but blank: the validator names every field it checks. */
function blank(signers: MinutesContent['signers']): MinutesContent {
	return {
		schemaVersion: 1,
		header: { parentBody: '', issuingBody: '', symbol: 'bb ubnd', place: '', date: '2026-02-30', summary: '' },
		session: { startedAt: '2026-12-03T09:00:00.000Z', endedAt: '2026-12-03T08:00:00.000Z', location: '', onlinePoints: '', chair: { name: '', title: '' }, secretary: { name: '', title: '' }, otherParticipants: '' },
		attendance: [{ id: 'a', unitId: null, unitName: '', present: true, firstJoinAt: '', lastLeaveAt: '', minutesAttended: 0, note: '' }],
		agenda: [{ id: 'i', title: '', presenter: '', content: doc('') }],
		conclusions: doc(''),
		tasks: [
			{ id: 't1', unitId: null, unitName: 'Xã Đồng Thịnh', text: 'Báo cáo', deadline: '2026-12-15', agendaItemId: '', sourceSegmentId: null, machine: false },
			{ id: 't2', unitId: null, unitName: '', text: '', deadline: '', agendaItemId: '', sourceSegmentId: null, machine: false },
		],
		signers,
		recipients: [{ id: 'r', unitId: null, name: '' }],
		archive: '',
	};
}

/**
 * The minutes page lists what blocks approval in words: every path the shared validator can
 * report has a Vietnamese and an English name, rows counted from 1 as people count them.
 */
describe('the problems of minutes in words', () => {
	it('names rows from 1 and the field in the row', () => {
		expect(problemField(t, 'tasks[1].deadline')).toBe('Nhiệm vụ 2: thời hạn');
		expect(problemField(t, 'agenda[0].title')).toBe('Nội dung 1: tiêu đề');
		expect(problemText(t, { path: 'header.symbol', rule: 'invalid_symbol' })).toBe('Ký hiệu: ký hiệu chưa đúng dạng (ví dụ BB-UBND)');
		expect(problemText(t, { path: 'conclusions', rule: 'empty_section' })).toBe('Kết luận: chưa có nội dung');
	});

	it('shows a path or rule it does not know as it is, not hidden', () => {
		expect(problemField(t, 'header.newField')).toBe('header.newField');
		expect(problemText(t, { path: 'archive', rule: 'too_long' })).toBe('Nơi nhận: dòng «Lưu»: chưa đúng');
	});

	it('has words in both languages for every path and rule the validator reports', () => {
		const withBlankSigners = validateMinutes(
			blank([
				{ role: 'secretary', title: '', name: '' },
				{ role: 'chair', title: '', name: '' },
			])
		);
		const withoutSigners = validateMinutes({ ...blank([]), attendance: [], agenda: [], recipients: [] });
		const problems = [...withBlankSigners, ...withoutSigners];
		// The fixture reaches every rule, so a new rule or path shows up here first.
		expect(new Set(problems.map((p) => p.rule))).toEqual(new Set(['required', 'invalid_date', 'end_before_start', 'invalid_symbol', 'missing_deadline', 'missing_unit', 'empty_section']));
		for (const catalog of [vi, en]) {
			const say = translator(catalog);
			for (const problem of problems) {
				const field = problemField(say, problem.path);
				expect(field, problem.path).not.toBe(problem.path);
				expect(problemText(say, problem), problem.rule).not.toMatch(/\{\w+\}|minutesProblem\.rule\.other/);
				expect(problemText(say, problem)).not.toBe(problemText(say, { ...problem, rule: 'unknown_rule' }));
			}
		}
	});
});
