import { foldVietnamese } from '#shared/text/fold-vietnamese.ts';
import type { UserRole } from '#shared/api/auth.ts';
import type { UnitKind } from '#shared/api/units.ts';
import type { MessageKey } from '../i18n/vi.ts';

/** The level of a unit in words ("Xã", "Phường", "Tỉnh"…). */
export function kindKey(kind: UnitKind): MessageKey {
	return `unitKind.${kind}`;
}

export function roleKey(role: UserRole): MessageKey {
	return `role.${role}`;
}

/**
 * The issuing-body line as it is usually printed ("UBND XÃ ĐỒNG THỊNH" for "Xã Đồng Thịnh"): a
 * suggestion only, some units print another body (HĐND, a ward's "UBND PHƯỜNG …").
 */
export function suggestAuthority(name: string): string {
	const trimmed = name.trim().replace(/\s+/g, ' ');
	return trimmed === '' ? '' : `UBND ${trimmed.toLocaleUpperCase('vi')}`;
}

/**
 * Text for a search that ignores case and diacritics: "dong thinh" finds "Xã Đồng Thịnh" (an
 * operator at a PC without a Vietnamese keyboard types without marks). đ is a letter of its own,
 * not a d with a mark, so NFD leaves it: it is folded by hand.
 */
export function fold(text: string): string {
	return foldVietnamese(text);
}

export function matches(query: string, ...texts: (string | null | undefined)[]): boolean {
	const q = fold(query.trim());
	return q === '' || texts.some((text) => text != null && fold(text).includes(q));
}
