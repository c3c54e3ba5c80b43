import { foldVietnamese } from '#shared/text/fold-vietnamese.ts';
import { MEMBER_UNIT_KINDS, type MemberKind } from '#shared/api/units.ts';

/**
 * Lower case without diacritics ("Đồng Thịnh" → "dong thinh"), spaces collapsed: for matching
 * what people type (CSV headers, level words), never for telling unit names apart.
 */
export function fold(text: string): string {
	return foldVietnamese(text).replace(/\s+/g, ' ').trim();
}

/** Text as stored: NFC (a file typed on another system may hold decomposed Vietnamese), spaces collapsed. */
export function cleanText(text: string): string {
	return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * Two names are the same name when they differ only in case or spacing. Diacritics count:
 * "Xã Tân Lập" and "Xã Tấn Lập" can both exist.
 */
export function nameKey(name: string): string {
	return cleanText(name).toLocaleLowerCase('vi');
}

/** The Vietnamese word of each member level, as it starts a unit's name. */
const LEVEL_WORDS: Record<MemberKind, string> = { commune: 'Xã', ward: 'Phường', town: 'Thị trấn', special_zone: 'Đặc khu' };

/** Level values a CSV may hold (folded): the English kinds and the Vietnamese words. */
const LEVELS = new Map<string, MemberKind>([
	...MEMBER_UNIT_KINDS.map((kind) => [kind, kind] as const),
	['special zone', 'special_zone'],
	...Object.entries(LEVEL_WORDS).map(([kind, word]) => [fold(word), kind as MemberKind] as const),
]);

/** The member level a CSV cell names ("Phường", "phuong", "ward"), or null. */
export function parseMemberLevel(value: string): MemberKind | null {
	return LEVELS.get(fold(value)) ?? null;
}

/**
 * The issuing-body line when none is given: "UBND " and the name in capitals, with the level word
 * in front when the name lacks one ("Đồng Thịnh", commune → "UBND XÃ ĐỒNG THỊNH"). Office
 * documents print exactly this form; the administrator edits the rare exception.
 */
export function defaultAuthority(kind: MemberKind, name: string): string {
	const clean = cleanText(name);
	const folded = fold(clean);
	const named = Object.values(LEVEL_WORDS).some((word) => folded.startsWith(`${fold(word)} `));
	return `UBND ${(named ? clean : `${LEVEL_WORDS[kind]} ${clean}`).toLocaleUpperCase('vi')}`;
}

/** Longest slug before a "-2" suffix, so that the id stays within UnitParams' 64 characters. */
const SLUG_MAX = 56;

/** A readable id from a name: "Xã Đồng Thịnh" → "xa-dong-thinh" (the routes' id pattern is [A-Za-z0-9_-]). */
export function slugOf(name: string): string {
	const slug = fold(name)
		.replace(/[^a-z0-9]+/g, '-')
		.slice(0, SLUG_MAX)
		.replace(/^-+|-+$/g, '');
	return slug === '' ? 'don-vi' : slug;
}

/** `slugOf(name)`, or with the first "-2", "-3"… suffix not in `taken`. */
export function freeId(name: string, taken: ReadonlySet<string>): string {
	const base = slugOf(name);
	if (!taken.has(base)) {
		return base;
	}
	for (let n = 2; ; n += 1) {
		const id = `${base}-${n}`;
		if (!taken.has(id)) {
			return id;
		}
	}
}
