import type { MinutesProblem } from '#shared/api/minutes.ts';
import type { MessageKey } from '../i18n/vi.ts';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const RULES = new Set(['required', 'invalid_date', 'end_before_start', 'invalid_symbol', 'missing_deadline', 'missing_unit', 'empty_section']);

/**
 * A problem's path ("tasks[2].deadline") in words ("Nhiệm vụ 3: thời hạn"): the index becomes the
 * row number people see, the rest names the field. A path this client does not know is shown as
 * it is rather than hidden, so the list never claims fewer problems than the server has.
 */
export function problemField(t: Translate, path: string): string {
	let row: number | null = null;
	const generic = path.replace(/\[(\d+)\]/, (_, index: string) => {
		row = Number(index) + 1;
		return '';
	});
	const key = `minutesField.${generic}`;
	if (!isFieldKey(key)) {
		return path;
	}
	return row === null ? t(key) : t(key, { n: row });
}

export function problemRule(t: Translate, rule: string): string {
	return t(RULES.has(rule) ? (`minutesProblem.rule.${rule}` as MessageKey) : 'minutesProblem.rule.other');
}

export function problemText(t: Translate, problem: MinutesProblem): string {
	return t('minutesPage.problems.item', { field: problemField(t, problem.path), rule: problemRule(t, problem.rule) });
}

const FIELD_KEYS: ReadonlySet<string> = new Set([
	'minutesField.header.parentBody',
	'minutesField.header.issuingBody',
	'minutesField.header.symbol',
	'minutesField.header.place',
	'minutesField.header.date',
	'minutesField.header.summary',
	'minutesField.session.startedAt',
	'minutesField.session.endedAt',
	'minutesField.session.location',
	'minutesField.session.chair.name',
	'minutesField.session.chair.title',
	'minutesField.session.secretary.name',
	'minutesField.session.secretary.title',
	'minutesField.attendance',
	'minutesField.attendance.unitName',
	'minutesField.agenda',
	'minutesField.agenda.title',
	'minutesField.conclusions',
	'minutesField.tasks.unitName',
	'minutesField.tasks.text',
	'minutesField.tasks.deadline',
	'minutesField.signers.secretary',
	'minutesField.signers.secretary.title',
	'minutesField.signers.secretary.name',
	'minutesField.signers.chair',
	'minutesField.signers.chair.title',
	'minutesField.signers.chair.name',
	'minutesField.recipients',
	'minutesField.recipients.name',
	'minutesField.archive',
] satisfies MessageKey[]);

function isFieldKey(key: string): key is MessageKey {
	return FIELD_KEYS.has(key);
}

/**
 * Where the editor (minutes-editor) shows a field: plain fields carry `data-field` with the same
 * path the problems use ("header.symbol", "conclusions"); a row's field is the n-th
 * `data-testid="<array>-<name>"` ("tasks-deadline", "agenda-title"); anything else falls back to
 * its section ("signers", "attendance"), then to the section's heading.
 */
export function findFieldElement(root: Document, path: string): HTMLElement | null {
	const byField = (value: string) => root.querySelector<HTMLElement>(`[data-field="${CSS.escape(value)}"]`);
	const exact = byField(path);
	if (exact) {
		return exact;
	}
	const row = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(path);
	if (row) {
		const [, array = '', index = '0', name = ''] = row;
		const cell = root.querySelectorAll<HTMLElement>(`[data-testid="${CSS.escape(`${array}-${name}`)}"]`)[Number(index)];
		if (cell) {
			return cell;
		}
	}
	const section = path.split(/[.[]/)[0] ?? path;
	return byField(section) ?? root.querySelector<HTMLElement>(`[data-field^="${CSS.escape(section)}"]`) ?? root.getElementById(`me-${section}`);
}
