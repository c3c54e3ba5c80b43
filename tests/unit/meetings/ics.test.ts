import { describe, expect, it } from 'vitest';
import { escapeText, fold, toIcs } from '../../../server/src/features/meetings/ics.ts';

describe('escapeText (RFC 5545 TEXT)', () => {
	it('escapes backslash, semicolon, comma and every kind of line break', () => {
		expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d');
		expect(escapeText('1\r\n2\n3\r4\u00855\u20286\u20297')).toBe('1\\n2\\n3\\n4\\n5\\n6\\n7');
	});

	it('removes other controls and lone surrogates, keeps tab and Vietnamese', () => {
		expect(escapeText('a\u0000b\u0007c\u001bd\u007fe\u009ff\tg\ud800h')).toBe('abcdef\tgh');
		expect(escapeText('Hội nghị 😀')).toBe('Hội nghị 😀');
	});
});

describe('fold', () => {
	it('folds at 75 octets, never inside a UTF-8 sequence', () => {
		const line = `SUMMARY:${'ệ😀'.repeat(40)}`;
		const folded = fold(line);
		const parts = folded.split('\r\n');
		expect(parts.length).toBeGreaterThan(1);
		for (const [i, part] of parts.entries()) {
			expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
			expect(i === 0 || part.startsWith(' ')).toBe(true);
			expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
		}
		expect(folded.replace(/\r\n /g, '')).toBe(line);
	});
});

describe('toIcs', () => {
	it('gives an injected line break no line of its own', () => {
		const ics = toIcs('Lịch\rX-CAL:1', [
			{
				uid: 'm1@giaoban',
				title: 'a\rX-INJECT:1',
				description: 'b\nEND:VEVENT',
				location: 'c\r\nBEGIN:VALARM',
				startsAt: new Date('2026-12-01T01:00:00Z'),
				endsAt: new Date('2026-12-01T02:00:00Z'),
				cancelled: false,
				url: 'https://giaoban.example.vn/meetings/m1',
				updatedAt: new Date('2026-11-01T00:00:00Z'),
			},
		]);
		const lines = ics.replace(/\r\n /g, '').split('\r\n');
		expect(lines.filter((l) => /^(X-CAL|X-INJECT|BEGIN:VALARM)/.test(l))).toEqual([]);
		expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(1);
		expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
	});
});
