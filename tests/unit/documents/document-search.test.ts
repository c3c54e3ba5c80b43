import { describe, expect, it } from 'vitest';
import { formatReference } from '../../../shared/src/api/documents.ts';
import { foldText, ftsMatchExpression, readersExpression, searchExpression, searchTerms, snippetOf } from '../../../server/src/features/documents/document-search.ts';
import { vietnamYear } from '../../../shared/src/time/vietnam-time.ts';

describe('foldText', () => {
	it('drops every Vietnamese mark, stacked ones included, and folds đ/Đ to d', () => {
		expect(foldText('Họp giao ban Sông Lô')).toBe('hop giao ban song lo');
		expect(foldText('TĂNG CƯỜNG Đồng Thịnh đường')).toBe('tang cuong dong thinh duong');
		expect(foldText('ờ ễ ệ ố ượ ự')).toBe('o e e o uo u');
	});

	it('reads decomposed (NFD) text like composed text', () => {
		expect(foldText('Đồng Thịnh'.normalize('NFD'))).toBe(foldText('Đồng Thịnh'));
	});
});

describe('searchTerms', () => {
	it('folds the query and splits it on anything that is not a letter or digit', () => {
		expect(searchTerms('Họp giao-ban, "Sông Lô"!')).toEqual(['hop', 'giao', 'ban', 'song', 'lo']);
		expect(searchTerms('12/BB-UBND')).toEqual(['12', 'bb', 'ubnd']);
		expect(searchTerms('DONG THINH dong thinh')).toEqual(['dong', 'thinh']);
	});

	it('gives nothing for a query of punctuation or FTS5 operators only', () => {
		expect(searchTerms('  " * ( ) : ^ - ')).toEqual([]);
		expect(searchTerms('')).toEqual([]);
	});

	it('keeps at most 12 words of at most 64 characters', () => {
		const terms = searchTerms(`${'x'.repeat(100)} ${Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ')}`);
		expect(terms).toHaveLength(12);
		expect(terms[0]).toHaveLength(64);
	});
});

describe('ftsMatchExpression', () => {
	it('quotes every term and makes it a prefix', () => {
		expect(ftsMatchExpression(['hop', 'and', 'near'])).toBe('"hop"* "and"* "near"*');
	});
});

describe('snippetOf', () => {
	const text = `${'Mở đầu cuộc họp, các đại biểu thống nhất chương trình. '.repeat(4)}Ý kiến của Xã Đồng Thịnh: đề nghị huyện hỗ trợ kinh phí làm đường giao thông nông thôn. ${'Kết thúc phần thảo luận. '.repeat(10)}`;

	it('shows the original words (marks and đ kept) around the first hit and marks every hit', () => {
		const parts = snippetOf(text, searchTerms('dong thinh'));
		const hits = parts.filter((p) => p.hit).map((p) => p.text);
		expect(hits).toEqual(['Đồng', 'Thịnh']);
		const joined = parts.map((p) => p.text).join('');
		expect(joined).toContain('Xã Đồng Thịnh: đề nghị');
		expect(joined.startsWith('…')).toBe(true);
		expect(joined.endsWith('…')).toBe(true);
		expect(joined.length).toBeLessThan(300);
	});

	it('matches prefixes at word starts only', () => {
		expect(snippetOf('Thị trấn Tam Sơn', ['thi']).filter((p) => p.hit).map((p) => p.text)).toEqual(['Thị']);
		expect(snippetOf('Thị trấn Tam Sơn', ['hi'])).toEqual([]);
	});

	it('collapses line breaks and is empty without terms or hits', () => {
		expect(snippetOf('Kết luận:\n\nGiao xã', ['giao']).map((p) => p.text).join('')).toBe('Kết luận: Giao xã');
		expect(snippetOf(text, [])).toEqual([]);
		expect(snippetOf(text, ['khongco'])).toEqual([]);
	});
});

describe('numbering rules', () => {
	it('writes numbers below 10 with a leading 0', () => {
		expect(formatReference(5, 'BB-UBND')).toBe('05/BB-UBND');
		expect(formatReference(12, 'BB-UBND')).toBe('12/BB-UBND');
		expect(formatReference(123, 'BB-UBND')).toBe('123/BB-UBND');
	});

	it('counts the year in Vietnam time (UTC+7)', () => {
		expect(vietnamYear(new Date('2026-12-31T16:59:59Z'))).toBe(2026);
		expect(vietnamYear(new Date('2026-12-31T17:00:00Z'))).toBe(2027);
	});
});

describe('searchExpression', () => {
	const commune = { unitId: 'dong-thinh', ancestors: ['song-lo'], below: [], all: false };
	const hex = (id: string) => Buffer.from(id).toString('hex');

	it('puts the words in the text columns and the reader in "readers"', () => {
		expect(searchExpression(['hop', 'ban'], commune, {})).toBe(
			`{reference summary body} : ("hop"* "ban"*) AND readers : ("u${hex('dong-thinh')}" OR "r${hex('dong-thinh')}" OR ("ainternal" AND ("u${hex('song-lo')}")))`
		);
	});

	it('lets an administrator read below, the root administrator everything', () => {
		expect(readersExpression({ unitId: 'song-lo', ancestors: [], below: ['tam-son'], all: false })).toBe(`readers : ("u${hex('song-lo')}" OR "r${hex('song-lo')}" OR "u${hex('tam-son')}")`);
		expect(readersExpression({ unitId: 'song-lo', ancestors: [], below: ['tam-son'], all: true })).toBeNull();
		expect(searchExpression([], { ...commune, all: true }, {})).toBeNull();
	});

	it('filters the issuing unit and the type in the index', () => {
		expect(searchExpression([], { ...commune, all: true }, { unitId: 'bach-luu', type: 'BB' })).toBe(`readers : "u${hex('bach-luu')}" AND readers : "tbb"`);
	});
});
