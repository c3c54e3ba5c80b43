import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../../server/src/features/attachments/content-disposition.ts';
import { cleanFileName, DEFAULT_FILE_NAME, MAX_FILE_NAME_BYTES } from '../../../server/src/features/attachments/file-types.ts';

describe('cleanFileName', () => {
	it('drops paths, controls, bidi and other format characters', () => {
		expect(cleanFileName('C:\\Users\\a\\..\\Báo cáo.pdf')).toBe('Báo cáo.pdf');
		expect(cleanFileName('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
		for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\uFEFF', '\u0000', '\u001b', '\u007f', '\u0085', '\u2028', '\ud800', '"']) {
			expect(cleanFileName(`a${c}b.txt`), c.codePointAt(0)!.toString(16)).toBe('ab.txt');
		}
	});

	it('composes Vietnamese (NFC) and drops trailing dots and spaces', () => {
		expect(cleanFileName('Ba\u0301o ca\u0301o.txt . ')).toBe('Báo cáo.txt');
	});

	it('gives a default to a name with nothing left', () => {
		for (const name of ['', '\u202E\u200F', '../', ' . .. ', '\u0000']) {
			expect(cleanFileName(name), JSON.stringify(name)).toBe(DEFAULT_FILE_NAME);
		}
	});

	it('shortens to MAX_FILE_NAME_BYTES of UTF-8, keeping the extension and whole characters', () => {
		const ascii = cleanFileName(`${'a'.repeat(300)}.docx`);
		expect(ascii).toBe(`${'a'.repeat(MAX_FILE_NAME_BYTES - 5)}.docx`);
		const vietnamese = cleanFileName(`${'Ủy ban nhân dân xã '.repeat(30)}.pdf`);
		expect(vietnamese.endsWith('n dân xã.pdf') || vietnamese.endsWith('.pdf')).toBe(true);
		expect(Buffer.byteLength(vietnamese)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
		expect(vietnamese.normalize('NFC')).toBe(vietnamese);
		expect(vietnamese).not.toMatch(/\uFFFD/);
		// Combining marks stay with their letter when cut (Intl.Segmenter graphemes).
		const decomposedTail = cleanFileName(`${'x'.repeat(195)}\u1EE6\u0301\u0301.pdf`);
		expect(Buffer.byteLength(decomposedTail)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
		expect(decomposedTail).toBe(`${'x'.repeat(195)}.pdf`);
		// A long "extension" is not one.
		expect(Buffer.byteLength(cleanFileName(`a.${'b'.repeat(300)}`))).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
	});
});

describe('attachmentDisposition', () => {
	it('sends UTF-8 through filename* and an ASCII fallback', () => {
		expect(attachmentDisposition('Báo cáo tháng 11 (đợt 2).pdf')).toBe(
			`attachment; filename="Bao cao thang 11 (dot 2).pdf"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2011%20%28%C4%91%E1%BB%A3t%202%29.pdf`
		);
		expect(attachmentDisposition('a\u202E"b%.txt')).toBe(`attachment; filename="ab_.txt"; filename*=UTF-8''ab%25.txt`);
	});
});
