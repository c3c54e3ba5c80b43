import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedUnit, UnitImportResult } from '../../../shared/src/api/units.ts';
import { createUnitsRepository } from '../../../server/src/features/units/units.repository.ts';
import { freeId, nameKey } from '../../../server/src/domain/unit-names.ts';
import { login, seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const LEVELS = ['Xã', 'Phường', 'Thị trấn', 'Đặc khu', 'xa', 'phuong', 'ward', 'commune'];

/** 120 units as a province office would export them: BOM, CRLF, a row-number column, quoted names with commas. */
function provinceFile(): { lines: string[]; text: () => string } {
	const lines = ['STT,Tên đơn vị,Cấp,Cơ quan ban hành,Mã'];
	for (let i = 1; i <= 120; i += 1) {
		const level = LEVELS[i % LEVELS.length]!;
		const name = i % 10 === 0 ? `"Xã Số ${i}, khu ""Mới"""` : `${level === 'ward' || level.startsWith('Ph') || level === 'phuong' ? 'Phường' : 'Xã'} Thử Nghiệm ${i}`;
		const authority = i % 3 === 0 ? `UBND ĐƠN VỊ ${i}` : '';
		lines.push(`${i},${name},${level},${authority},${String(30000 + i).padStart(5, '0')}`);
		if (i % 40 === 0) {
			lines.push('');
		}
	}
	return { lines, text: () => `\uFEFF${lines.join('\r\n')}\r\n` };
}

describe('importing units from CSV', () => {
	let running: RunningApp;
	let admin: Record<string, string>;

	beforeAll(async () => {
		running = await startApp();
		const accounts = await seedAccounts(running.app);
		admin = (await login(running.app, accounts, 'admin')).headers;
	});
	afterAll(async () => {
		await running?.close();
	});

	const importCsv = (csv: string, confirm: boolean, parentId = 'song-lo') => running.app.inject({ method: 'POST', url: '/api/units/import', headers: admin, payload: { parentId, csv, confirm } });
	const unitCount = () => running.app.db.unit.count();

	it('previews 120 rows naming exactly the 3 bad ones, writes nothing until they are fixed, then imports all at once', async () => {
		const file = provinceFile();
		const before = await unitCount();
		// Line numbers in the file (header = 1, blank lines counted): row i sits on line i + 1 + (blank lines above it).
		const lineOf = (i: number) => i + 1 + Math.floor((i - 1) / 40);
		const rowIndex = (i: number) => file.lines.findIndex((l) => l.startsWith(`${i},`));
		const good = { 7: file.lines[rowIndex(7)]!, 55: file.lines[rowIndex(55)]!, 101: file.lines[rowIndex(101)]! };
		file.lines[rowIndex(7)] = '7,Xã Bảy,huyện,,30007';
		file.lines[rowIndex(55)] = '55,Xã Năm Lăm,xã,,30012';
		file.lines[rowIndex(101)] = '101,,xã,,30101';

		const preview = await importCsv(file.text(), false);
		expect(preview.statusCode, preview.body).toBe(200);
		const result = preview.json<UnitImportResult>();
		expect(result.rows).toHaveLength(120);
		expect(result.errorCount).toBe(3);
		expect(result.imported).toBe(0);
		const bad = result.rows.filter((r) => r.errors.length > 0).map((r) => ({ line: r.line, errors: r.errors.map((e) => [e.field, e.reason]) }));
		expect(bad).toEqual([
			{ line: lineOf(7), errors: [['kind', 'unit_kind_not_allowed']] },
			{ line: lineOf(55), errors: [['code', 'unit_code_taken']] },
			{ line: lineOf(101), errors: [['name', 'required']] },
		]);
		const tenth = result.rows.find((r) => r.code === '30010')!;
		expect(tenth).toEqual({ line: lineOf(10), name: 'Xã Số 10, khu "Mới"', kind: 'town', authority: 'UBND XÃ SỐ 10, KHU "MỚI"', code: '30010', errors: [] });
		expect(result.rows.find((r) => r.code === '30001')).toMatchObject({ name: 'Phường Thử Nghiệm 1', kind: 'ward', authority: 'UBND PHƯỜNG THỬ NGHIỆM 1' });
		expect(result.rows.find((r) => r.code === '30003')).toMatchObject({ kind: 'special_zone', authority: 'UBND ĐƠN VỊ 3' });
		expect(await unitCount()).toBe(before);

		const refused = await importCsv(file.text(), true);
		expect(refused.statusCode).toBe(409);
		expect(refused.json()).toMatchObject({ code: 'invalid_state', reason: 'import_has_errors' });
		expect(await unitCount()).toBe(before);
		expect(await running.app.db.auditEvent.count({ where: { action: 'units.imported' } })).toBe(0);

		Object.entries(good).forEach(([i, line]) => {
			file.lines[rowIndex(Number(i))] = line;
		});
		const fixed = await importCsv(file.text(), false);
		expect(fixed.json<UnitImportResult>().errorCount).toBe(0);
		const imported = await importCsv(file.text(), true);
		expect(imported.statusCode, imported.body).toBe(200);
		expect(imported.json<UnitImportResult>()).toMatchObject({ errorCount: 0, imported: 120 });
		expect(await unitCount()).toBe(before + 120);

		const listed = (await running.app.inject({ url: '/api/units', headers: admin })).json<ManagedUnit[]>();
		const codes = new Set(listed.map((u) => u.code));
		for (let i = 1; i <= 120; i += 1) {
			expect(codes.has(String(30000 + i))).toBe(true);
		}
		expect(listed.find((u) => u.code === '30001')).toMatchObject({ id: 'phuong-thu-nghiem-1', parentId: 'song-lo', active: true, accountCount: 0 });
		const members = (await running.app.inject({ url: '/api/host-unit' })).json<{ members: { id: string; name: string }[] }>().members;
		expect(members).toHaveLength(17 + 120);
		expect(members.map((m) => m.name)).toContain('Xã Số 10, khu "Mới"');
		const audit = await running.app.db.auditEvent.findMany({ where: { action: 'units.imported' } });
		expect(audit.map((e) => JSON.parse(e.detail) as unknown)).toEqual([{ parentId: 'song-lo', count: 120 }]);

		// The same file again: every row is taken, by code and by name.
		const again = (await importCsv(file.text(), false)).json<UnitImportResult>();
		expect(again.errorCount).toBe(120);
		for (const row of again.rows) {
			expect(row.errors.map((e) => e.reason).sort()).toEqual(['unit_code_taken', 'unit_name_taken']);
		}
		expect((await importCsv(file.text(), true)).statusCode).toBe(409);
		expect(await unitCount()).toBe(before + 120);
	});

	it('refuses files it cannot read, on the field csv, and units below a member unit', async () => {
		for (const csv of ['mã,ghi chú\n1,x\n', 'tên,cấp\n"Xã A,xã\n', `tên,cấp\n${Array.from({ length: 2001 }, (_, i) => `Xã Lớn ${i},xã`).join('\n')}\n`]) {
			const reply = await importCsv(csv, false);
			expect(reply.statusCode).toBe(400);
			expect(reply.json()).toMatchObject({ code: 'invalid_payload', field: 'csv' });
		}
		const empty = await importCsv('tên,cấp\n\n', true);
		expect(empty.statusCode).toBe(400);
		const belowCommune = await importCsv('tên,cấp\nThôn A,xã\n', false, 'dong-thinh');
		expect(belowCommune.json()).toMatchObject({ reason: 'unit_kind_not_allowed', field: 'parentId' });
		// Semicolons, as Excel writes CSV in a Vietnamese locale.
		const semicolons = (await importCsv('Tên;Cấp;Mã\r\nXã Chấm Phẩy;xã;40001\r\n', false)).json<UnitImportResult>();
		expect(semicolons.rows).toEqual([{ line: 2, name: 'Xã Chấm Phẩy', kind: 'commune', authority: 'UBND XÃ CHẤM PHẨY', code: '40001', errors: [] }]);
	});

	it('a preview made stale by another import is refused on confirm as import_has_errors, writing nothing', async () => {
		const mine = 'tên,cấp,mã\nXã Cũ Một,xã,60001\nXã Cũ Hai,xã,60002\n';
		const theirs = 'tên,cấp,mã\nXã Khác Hẳn,xã,60002\n';
		expect((await importCsv(mine, false)).json<UnitImportResult>().errorCount).toBe(0);
		// Another administrator imports a file that takes one of the codes after that preview.
		expect((await importCsv(theirs, true)).json<UnitImportResult>()).toMatchObject({ imported: 1 });
		const before = await unitCount();
		const audits = await running.app.db.auditEvent.count({ where: { action: 'units.imported' } });
		const confirmed = await importCsv(mine, true);
		expect(confirmed.statusCode).toBe(409);
		expect(confirmed.json()).toMatchObject({ code: 'invalid_state', reason: 'import_has_errors' });
		expect(await unitCount()).toBe(before);
		expect(await running.app.db.unit.count({ where: { code: '60001' } })).toBe(0);
		expect(await running.app.db.auditEvent.count({ where: { action: 'units.imported' } })).toBe(audits);

		// Two confirms of files sharing a name at once: the transaction of one sees the other's rows.
		const racing = await Promise.all([
			importCsv('tên,cấp\nXã Cùng Lúc,xã\nXã Riêng A,xã\n', true),
			importCsv('tên,cấp\nxã cùng lúc,xã\nXã Riêng B,xã\n', true),
		]);
		expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
		expect(racing.find((r) => r.statusCode === 409)!.json()).toMatchObject({ reason: 'import_has_errors' });
		expect(await unitCount()).toBe(before + 2);
	});

	it('checks codes and names again inside the import transaction, writing nothing on a conflict', async () => {
		// What a confirm finds when another administrator took a code or name after the preview.
		const repository = createUnitsRepository(running.app.db);
		const before = await unitCount();
		const fresh = { kind: 'commune' as const, authority: 'UBND XÃ MỚI', code: '50001' };
		const takenCode = [{ ...fresh, name: 'Xã Mới Một' }, { ...fresh, name: 'Xã Mới Hai', code: '09999' }];
		await running.app.db.unit.update({ where: { id: 'dong-que' }, data: { code: '09999' } });
		expect(await repository.createMany('song-lo', takenCode, nameKey, freeId)).toBe('conflict');
		expect(await repository.createMany('song-lo', [{ ...fresh, name: 'XÃ ĐỒNG THỊNH', code: null }], nameKey, freeId)).toBe('conflict');
		expect(await unitCount()).toBe(before);
		expect(await repository.createMany('song-lo', [{ ...fresh, name: 'Xã Mới Một' }], nameKey, freeId)).toBe(1);
		expect(await unitCount()).toBe(before + 1);
	});
});
