import type { MinutesContent, MinutesProblem, MinutesSigner } from '../api/minutes.ts';
import { isRichEmpty } from './rich-text.ts';
import { isDocumentSymbol } from '../api/documents.ts';

/**
 * What blocks approval: the parts Decree 30/2020 (Mẫu 1.9) requires, filled in and consistent.
 * The server refuses approval while the list is not empty; the editor shows the same list beside
 * the fields, so the two never disagree.
 *
 * Paths point into MinutesContent: "header.symbol", "agenda[1].title", "tasks[0].deadline";
 * signers are named by role ("signers.chair.name"), since a block is found by its role, not its
 * position. Rules: required, invalid_date, end_before_start, invalid_symbol, missing_deadline,
 * missing_unit, empty_section.
 */

/** Every rule a problem may name, for the client's messages. */
export const MINUTES_PROBLEM_RULES = ['required', 'invalid_date', 'end_before_start', 'invalid_symbol', 'missing_deadline', 'missing_unit', 'empty_section'] as const;
export type MinutesProblemRule = (typeof MINUTES_PROBLEM_RULES)[number];

/** Ký hiệu as Decree 30 writes it: type and body abbreviations joined by "-" ("BB-UBND", "BB-HĐND"). */
/** Minutes are filed as biên bản: their ký hiệu starts with BB- (checked as the document store will at issuance). */
const MINUTES_TYPE = 'BB';

function blank(value: string): boolean {
	return value.trim() === '';
}

/** A real calendar date (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) {
		return false;
	}
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Milliseconds of an ISO instant, or null when it is not one. */
function instant(value: string): number | null {
	if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) {
		return null;
	}
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? null : ms;
}

export function validateMinutes(content: MinutesContent): MinutesProblem[] {
	const problems: MinutesProblem[] = [];
	const add = (path: string, rule: MinutesProblemRule): void => {
		problems.push({ path, rule });
	};
	const required = (path: string, value: string): void => {
		if (blank(value)) {
			add(path, 'required');
		}
	};

	const { header, session } = content;
	required('header.issuingBody', header.issuingBody);
	if (blank(header.symbol)) {
		add('header.symbol', 'required');
	} else if (header.symbol !== header.symbol.trim() || !isDocumentSymbol(header.symbol, MINUTES_TYPE)) {
		add('header.symbol', 'invalid_symbol');
	}
	required('header.place', header.place);
	if (blank(header.date)) {
		add('header.date', 'required');
	} else if (!isCalendarDate(header.date)) {
		add('header.date', 'invalid_date');
	}
	required('header.summary', header.summary);

	const started = instant(session.startedAt);
	const ended = instant(session.endedAt);
	if (blank(session.startedAt)) {
		add('session.startedAt', 'required');
	} else if (started === null) {
		add('session.startedAt', 'invalid_date');
	}
	if (blank(session.endedAt)) {
		add('session.endedAt', 'required');
	} else if (ended === null) {
		add('session.endedAt', 'invalid_date');
	} else if (started !== null && ended < started) {
		add('session.endedAt', 'end_before_start');
	}
	required('session.location', session.location);
	required('session.chair.name', session.chair.name);
	required('session.secretary.name', session.secretary.name);

	if (content.attendance.length === 0) {
		add('attendance', 'empty_section');
	}
	for (const [index, line] of content.attendance.entries()) {
		required(`attendance[${index}].unitName`, line.unitName);
	}

	if (content.agenda.length === 0) {
		add('agenda', 'empty_section');
	}
	for (const [index, item] of content.agenda.entries()) {
		required(`agenda[${index}].title`, item.title);
	}

	if (isRichEmpty(content.conclusions)) {
		add('conclusions', 'empty_section');
	}

	for (const [index, task] of content.tasks.entries()) {
		if (blank(task.unitName)) {
			add(`tasks[${index}].unitName`, 'missing_unit');
		}
		required(`tasks[${index}].text`, task.text);
		if (blank(task.deadline)) {
			add(`tasks[${index}].deadline`, 'missing_deadline');
		} else if (!isCalendarDate(task.deadline)) {
			add(`tasks[${index}].deadline`, 'invalid_date');
		}
	}

	for (const role of ['secretary', 'chair'] as const satisfies readonly MinutesSigner['role'][]) {
		const signer = content.signers.find((s) => s.role === role);
		if (!signer) {
			add(`signers.${role}`, 'required');
			continue;
		}
		required(`signers.${role}.title`, signer.title);
		required(`signers.${role}.name`, signer.name);
	}

	if (content.recipients.length === 0) {
		add('recipients', 'empty_section');
	}
	for (const [index, recipient] of content.recipients.entries()) {
		required(`recipients[${index}].name`, recipient.name);
	}
	required('archive', content.archive);
	return problems;
}
