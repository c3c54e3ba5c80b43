import { foldVi } from './vietnamese-text.ts';

/**
 * How the minutes name units: the place of the date line ("Sông Lô"), the body abbreviation of
 * the symbol ("UBND"), bodies in the Nơi nhận list ("UBND xã Đồng Thịnh"). All derived from the
 * unit's name and authority line as the administrator entered them.
 */

/** Level words a unit name starts with, longest first so "Thị xã" wins over "Xã". */
const LEVEL_PREFIXES = ['Thành phố', 'Thị trấn', 'Thị xã', 'Đặc khu', 'Phường', 'Huyện', 'Quận', 'Tỉnh', 'Xã'];

/**
 * Level words in an authority line (capitals), which end the body part ("UBND" | "HUYỆN SÔNG LÔ").
 * Compared with their marks: folded, "QUẬN" (district) would also stop at "QUẢN LÝ".
 */
const AUTHORITY_LEVELS = LEVEL_PREFIXES.map((word) => word.toLocaleUpperCase('vi'));

/** The level word a name starts with and the rest, or null ("Xã Đồng Thịnh" → ["Xã", "Đồng Thịnh"]). */
function splitLevel(name: string): [level: string, rest: string] | null {
	const clean = name.normalize('NFC').replace(/\s+/g, ' ').trim();
	const folded = foldVi(clean);
	for (const prefix of LEVEL_PREFIXES) {
		const f = foldVi(prefix);
		// Folding keeps one character per character, so the lengths line up with `clean`.
		if (folded.startsWith(`${f} `) && clean.length > prefix.length + 1) {
			return [clean.slice(0, prefix.length), clean.slice(prefix.length + 1)];
		}
	}
	return null;
}

/** The place of the date line: the name without its level word ("Xã Sông Lô" → "Sông Lô"). */
export function placeOf(unitName: string): string {
	return splitLevel(unitName)?.[1] ?? unitName.normalize('NFC').trim();
}

/** Capitalised words that start body names but are not abbreviations. */
const NOT_ABBREVIATIONS = new Set(['BAN', 'CHI', 'TRUNG']);

/**
 * The body abbreviation of an authority line, for the symbol "BB-…": an abbreviation standing
 * first ("UBND HUYỆN SÔNG LÔ" → "UBND", "HĐND XÃ …" → "HĐND"), else the initials of the words
 * before the level word ("ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG" → "UBND"). Initials lose their
 * diacritics except Đ, which the symbol pattern allows. "" when nothing fits.
 */
export function authorityAbbreviation(authority: string): string {
	const words = authority.normalize('NFC').toLocaleUpperCase('vi').split(/\s+/).filter((w) => w !== '');
	const first = words[0] ?? '';
	if (/^[A-ZĐ0-9]{2,8}$/.test(first) && !NOT_ABBREVIATIONS.has(first)) {
		return first;
	}
	const body: string[] = [];
	for (let index = 0; index < words.length; index += 1) {
		const rest = words.slice(index).join(' ');
		if (AUTHORITY_LEVELS.some((level) => rest === level || rest.startsWith(`${level} `))) {
			break;
		}
		body.push(words[index] ?? '');
	}
	const initials = body
		.map((word) => {
			const char = String.fromCodePoint(word.codePointAt(0) ?? 0x20);
			return char === 'Đ' ? 'Đ' : foldVi(char).toUpperCase();
		})
		.join('');
	return /^[A-ZĐ0-9]+$/.test(initials) ? initials : '';
}

/** The symbol of minutes issued by a body: "BB-UBND"; "BB-UBND" too when the authority line gives nothing to go on. */
export function minutesSymbol(authority: string): string {
	return `BB-${authorityAbbreviation(authority) || 'UBND'}`;
}

/** The name with its level word in lower case, as it stands inside a sentence ("xã Đồng Thịnh"). */
export function inSentence(unitName: string): string {
	const split = splitLevel(unitName);
	return split ? `${split[0].toLocaleLowerCase('vi')} ${split[1]}` : unitName.normalize('NFC').trim();
}

/**
 * A unit as a body in Nơi nhận and in the tasks table: "UBND xã Đồng Thịnh" (abbreviation of its
 * authority, then its name); the plain name when either part is missing.
 */
export function bodyName(unit: { name: string; authority: string }): string {
	const abbreviation = authorityAbbreviation(unit.authority);
	const split = splitLevel(unit.name);
	return abbreviation && split ? `${abbreviation} ${split[0].toLocaleLowerCase('vi')} ${split[1]}` : unit.name.normalize('NFC').trim();
}

/** The host's own leadership as the first recipient: "Lãnh đạo UBND huyện". */
export function leadershipLine(unit: { name: string; authority: string }): string {
	const abbreviation = authorityAbbreviation(unit.authority) || 'UBND';
	const split = splitLevel(unit.name);
	return split ? `Lãnh đạo ${abbreviation} ${split[0].toLocaleLowerCase('vi')}` : `Lãnh đạo ${unit.name.normalize('NFC').trim()}`;
}
