import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../../server/src/lib/errors.ts';
import { defaultAuthority, freeId, nameKey, parseMemberLevel, slugOf } from '../../../server/src/domain/unit-names.ts';
import { MAX_IMPORT_ROWS, previewImport } from '../../../server/src/features/units/units-import.ts';

const none = { codes: new Set<string>(), siblingNames: new Set<string>() };

function invalidFile(run: () => unknown): InvalidPayloadError {
	try {
		run();
	} catch (error) {
		if (error instanceof InvalidPayloadError) {
			return error;
		}
		throw error;
	}
	throw new Error('no error was thrown');
}

describe('unit names', () => {
	it('makes readable ids without diacritics, with a suffix when taken', () => {
		expect(slugOf('Xã Đồng Thịnh')).toBe('xa-dong-thinh');
		expect(slugOf('Phường Hà Đông (mới)')).toBe('phuong-ha-dong-moi');
		expect(slugOf('Đặc khu Phú Quốc')).toBe('dac-khu-phu-quoc');
		expect(slugOf('!!!')).toBe('don-vi');
		expect(slugOf('Xã '.repeat(40)).length).toBeLessThanOrEqual(56);
		expect(freeId('Xã Đồng Thịnh', new Set(['xa-dong-thinh', 'xa-dong-thinh-2']))).toBe('xa-dong-thinh-3');
		expect(freeId('Xã Đồng Thịnh', new Set(['dong-thinh']))).toBe('xa-dong-thinh');
	});

	it('reads levels in English and Vietnamese, with or without diacritics', () => {
		expect(['commune', 'Xã', 'xa', ' XÃ '].map(parseMemberLevel)).toEqual(['commune', 'commune', 'commune', 'commune']);
		expect(['ward', 'Phường', 'phuong'].map(parseMemberLevel)).toEqual(['ward', 'ward', 'ward']);
		expect(['town', 'Thị trấn', 'thi  tran'].map(parseMemberLevel)).toEqual(['town', 'town', 'town']);
		expect(['special_zone', 'Đặc khu', 'dac khu'].map(parseMemberLevel)).toEqual(['special_zone', 'special_zone', 'special_zone']);
		expect(['huyện', 'district', 'thôn', ''].map(parseMemberLevel)).toEqual([null, null, null, null]);
	});

	it('writes the issuing-body line from the name, adding the level word when the name lacks it', () => {
		expect(defaultAuthority('commune', 'Xã Đồng Thịnh')).toBe('UBND XÃ ĐỒNG THỊNH');
		expect(defaultAuthority('commune', 'Đồng Thịnh')).toBe('UBND XÃ ĐỒNG THỊNH');
		expect(defaultAuthority('town', 'Tam Sơn')).toBe('UBND THỊ TRẤN TAM SƠN');
		expect(defaultAuthority('special_zone', 'Đặc khu Phú Quốc')).toBe('UBND ĐẶC KHU PHÚ QUỐC');
		expect(defaultAuthority('ward', 'phường  Ba Đình')).toBe('UBND PHƯỜNG BA ĐÌNH');
	});

	it('compares names without case and spacing, but with diacritics and across Unicode forms', () => {
		expect(nameKey('Xã  Đồng THỊNH')).toBe(nameKey('xã đồng thịnh'));
		expect(nameKey('Xã Đồng Thịnh'.normalize('NFD'))).toBe(nameKey('Xã Đồng Thịnh'));
		expect(nameKey('Xã Tân Lập')).not.toBe(nameKey('Xã Tấn Lập'));
	});
});

describe('previewImport', () => {
	it('maps Vietnamese headers in any order and case, ignoring other columns', () => {
		const rows = previewImport('\uFEFFSTT;Mã;Tên đơn vị;CẤP;Cơ quan\r\n1;00001;Xã Một;xã;\r\n2;00002;Phường Hai;Phường;UBND PHƯỜNG HAI (MỚI)\r\n', none);
		expect(rows).toEqual([
			{ line: 2, name: 'Xã Một', kind: 'commune', authority: 'UBND XÃ MỘT', code: '00001', errors: [] },
			{ line: 3, name: 'Phường Hai', kind: 'ward', authority: 'UBND PHƯỜNG HAI (MỚI)', code: '00002', errors: [] },
		]);
		expect(previewImport('ten,cap\nXa Ba,xa\n', none)[0]).toMatchObject({ name: 'Xa Ba', kind: 'commune', code: null });
		expect(previewImport('Name , Level ,Authority,Code\nWard 4,ward,,\n', none)[0]).toMatchObject({ name: 'Ward 4', kind: 'ward', authority: 'UBND PHƯỜNG WARD 4', code: null });
	});

	it('reports each bad row with the column and reason, only the later of two duplicates', () => {
		const csv = [
			'tên,cấp,mã',
			'Xã Một,xã,001',
			',xã,002',
			'Xã Ba,huyện,003',
			'Xã Bốn,xã,001',
			'xã  một,xã,005',
			'Xã Sáu,xã,0 6',
			`${'X'.repeat(121)},xã,007`,
			'Xã Tám,,008',
			'Xã Chín,xã,taken',
			'Xã Cũ,xã,010',
		].join('\n');
		const rows = previewImport(csv, { codes: new Set(['taken']), siblingNames: new Set([nameKey('Xã cũ')]) });
		expect(rows.map((r) => [r.line, r.errors.map((e) => `${e.field}:${e.reason}`)])).toEqual([
			[2, []],
			[3, ['name:required']],
			[4, ['kind:unit_kind_not_allowed']],
			[5, ['code:unit_code_taken']],
			[6, ['name:unit_name_taken']],
			[7, ['code:pattern']],
			[8, ['name:maxLength']],
			[9, ['kind:required']],
			[10, ['code:unit_code_taken']],
			[11, ['name:unit_name_taken']],
		]);
		expect(rows[3]!.errors[0]!.message).toContain('line 2');
	});

	it('refuses files without a usable header, unreadable ones and too many rows, on the field csv', () => {
		expect(invalidFile(() => previewImport('\n\n', none)).field).toBe('csv');
		expect(invalidFile(() => previewImport('mã,cơ quan\n1,UBND\n', none)).message).toMatch(/header/);
		expect(invalidFile(() => previewImport('tên,tên,cấp\n', none)).message).toMatch(/twice/);
		expect(invalidFile(() => previewImport('tên,cấp\n"Xã A,xã\n', none)).message).toMatch(/not closed/);
		const many = ['tên,cấp', ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `Xã ${i},xã`)].join('\n');
		expect(invalidFile(() => previewImport(many, none)).message).toContain(String(MAX_IMPORT_ROWS));
		const enough = ['tên,cấp', ...Array.from({ length: MAX_IMPORT_ROWS }, (_, i) => `Xã ${i},xã`), ',', ''].join('\n');
		expect(previewImport(enough, none)).toHaveLength(MAX_IMPORT_ROWS);
	});
});
