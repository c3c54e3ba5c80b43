import type { ImportRow, ImportRowError } from '#shared/api/units.ts';
import { CsvSyntaxError, detectDelimiter, readCsv, type CsvRecord } from '../../lib/csv-read.ts';
import { InvalidPayloadError } from '../../lib/errors.ts';
import { cleanText, defaultAuthority, fold, nameKey, parseMemberLevel } from '../../domain/unit-names.ts';

/** More than a province has (the largest has about 170 units); a bigger file is a wrong file. */
export const MAX_IMPORT_ROWS = 2000;

const NAME_MAX = 120;
const AUTHORITY_MAX = 160;
const CODE_MAX = 20;
const CODE_PATTERN = /^[A-Za-z0-9._-]+$/;

type Column = 'name' | 'kind' | 'authority' | 'code';

/** Header words (folded: lower case, no diacritics) and the column each names. */
const HEADERS = new Map<string, Column>([
	['name', 'name'],
	['ten', 'name'],
	['ten don vi', 'name'],
	['level', 'kind'],
	['kind', 'kind'],
	['cap', 'kind'],
	['loai', 'kind'],
	['cap hanh chinh', 'kind'],
	['loai don vi', 'kind'],
	['authority', 'authority'],
	['co quan', 'authority'],
	['co quan ban hanh', 'authority'],
	['code', 'code'],
	['ma', 'code'],
	['ma don vi', 'code'],
	['ma hanh chinh', 'code'],
]);

/** What the database holds that a row must not repeat. */
export type ImportContext = {
	/** Codes of every unit (a code is unique across the deployment). */
	codes: ReadonlySet<string>;
	/** nameKey() of the parent's active units. */
	siblingNames: ReadonlySet<string>;
};

function invalidFile(message: string): InvalidPayloadError {
	return new InvalidPayloadError(message, { field: 'csv' });
}

function records(csv: string): CsvRecord[] {
	try {
		return readCsv(csv, detectDelimiter(csv));
	} catch (error) {
		if (error instanceof CsvSyntaxError) {
			throw invalidFile(error.message);
		}
		throw error;
	}
}

/** Which field index holds each column, from the header row. */
function columnsOf(header: CsvRecord): Map<Column, number> {
	const columns = new Map<Column, number>();
	header.fields.forEach((cell, index) => {
		const column = HEADERS.get(fold(cell));
		if (!column) {
			// Other columns (a row number, notes) are common in spreadsheets and ignored.
			return;
		}
		if (columns.has(column)) {
			throw invalidFile(`The header row names the ${column} column twice`);
		}
		columns.set(column, index);
	});
	if (!columns.has('name') || !columns.has('kind')) {
		throw invalidFile('The first row must be a header naming at least the columns name (tên) and level (cấp); authority (cơ quan) and code (mã) are optional');
	}
	return columns;
}

/**
 * The rows of an import file with what is wrong with each, against the file itself (a code or
 * name repeated from an earlier line) and against `context`. File-level problems (no header,
 * unreadable CSV, too many rows) are thrown as invalid_payload on the field csv.
 */
export function previewImport(csv: string, context: ImportContext): ImportRow[] {
	const [header, ...body] = records(csv);
	if (!header) {
		throw invalidFile('The file is empty');
	}
	const columns = columnsOf(header);
	const data = body.filter((record) => record.fields.some((cell) => cell.trim() !== ''));
	if (data.length > MAX_IMPORT_ROWS) {
		throw invalidFile(`The file has ${data.length} rows; at most ${MAX_IMPORT_ROWS} are imported at once`);
	}
	const codeLines = new Map<string, number>();
	const nameLines = new Map<string, number>();
	return data.map((record) => {
		const cell = (column: Column): string => {
			const index = columns.get(column);
			return index === undefined ? '' : cleanText(record.fields[index] ?? '');
		};
		const errors: ImportRowError[] = [];
		const problem = (field: Column, reason: string, message: string): void => {
			errors.push({ field, reason, message });
		};

		const name = cell('name');
		if (name === '') {
			problem('name', 'required', 'The name is missing');
		} else if (name.length > NAME_MAX) {
			problem('name', 'maxLength', `The name is longer than ${NAME_MAX} characters`);
		} else {
			const key = nameKey(name);
			const earlier = nameLines.get(key);
			if (earlier !== undefined) {
				problem('name', 'unit_name_taken', `The name ${name} is already on line ${earlier}`);
			} else if (context.siblingNames.has(key)) {
				problem('name', 'unit_name_taken', `A unit named ${name} already exists`);
			} else {
				nameLines.set(key, record.line);
			}
		}

		const level = cell('kind');
		const kind = level === '' ? null : parseMemberLevel(level);
		if (level === '') {
			problem('kind', 'required', 'The level is missing');
		} else if (!kind) {
			problem('kind', 'unit_kind_not_allowed', `Unknown level ${level}: write xã, phường, thị trấn or đặc khu (commune, ward, town, special_zone)`);
		}

		const given = cell('authority');
		const authority = given !== '' || !kind || name === '' ? given : defaultAuthority(kind, name);
		if (authority.length > AUTHORITY_MAX) {
			problem('authority', 'maxLength', `The authority is longer than ${AUTHORITY_MAX} characters`);
		}

		const code = cell('code');
		if (code.length > CODE_MAX) {
			problem('code', 'maxLength', `The code is longer than ${CODE_MAX} characters`);
		} else if (code !== '' && !CODE_PATTERN.test(code)) {
			problem('code', 'pattern', 'A code holds only letters, digits, dots, dashes and underscores');
		} else if (code !== '') {
			const earlier = codeLines.get(code);
			if (earlier !== undefined) {
				problem('code', 'unit_code_taken', `The code ${code} is already on line ${earlier}`);
			} else if (context.codes.has(code)) {
				problem('code', 'unit_code_taken', `The code ${code} is already used by a unit`);
			} else {
				codeLines.set(code, record.line);
			}
		}

		return { line: record.line, name, kind, authority, code: code === '' ? null : code, errors };
	});
}
