import { foldVietnamese } from '#shared/text/fold-vietnamese.ts';
/**
 * Matching Vietnamese as speech recognition and hurried typing write it: with or without
 * diacritics ("kết luận" / "ket luan", "Đồng Thịnh" / "Dong Thinh"). Cues and names are looked
 * for in a folded copy of the text, and what was found is cut out of the original, so the draft
 * keeps the words with their diacritics.
 */

/** One code point folded: marks dropped, đ → d, lower case. */
function foldChar(char: string): string {
	return foldVietnamese(char);
}

/** Lower case without diacritics, same shape otherwise ("Đồng Thịnh" → "dong thinh"). */
export function foldVi(text: string): string {
	return [...text.normalize('NFC')].map(foldChar).join('');
}

/**
 * A folded copy of `text` (NFC) that remembers where each folded character came from, so that a
 * match in the copy gives back the original words.
 */
export class FoldedText {
	readonly original: string;
	readonly folded: string;
	/** origin[i]: index in `original` of folded character i; origin[folded.length] = original.length. */
	readonly #origin: number[];

	constructor(text: string) {
		this.original = text.normalize('NFC');
		const origin: number[] = [];
		let folded = '';
		let index = 0;
		for (const char of this.original) {
			const f = foldChar(char);
			// Every code unit of the folded form ("İ" folds to two, an emoji is two) points back to it.
			origin.push(...new Array<number>(f.length).fill(index));
			folded += f;
			index += char.length;
		}
		origin.push(this.original.length);
		this.folded = folded;
		this.#origin = origin;
	}

	/** The original text of the folded range [from, to). */
	slice(from: number, to: number): string {
		return this.original.slice(this.#origin[from], this.#origin[to]);
	}
}

/** Letters and digits: what a word boundary is made of. */
export const WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
export const WORD_AFTER = '(?![\\p{L}\\p{N}])';

/** Spaces collapsed, ends trimmed, NFC. */
export function squash(text: string): string {
	return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * Sentences of a transcript line. A stop inside a number ("15.12.2026", "1.500") does not end a
 * sentence, since it has no space after it.
 */
export function sentences(text: string): string[] {
	return squash(text)
		.split(/(?<=[.!?;…])\s+/u)
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

/** First letter upper case (Vietnamese-aware), the rest as written. */
export function capitalise(text: string): string {
	const first = text.codePointAt(0);
	if (first === undefined) {
		return text;
	}
	const char = String.fromCodePoint(first);
	return char.toLocaleUpperCase('vi') + text.slice(char.length);
}

/**
 * First letter lower case when the first word is an ordinary word ("Tình hình…" → "tình hình…"),
 * kept when it is an abbreviation or a name in capitals ("UBND", "HĐND").
 */
export function lowerFirstWord(text: string): string {
	const word = /^\S+/u.exec(text)?.[0] ?? '';
	if (word.length > 1 && word === word.toLocaleUpperCase('vi')) {
		return text;
	}
	const first = text.codePointAt(0);
	if (first === undefined) {
		return text;
	}
	const char = String.fromCodePoint(first);
	return char.toLocaleLowerCase('vi') + text.slice(char.length);
}

/** Punctuation and spaces trimmed from both ends ("— giao…, " → "giao…"), a closing stop kept off. */
export function trimClause(text: string): string {
	return text.replace(/^[\s,;:.\-–—]+/u, '').replace(/[\s,;:.\-–—]+$/u, '');
}
