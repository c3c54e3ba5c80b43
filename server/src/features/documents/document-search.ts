import { foldVietnamese } from '#shared/text/fold-vietnamese.ts';
import type { SnippetPart } from '#shared/api/documents.ts';

/**
 * Turning what a person types into an FTS5 query, and finding the words it matched for the
 * snippet. The index (prisma/migrations/20261204120100_document_search) folds marks through the
 * tokenizer and đ→d through its triggers; a query is folded here the same way, so "hop giao ban
 * song lo", "Họp giao ban Sông Lô" and "HOP GIAO BAN" are one query.
 */

const MAX_TERMS = 12;
const MAX_TERM_LENGTH = 64;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Lower case, without marks, đ as d: the form both sides of a match are compared in. */
export function foldText(text: string): string {
	return foldVietnamese(text);
}

/** The query's words, folded, without repeats; punctuation and FTS5 syntax are separators. */
export function searchTerms(query: string): string[] {
	const terms = new Set<string>();
	for (const word of foldText(query).match(WORD) ?? []) {
		terms.add(word.slice(0, MAX_TERM_LENGTH));
		if (terms.size === MAX_TERMS) {
			break;
		}
	}
	return [...terms];
}

/**
 * Every word must occur, each as the start of a word ("thinh" finds "Thịnh", "thị" finds
 * "thị trấn"). Each term is quoted: what a person types is never FTS5 syntax (AND, NEAR, column
 * filters, a stray quote).
 */
export function ftsMatchExpression(terms: readonly string[]): string {
	return terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ');
}

/** How the index names a unit in its "readers" column: hex of the id (ids may hold "-" or other separators). */
export function unitToken(prefix: 'u' | 'r', unitId: string): string {
	return `${prefix}${Buffer.from(unitId, 'utf8').toString('hex')}`;
}

/** Above this many units below an administrator, the index is not asked about readers (the exact rule still applies). */
const MAX_READER_TOKENS = 300;

/**
 * The reader's access as a query on the index's "readers" column (see the migration): issued by
 * the reader's unit or addressed to it, internal and issued above it, or (an administrator)
 * issued below it. Null when the index cannot narrow it (everything, or too many units).
 */
export function readersExpression(scope: { unitId: string; ancestors: readonly string[]; below: readonly string[]; all: boolean }): string | null {
	if (scope.all || scope.below.length > MAX_READER_TOKENS) {
		return null;
	}
	const quote = (token: string) => `"${token}"`;
	const options = [quote(unitToken('u', scope.unitId)), quote(unitToken('r', scope.unitId))];
	if (scope.ancestors.length > 0) {
		options.push(`("ainternal" AND (${scope.ancestors.map((id) => quote(unitToken('u', id))).join(' OR ')}))`);
	}
	options.push(...scope.below.map((id) => quote(unitToken('u', id))));
	return `readers : (${options.join(' OR ')})`;
}

/** The whole FTS5 expression: the words in the text columns, access and filters in "readers"; null when nothing narrows. */
export function searchExpression(
	terms: readonly string[],
	scope: { unitId: string; ancestors: readonly string[]; below: readonly string[]; all: boolean },
	filters: { unitId?: string | undefined; type?: string | undefined }
): string | null {
	const parts: string[] = [];
	if (terms.length > 0) {
		parts.push(`{reference summary body} : (${ftsMatchExpression(terms)})`);
	}
	const readers = readersExpression(scope);
	if (readers !== null) {
		parts.push(readers);
	}
	if (filters.unitId !== undefined) {
		parts.push(`readers : "${unitToken('u', filters.unitId)}"`);
	}
	if (filters.type !== undefined) {
		parts.push(`readers : "t${foldText(filters.type).replace(/[^a-z0-9]/g, '')}"`);
	}
	return parts.length === 0 ? null : parts.join(' AND ');
}

type Word = { start: number; end: number; hit: boolean };

function wordsOf(text: string, terms: readonly string[]): Word[] {
	const words: Word[] = [];
	for (const match of text.matchAll(WORD)) {
		const folded = foldText(match[0]);
		words.push({ start: match.index, end: match.index + match[0].length, hit: terms.some((term) => folded.startsWith(term)) });
	}
	return words;
}

const BEFORE = 60;
const LENGTH = 220;

/**
 * The text around the first word a term matched, cut at word boundaries, whitespace collapsed,
 * the matched words marked. The original text (with its marks and đ) is shown, not the index's
 * folded copy. Empty when no word matches.
 */
export function snippetOf(text: string, terms: readonly string[]): SnippetPart[] {
	if (terms.length === 0) {
		return [];
	}
	const words = wordsOf(text, terms);
	const first = words.findIndex((word) => word.hit);
	if (first === -1) {
		return [];
	}
	let from = first;
	while (from > 0 && words[first]!.start - words[from - 1]!.start <= BEFORE) {
		from -= 1;
	}
	let to = first;
	while (to + 1 < words.length && words[to + 1]!.end - words[from]!.start <= LENGTH) {
		to += 1;
	}
	const start = from === 0 ? 0 : words[from]!.start;
	const end = to === words.length - 1 ? text.length : words[to]!.end;
	const parts: SnippetPart[] = [];
	const push = (piece: string, hit: boolean): void => {
		const clean = piece.replace(/\s+/g, ' ');
		if (clean === '') {
			return;
		}
		const last = parts.at(-1);
		if (last?.hit === hit) {
			last.text += clean;
		} else {
			parts.push({ text: clean, hit });
		}
	};
	if (start > 0) {
		push('…', false);
	}
	let at = start;
	for (const word of words.slice(from, to + 1)) {
		if (word.hit) {
			push(text.slice(at, word.start), false);
			push(text.slice(word.start, word.end), true);
			at = word.end;
		}
	}
	push(text.slice(at, end), false);
	if (end < text.length) {
		push('…', false);
	}
	return parts;
}
