import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, detectDelimiter, readCsv } from '../../../server/src/lib/csv-read.ts';

const fieldsOf = (text: string, delimiter?: ',' | ';' | '\t') => readCsv(text, delimiter).map((r) => r.fields);

describe('readCsv', () => {
	it('splits records and fields, with or without a final line break', () => {
		expect(fieldsOf('a,b,c\n1,2,3')).toEqual([
			['a', 'b', 'c'],
			['1', '2', '3'],
		]);
		expect(fieldsOf('a,b,c\n1,2,3\n')).toEqual([
			['a', 'b', 'c'],
			['1', '2', '3'],
		]);
		expect(fieldsOf('a,,c\n,,\n')).toEqual([
			['a', '', 'c'],
			['', '', ''],
		]);
	});

	it('reads CRLF, LF and lone CR line ends alike', () => {
		const expected = [
			['tên', 'cấp'],
			['Xã A', 'xã'],
			['Phường B', 'phường'],
		];
		expect(fieldsOf('tên,cấp\r\nXã A,xã\r\nPhường B,phường\r\n')).toEqual(expected);
		expect(fieldsOf('tên,cấp\nXã A,xã\r\nPhường B,phường')).toEqual(expected);
		expect(fieldsOf('tên,cấp\rXã A,xã\rPhường B,phường\r')).toEqual(expected);
	});

	it('drops a UTF-8 byte order mark so that the first header is matched', () => {
		const records = readCsv('\uFEFFname,code\r\nXã A,01\r\n');
		expect(records[0]!.fields[0]).toBe('name');
		expect(records).toHaveLength(2);
	});

	it('reads quoted fields holding delimiters, doubled quotes and nothing', () => {
		expect(fieldsOf('"Xã A, huyện B","UBND ""XÃ A""",""\n')).toEqual([['Xã A, huyện B', 'UBND "XÃ A"', '']]);
		expect(fieldsOf('""')).toEqual([['']]);
		expect(fieldsOf('a,""\n"",b')).toEqual([
			['a', ''],
			['', 'b'],
		]);
	});

	it('keeps line breaks inside quotes (as LF) and numbers records by the line they start on', () => {
		const records = readCsv('name,note\r\n"Xã A","dòng 1\r\ndòng 2\ndòng 3"\r\nXã B,x\r\n');
		expect(records).toEqual([
			{ line: 1, fields: ['name', 'note'] },
			{ line: 2, fields: ['Xã A', 'dòng 1\ndòng 2\ndòng 3'] },
			{ line: 5, fields: ['Xã B', 'x'] },
		]);
	});

	it('skips empty lines but keeps counting them', () => {
		const records = readCsv('name\n\nXã A\r\n\r\n\r\nXã B\n\n');
		expect(records).toEqual([
			{ line: 1, fields: ['name'] },
			{ line: 3, fields: ['Xã A'] },
			{ line: 6, fields: ['Xã B'] },
		]);
		expect(readCsv('')).toEqual([]);
		expect(readCsv('\uFEFF\r\n\n')).toEqual([]);
	});

	it('keeps a quote inside an unquoted field as it is', () => {
		expect(fieldsOf('Xã 5"A",b')).toEqual([['Xã 5"A"', 'b']]);
	});

	it('refuses an unclosed quote and text after a closing quote, naming the line', () => {
		expect(() => readCsv('name\n"Xã A\nXã B\n')).toThrow(CsvSyntaxError);
		const thrown = ((): unknown => {
			try {
				return readCsv('name\nXã C\n"Xã A\nXã B\n');
			} catch (error) {
				return error;
			}
		})();
		expect(thrown).toBeInstanceOf(CsvSyntaxError);
		expect((thrown as CsvSyntaxError).line).toBe(3);
		expect(() => readCsv('"Xã A"x,b')).toThrow(/closing quote/);
	});

	it('reads another delimiter when told, and finds it from the header', () => {
		expect(fieldsOf('tên;cấp\n"Xã A; B";xã', ';')).toEqual([
			['tên', 'cấp'],
			['Xã A; B', 'xã'],
		]);
		expect(detectDelimiter('\uFEFFtên;cấp;mã\nXã A, B;xã;1')).toBe(';');
		expect(detectDelimiter('tên,cấp,mã\n')).toBe(',');
		expect(detectDelimiter('"tên;x",cấp\n')).toBe(',');
		expect(detectDelimiter('tên\tcấp\n')).toBe('\t');
		expect(detectDelimiter('tên\n')).toBe(',');
	});
});
