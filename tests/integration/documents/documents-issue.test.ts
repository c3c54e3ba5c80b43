import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueDocumentInput } from '../../../server/src/features/documents/documents.service.ts';
import { seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

describe('document numbering and issuance', () => {
	let running: RunningApp;
	let secretaryId = '';
	let communeUserId = '';

	const input = (overrides: Partial<IssueDocumentInput> = {}): IssueDocumentInput => ({
		unitId: 'song-lo',
		type: 'BB',
		symbol: 'BB-UBND',
		summary: 'Họp giao ban công tác tháng 12',
		documentDate: '2026-12-03',
		signerName: 'Nguyễn Văn A',
		access: 'restricted',
		recipientUnitIds: ['dong-thinh'],
		bodyText: (reference) => `Số: ${reference}\nBIÊN BẢN\nHọp giao ban công tác tháng 12`,
		issuedById: secretaryId,
		fileIds: [],
		...overrides,
	});
	const counter = async (unitId: string) =>
		(await running.app.db.documentCounter.findMany({ where: { unitId } })).map(({ year, series, last }) => ({ year, series, last }));

	beforeAll(async () => {
		running = await startApp();
		await seedAccounts(running.app);
		secretaryId = (await running.app.db.user.findUniqueOrThrow({ where: { username: 'thuky' } })).id;
		communeUserId = (await running.app.db.user.findUniqueOrThrow({ where: { username: 'dongthinh' } })).id;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('gives 50 concurrent issuances of one unit the numbers 1..50, each once', async () => {
		const issued = await Promise.all(Array.from({ length: 50 }, (_, i) => running.app.documents.issueDocument(input({ summary: `Họp giao ban lần ${i + 1}` }))));
		const numbers = issued.map((d) => d.number).sort((a, b) => a - b);
		expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
		expect(new Set(issued.map((d) => d.id)).size).toBe(50);
		for (const d of issued) {
			expect(d.reference).toBe(`${String(d.number).padStart(2, '0')}/BB-UBND`);
		}
		const rows = await running.app.db.document.findMany({ where: { unitId: 'song-lo' }, select: { number: true, year: true, bodyText: true } });
		expect(rows.map((r) => r.number).sort((a, b) => a - b)).toEqual(numbers);
		// The body text holds the reference of its own number.
		for (const row of rows) {
			expect(row.bodyText).toContain(`Số: ${String(row.number).padStart(2, '0')}/BB-UBND`);
		}
		const year = rows[0]!.year;
		expect(await counter('song-lo')).toEqual([{ year, series: 'BB', last: 50 }]);
	});

	it('numbers each unit on its own', async () => {
		const first = await running.app.documents.issueDocument(input({ unitId: 'dong-thinh', recipientUnitIds: ['song-lo'], issuedById: communeUserId }));
		expect(first).toMatchObject({ number: 1, reference: '01/BB-UBND' });
	});

	it('keeps numbers without gaps while another process issues too (the counter is written first)', async () => {
		// A second process, as an admin command or a second server would be: SQLite's file locks,
		// not the adapter's in-process mutex, order the two.
		const before = (await counter('song-lo'))[0]!.last;
		const child = spawn(process.execPath, [join(import.meta.dirname, 'issue-process.ts'), running.app.config.databaseFile, '40', secretaryId], { stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit');
		await new Promise<void>((resolve, reject) => {
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				if (stdout.startsWith('ready\n')) {
					resolve();
				}
			});
			child.once('exit', () => reject(new Error(`issue-process exited: ${stderr}`)));
		});
		child.stdin.end('go\n');
		// Reads of other requests meanwhile: on the adapter's one connection they can run inside an
		// issuing transaction before its first statement, opening its read snapshot early.
		let reading = true;
		const reads = (async () => {
			while (reading) {
				await Promise.all([running.app.db.unit.count(), running.app.db.document.count()]);
				// The adapter answers synchronously: without a turn of the event loop this would starve it.
				await new Promise((resolve) => setImmediate(resolve));
			}
		})();
		let ours: { number: number }[];
		let code: number | null;
		try {
			ours = await Promise.all(Array.from({ length: 40 }, (_, i) => running.app.documents.issueDocument(input({ summary: `Tiến trình thứ nhất ${i}` }))));
			[code] = (await exited) as [number | null];
		} finally {
			reading = false;
			await reads;
			child.kill();
		}
		expect(code, stderr).toBe(0);
		const theirs = JSON.parse(stdout.slice('ready\n'.length).trim()) as number[];
		expect(theirs).toHaveLength(40);
		const all = [...ours.map((d) => d.number), ...theirs].sort((a, b) => a - b);
		expect(all).toEqual(Array.from({ length: 80 }, (_, i) => before + i + 1));
		expect((await counter('song-lo'))[0]!.last).toBe(before + 80);
	});

	it('gives the number back when the issuance fails inside its transaction, and removes files made for it', async () => {
		const before = (await counter('song-lo'))[0]!.last;
		let madeName = '';
		const failed = running.app.documents.issueDocument(
			input({
				makeFiles: async (issued) => {
					expect(issued.number).toBe(before + 1);
					return [{ data: Buffer.from(`DOCX of ${issued.reference}`), kind: 'docx', fileName: 'bien-ban.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }];
				},
			}),
			async (tx, issued) => {
				const file = await tx.storedFile.findFirstOrThrow({ where: { documentId: issued.id } });
				madeName = file.storedName;
				throw new Error('the minutes moved meanwhile');
			}
		);
		await expect(failed).rejects.toThrow('the minutes moved meanwhile');
		expect(madeName).not.toBe('');
		expect(await running.app.db.storedFile.count({ where: { storedName: madeName } })).toBe(0);
		await expect(running.app.documents.files.store.read({ storedName: madeName, sha256: '' })).rejects.toMatchObject({ code: 'ENOENT' });
		expect((await counter('song-lo'))[0]!.last).toBe(before);
		const next = await running.app.documents.issueDocument(input());
		expect(next.number).toBe(before + 1);
	});

	it('records recipients, attached files and files made with the reference in the same transaction', async () => {
		const pdf = await running.app.documents.files.saveFile(Buffer.from('%PDF-1.4 signed'), { kind: 'signed-pdf', fileName: 'bien-ban-da-ky.pdf', mimeType: 'application/pdf', createdById: secretaryId });
		const issued = await running.app.documents.issueDocument(
			input({
				recipientUnitIds: ['dong-thinh', 'bach-luu', 'dong-thinh'],
				fileIds: [pdf.id],
				makeFiles: async ({ reference }) => [{ data: Buffer.from(`Số: ${reference}`), kind: 'docx', fileName: `bien-ban-${reference.replace('/', '-')}.docx`, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }],
			})
		);
		const row = await running.app.db.document.findUniqueOrThrow({ where: { id: issued.id }, include: { recipients: true, files: true } });
		expect(row.recipients.map((r) => r.unitId).sort()).toEqual(['bach-luu', 'dong-thinh']);
		expect(row.files.map((f) => f.kind).sort()).toEqual(['docx', 'signed-pdf']);
		const docx = row.files.find((f) => f.kind === 'docx')!;
		expect((await running.app.documents.files.readFile(docx.id)).data.toString()).toBe(`Số: ${issued.reference}`);
		// A file belongs to one document.
		await expect(running.app.documents.issueDocument(input({ fileIds: [pdf.id] }))).rejects.toMatchObject({ code: 'invalid_payload', field: 'fileIds' });
	});

	it('refuses bad input before taking a number', async () => {
		const before = (await counter('song-lo'))[0]!.last;
		await expect(running.app.documents.issueDocument(input({ symbol: 'bb-ubnd' }))).rejects.toMatchObject({ code: 'invalid_payload', field: 'symbol' });
		await expect(running.app.documents.issueDocument(input({ symbol: 'QD-UBND' }))).rejects.toMatchObject({ code: 'invalid_payload', field: 'symbol' });
		await expect(running.app.documents.issueDocument(input({ documentDate: '03/12/2026' }))).rejects.toMatchObject({ field: 'documentDate' });
		await expect(running.app.documents.issueDocument(input({ summary: '  ' }))).rejects.toMatchObject({ field: 'summary' });
		await expect(running.app.documents.issueDocument(input({ recipientUnitIds: ['no-such-unit'] }))).rejects.toMatchObject({ field: 'recipientUnitIds' });
		await expect(running.app.documents.issueDocument(input({ fileIds: ['00000000-0000-4000-8000-000000000000'] }))).rejects.toMatchObject({ field: 'fileIds' });
		expect((await counter('song-lo'))[0]!.last).toBe(before);
	});

	it('corrects a document by a new one that replaces it, once', async () => {
		const original = await running.app.documents.issueDocument(input({ summary: 'Bản có sai sót' }));
		const correction = await running.app.documents.issueDocument(input({ summary: 'Bản đính chính', replacesId: original.id }));
		expect(correction.number).toBe(original.number + 1);
		const old = await running.app.db.document.findUniqueOrThrow({ where: { id: original.id }, include: { replacedBy: true } });
		expect(old.summary).toBe('Bản có sai sót');
		expect(old.replacedBy?.id).toBe(correction.id);
		await expect(running.app.documents.issueDocument(input({ replacesId: original.id }))).rejects.toMatchObject({ code: 'invalid_state' });
		// Only a document of the same unit and type.
		const commune = await running.app.db.document.findFirstOrThrow({ where: { unitId: 'dong-thinh' } });
		await expect(running.app.documents.issueDocument(input({ replacesId: commune.id }))).rejects.toMatchObject({ field: 'replacesId' });
	});
});
