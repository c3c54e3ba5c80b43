/** PDF text strings (ISO 32000-1 7.3.4, 7.9.2): reading the ones a signature dictionary holds, writing hex ones. */

const ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, f: 0x0c, '(': 0x28, ')': 0x29, '\\': 0x5c };

/** A literal string starting at `start` (the opening parenthesis): its bytes and the offset after it. */
export function readLiteralString(pdf: Buffer, start: number): { bytes: Buffer; end: number } | null {
	const out: number[] = [];
	let depth = 0;
	let at = start;
	while (at < pdf.length) {
		const byte = pdf[at]!;
		if (byte === 0x5c) {
			const next = pdf[at + 1];
			if (next === undefined) {
				return null;
			}
			const char = String.fromCharCode(next);
			if (ESCAPES[char] !== undefined) {
				out.push(ESCAPES[char]);
				at += 2;
			} else if (next >= 0x30 && next <= 0x37) {
				let digits = '';
				let i = at + 1;
				while (digits.length < 3 && pdf[i] !== undefined && pdf[i]! >= 0x30 && pdf[i]! <= 0x37) {
					digits += String.fromCharCode(pdf[i]!);
					i += 1;
				}
				out.push(parseInt(digits, 8) & 0xff);
				at = i;
			} else if (next === 0x0d || next === 0x0a) {
				// A backslash at the end of a line continues the string on the next one.
				at += next === 0x0d && pdf[at + 2] === 0x0a ? 3 : 2;
			} else {
				at += 1;
			}
			continue;
		}
		if (byte === 0x28) {
			depth += 1;
			if (depth === 1) {
				at += 1;
				continue;
			}
		} else if (byte === 0x29) {
			depth -= 1;
			if (depth === 0) {
				return { bytes: Buffer.from(out), end: at + 1 };
			}
		}
		out.push(byte);
		at += 1;
	}
	return null;
}

/** A hex string starting at `start` (the opening angle bracket). */
export function readHexString(pdf: Buffer, start: number): { bytes: Buffer; end: number } | null {
	const close = pdf.indexOf(0x3e, start + 1);
	if (close === -1) {
		return null;
	}
	let hex = pdf.subarray(start + 1, close).toString('latin1').replace(/\s+/g, '');
	if (!/^[0-9a-fA-F]*$/.test(hex)) {
		return null;
	}
	if (hex.length % 2 === 1) {
		hex += '0';
	}
	return { bytes: Buffer.from(hex, 'hex'), end: close + 1 };
}

/** Bytes of a text string as text: UTF-16BE or UTF-8 with their byte order marks, else PDFDocEncoding (read as Latin-1, which it matches for text). */
export function decodeTextString(bytes: Buffer): string {
	if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
		const body = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
		return body.swap16().toString('utf16le').normalize('NFC');
	}
	if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
		return bytes.subarray(3).toString('utf8').normalize('NFC');
	}
	return bytes.toString('latin1');
}

/** A text string as a PDF hex string: plain ASCII as it is, anything else UTF-16BE with a byte order mark. */
export function hexTextString(text: string): string {
	if (/^[\x20-\x7e]*$/.test(text)) {
		return `<${Buffer.from(text, 'latin1').toString('hex')}>`;
	}
	const utf16 = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
	return `<${utf16.toString('hex')}>`;
}

/** The value of `/Key (…)` or `/Key <…>` in a dictionary's bytes, decoded; null when absent or not a string. */
export function dictionaryText(dict: Buffer, key: string): string | null {
	const pattern = new RegExp(`/${key}\\s*([(<])`, 'g');
	const text = dict.toString('latin1');
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		const at = match.index + match[0].length - 1;
		if (match[1] === '<') {
			if (dict[at + 1] === 0x3c) {
				// "<<" opens a dictionary, e.g. a /Name inside /Prop_Build.
				continue;
			}
			const hex = readHexString(dict, at);
			if (hex) {
				return decodeTextString(hex.bytes);
			}
			continue;
		}
		const literal = readLiteralString(dict, at);
		if (literal) {
			return decodeTextString(literal.bytes);
		}
	}
	return null;
}

/** A PDF date (D:YYYYMMDDHHmmSSOHH'mm') as ISO 8601, or null. */
export function pdfDateToIso(value: string | null): string | null {
	if (value === null) {
		return null;
	}
	const match = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-])?(?:(\d{2})'?(\d{2})?'?)?/.exec(value.trim());
	if (!match) {
		return null;
	}
	const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', sign, offsetHours = '00', offsetMinutes = '00'] = match;
	const zone = sign === undefined || sign === 'Z' ? 'Z' : `${sign}${offsetHours}:${offsetMinutes}`;
	const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${zone}`);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
