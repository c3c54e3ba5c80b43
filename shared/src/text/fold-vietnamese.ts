/**
 * Vietnamese as people type it without a Vietnamese keyboard, and as speech recognition writes
 * it: lower case, tone and vowel marks dropped, đ as d ("Đồng Thịnh" → "dong thinh"). đ is a
 * letter of its own, not a d with a mark, so NFD leaves it: it is folded by hand. For matching
 * only (search, cues, CSV headers), never for telling names apart.
 */
export function foldVietnamese(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.replace(/[đĐ]/g, 'd')
		.toLowerCase();
}
