/**
 * A CSV reader for RFC 4180 text as spreadsheets export it: fields in double quotes may hold the
 * delimiter, line breaks and doubled quotes (""); records end with CRLF, LF or CR; a UTF-8 byte
 * order mark (Excel writes one) is dropped. Lines with nothing on them are skipped.
 */

export type CsvRecord = {
	/** Line of the file where the record starts (1-based; a quoted line break makes a record span lines). */
	line: number;
	fields: string[];
};

export type CsvDelimiter = ',' | ';' | '\t';

export class CsvSyntaxError extends Error {
	readonly line: number;

	constructor(message: string, line: number) {
		super(`Line ${line}: ${message}`);
		this.name = 'CsvSyntaxError';
		this.line = line;
	}
}

/**
 * The delimiter of the first record: Excel in a locale whose decimal mark is a comma (Vietnamese
 * among them) saves "CSV" with semicolons. Comma unless another one occurs more often outside quotes.
 */
export function detectDelimiter(text: string): CsvDelimiter {
	const counts = { ',': 0, ';': 0, '\t': 0 };
	let quoted = false;
	for (const char of text.replace(/^\uFEFF/, '')) {
		if (char === '"') {
			quoted = !quoted;
		} else if (!quoted && (char === '\n' || char === '\r')) {
			break;
		} else if (!quoted && (char === ',' || char === ';' || char === '\t')) {
			counts[char] += 1;
		}
	}
	if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) {
		return ';';
	}
	return counts['\t'] > counts[','] ? '\t' : ',';
}

export function readCsv(input: string, delimiter: CsvDelimiter = ','): CsvRecord[] {
	const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
	const records: CsvRecord[] = [];
	let fields: string[] = [];
	let field = '';
	let line = 1;
	let recordLine = 1;
	// Whether the current record has anything yet: a delimiter or a character (a bare line break does not).
	let started = false;
	let i = 0;

	const endRecord = (): void => {
		if (started) {
			fields.push(field);
			records.push({ line: recordLine, fields });
		}
		fields = [];
		field = '';
		started = false;
	};

	while (i < text.length) {
		const char = text[i]!;
		if (char === '"' && field === '' && (!started || text[i - 1] === delimiter)) {
			// A quoted field: runs to the quote that is not doubled.
			const openedOn = line;
			started = true;
			i += 1;
			for (;;) {
				if (i >= text.length) {
					throw new CsvSyntaxError('a quoted field is not closed', openedOn);
				}
				const c = text[i]!;
				if (c === '"') {
					if (text[i + 1] === '"') {
						field += '"';
						i += 2;
						continue;
					}
					i += 1;
					break;
				}
				if (c === '\r' || c === '\n') {
					// Kept as written except CRLF, stored as LF like every other line break.
					if (c === '\r' && text[i + 1] === '\n') {
						i += 1;
					}
					field += '\n';
					line += 1;
					i += 1;
					continue;
				}
				field += c;
				i += 1;
			}
			const next = text[i];
			if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
				throw new CsvSyntaxError('text follows a closing quote (write a quote inside a quoted field as "")', line);
			}
			continue;
		}
		if (char === delimiter) {
			started = true;
			fields.push(field);
			field = '';
			i += 1;
			continue;
		}
		if (char === '\r' || char === '\n') {
			endRecord();
			i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
			line += 1;
			recordLine = line;
			continue;
		}
		// A quote inside an unquoted field is kept as it is, as spreadsheets read it.
		started = true;
		field += char;
		i += 1;
	}
	endRecord();
	return records;
}
