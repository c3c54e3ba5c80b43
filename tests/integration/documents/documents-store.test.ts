import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSearchResult, DocumentSignature, DocumentView } from '../../../shared/src/api/documents.ts';
import type { User } from '../../../shared/src/api/auth.ts';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { createDocumentsRepository } from '../../../server/src/features/documents/documents.repository.ts';
import { createDocumentsService, type IssueDocumentInput, type IssuedDocument } from '../../../server/src/features/documents/documents.service.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const PDF_TYPE = 'application/pdf';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const MINUTES_BODY = [
	'UBND HUYỆN SÔNG LÔ',
	'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
	'BIÊN BẢN',
	'Họp giao ban Sông Lô tháng 12 năm 2026',
	'Thời gian bắt đầu: 08 giờ 00 phút, ngày 03 tháng 12 năm 2026.',
	'Nội dung: Các điểm cầu báo cáo tình hình kinh tế - xã hội, công tác phòng chống thiên tai.',
	'Xã Đồng Thịnh (09:05): đề nghị huyện hỗ trợ kinh phí sửa chữa đường giao thông nông thôn.',
	'Kết luận: giao UBND xã Đồng Thịnh hoàn thành báo cáo trước ngày 15/12/2026.',
	'THƯ KÝ                CHỦ TỌA',
].join('\n');

describe('document store: search, access, files', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	const who: Record<string, Signed> = {};
	const ids: Record<string, string> = {};
	let d1: IssuedDocument;
	let d2: IssuedDocument;
	let d3: IssuedDocument;
	let d4: IssuedDocument;
	let pdfId = '';
	let docxId = '';
	const PDF = Buffer.from('%PDF-1.4\n% Biên bản họp giao ban\n1 0 obj <<>> endobj\n%%EOF\n');

	const base = (overrides: Partial<IssueDocumentInput>): IssueDocumentInput => ({
		unitId: 'song-lo',
		type: 'BB',
		symbol: 'BB-UBND',
		summary: 'Biên bản',
		documentDate: '2026-12-03',
		signerName: 'Nguyễn Văn A',
		access: 'restricted',
		recipientUnitIds: [],
		bodyText: '',
		issuedById: ids['thuky']!,
		fileIds: [],
		...overrides,
	});
	const search = async (as: string, query: Record<string, string>) => {
		const response = await running.app.inject({ url: '/api/documents', query, headers: who[as]!.headers });
		expect(response.statusCode, response.body).toBe(200);
		return response.json<DocumentSearchResult>();
	};
	const found = async (as: string, q: string) => (await search(as, { q })).items.map((item) => item.id);
	const detail = (as: string, id: string) => running.app.inject({ url: `/api/documents/${id}`, headers: who[as]!.headers });
	const file = (as: string, id: string, fileId: string) => running.app.inject({ url: `/api/documents/${id}/files/${fileId}`, headers: who[as]!.headers });
	const userView = async (username: string): Promise<User> => {
		const row = await running.app.db.user.findUniqueOrThrow({ where: { username }, include: { unit: true } });
		return { id: row.id, username: row.username, displayName: row.displayName, role: row.role, unit: { id: row.unit.id, name: row.unit.name, kind: row.unit.kind } };
	};

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		for (const name of ['admin', 'thuky', 'dongthinh', 'bachluu', 'tanlap']) {
			who[name] = await login(running.app, accounts, name);
			ids[name] = (await running.app.db.user.findUniqueOrThrow({ where: { username: name } })).id;
		}
		const files = running.app.documents.files;
		pdfId = (await files.saveFile(PDF, { kind: 'signed-pdf', fileName: 'Biên bản họp giao ban.pdf', mimeType: PDF_TYPE, createdById: ids['thuky']! })).id;
		docxId = (await files.saveFile(Buffer.from('PK docx bytes'), { kind: 'docx', fileName: 'bien-ban.docx', mimeType: DOCX_TYPE })).id;
		d1 = await running.app.documents.issueDocument(
			base({ summary: 'Họp giao ban Sông Lô tháng 12', recipientUnitIds: ['dong-thinh'], bodyText: (reference) => `Số: ${reference}\n${MINUTES_BODY}`, fileIds: [pdfId, docxId] })
		);
		d2 = await running.app.documents.issueDocument(base({ summary: 'Kế hoạch nội bộ phòng chống lụt bão', access: 'internal', documentDate: '2026-11-20', bodyText: 'Triển khai phương án phòng chống lụt bão năm 2026.' }));
		d3 = await running.app.documents.issueDocument(
			base({ unitId: 'dong-thinh', issuedById: ids['dongthinh']!, summary: 'Họp thôn Đồng Quế về đường giao thông', documentDate: '2026-12-01', bodyText: 'Thôn Đồng Quế thống nhất góp công làm đường.' })
		);
		d4 = await running.app.documents.issueDocument(
			base({ unitId: 'bach-luu', issuedById: ids['bachluu']!, summary: 'Họp giao ban xã Bạch Lưu', documentDate: '2026-12-02', bodyText: 'Họp giao ban Sông Lô cấp xã.' })
		);
	});
	afterAll(async () => {
		await running?.close();
	});

	it('keeps the search index in the migrated database (triggers a later migration must not drop)', async () => {
		const rows = await running.app.db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE name LIKE 'Document_search_%' OR name = 'DocumentSearch' ORDER BY name");
		expect(rows.map((r) => r.name)).toEqual(['DocumentSearch', 'Document_search_delete', 'Document_search_insert', 'Document_search_update']);
	});

	it('finds a document with and without Vietnamese marks', async () => {
		expect(await found('dongthinh', 'họp giao ban Sông Lô')).toContain(d1.id);
		expect(await found('dongthinh', 'hop giao ban song lo')).toContain(d1.id);
		expect(await found('dongthinh', 'HOP GIAO BAN SONG LO')).toContain(d1.id);
		expect(await found('dongthinh', 'Họp giao ban Sông Lô'.normalize('NFD'))).toContain(d1.id);
	});

	it('folds đ to d: "Đồng Thịnh", "dong thinh" and "DONG THINH" find it, and the snippet shows the original words', async () => {
		for (const q of ['Đồng Thịnh', 'dong thinh', 'DONG THINH', 'đồng thịnh', 'Dong Thinh']) {
			const result = await search('thuky', { q });
			const item = result.items.find((i) => i.id === d1.id);
			expect(item, q).toBeDefined();
			expect(item!.snippet.filter((p) => p.hit).map((p) => p.text)).toEqual(expect.arrayContaining(['Đồng', 'Thịnh']));
			expect(item!.snippet.map((p) => p.text).join('')).toContain('Xã Đồng Thịnh (09:05)');
		}
		// Each word is a prefix; all must occur.
		expect(await found('thuky', 'dong thi')).toContain(d1.id);
		expect(await found('thuky', 'dong thinh khongcotu')).toEqual([]);
	});

	it('finds by reference, ranks reference and summary hits first', async () => {
		expect(await found('thuky', d1.reference)).toEqual([d1.id]);
		expect(await found('thuky', `${d1.number}/BB`)).toContain(d1.id);
		const ranked = await found('admin', 'lụt bão');
		expect(ranked[0]).toBe(d2.id);
	});

	it('takes any text as words: FTS5 syntax in the query is not an error', async () => {
		for (const q of ['" OR * NEAR(', 'hop AND ban', 'summary:hop', '-', '"""', 'a\'b']) {
			const response = await running.app.inject({ url: '/api/documents', query: { q }, headers: who['thuky']!.headers });
			expect(response.statusCode, q).toBe(200);
		}
		expect(await found('dongthinh', 'hop AND ban')).toEqual([]);
	});

	it('restricted: the issuing unit and its recipients read it; another commune gets 404 and does not find it', async () => {
		expect((await detail('dongthinh', d1.id)).statusCode).toBe(200);
		expect((await detail('thuky', d1.id)).statusCode).toBe(200);
		const other = await detail('bachluu', d1.id);
		expect(other.statusCode).toBe(404);
		expect(other.json()).toMatchObject({ code: 'not_found' });
		expect((await file('bachluu', d1.id, pdfId)).statusCode).toBe(404);
		expect(await found('bachluu', 'hop giao ban song lo')).toEqual([d4.id]);
		expect((await search('bachluu', {})).items.map((i) => i.id)).not.toContain(d1.id);
		expect((await file('tanlap', d1.id, pdfId)).statusCode).toBe(404);
	});

	it('internal: every unit below the issuing unit reads it', async () => {
		for (const name of ['bachluu', 'tanlap', 'dongthinh', 'thuky']) {
			expect((await detail(name, d2.id)).statusCode, name).toBe(200);
			expect(await found(name, 'lut bao'), name).toContain(d2.id);
		}
	});

	it("a commune's own document: read by the commune and by the administrator above it, not by other communes nor by the district's non-admin staff", async () => {
		expect((await detail('dongthinh', d3.id)).statusCode).toBe(200);
		expect((await detail('admin', d3.id)).statusCode).toBe(200);
		expect((await detail('thuky', d3.id)).statusCode).toBe(404);
		expect((await detail('bachluu', d3.id)).statusCode).toBe(404);
		expect(await found('admin', 'dong que')).toContain(d3.id);
		expect(await found('thuky', 'dong que')).toEqual([]);
	});

	it('lists without words, newest issued first, with filters and pages', async () => {
		const all = await search('admin', {});
		expect(all).toMatchObject({ total: 4, totalCapped: false });
		expect(all.items.map((i) => i.id)).toEqual([d4.id, d3.id, d2.id, d1.id]);
		expect(all.items[3]).toMatchObject({ reference: d1.reference, unit: { id: 'song-lo', name: 'Huyện Sông Lô' }, access: 'restricted', snippet: [] });
		expect((await search('admin', { unitId: 'dong-thinh' })).items.map((i) => i.id)).toEqual([d3.id]);
		expect((await search('admin', { from: '2026-12-01', to: '2026-12-02' })).items.map((i) => i.id)).toEqual([d4.id, d3.id]);
		expect((await search('admin', { unitId: 'song-lo', from: '2026-12-01' })).items.map((i) => i.id)).toEqual([d1.id]);
		// The district's non-admin staff: their own unit's documents only (d3, d4 are the communes').
		expect((await search('thuky', {})).items.map((i) => i.id)).toEqual([d2.id, d1.id]);
		expect((await search('admin', { q: 'hop', type: 'BB', from: '2026-12-02' })).items.map((i) => i.id).sort()).toEqual([d1.id, d4.id].sort());
		const beyond = await search('admin', { page: '2' });
		expect(beyond).toMatchObject({ items: [], total: 4, totalCapped: false, page: 2, pageSize: 20 });
		expect((await search('dongthinh', {})).total).toBe(3);
	});

	it('refuses malformed queries with 400 and unauthenticated ones with 401', async () => {
		for (const query of [{ page: '0' }, { page: '51' }, { type: 'XX' }, { from: '03/12/2026' }, { other: '1' }, { q: 'x'.repeat(201) }] as Record<string, string>[]) {
			const response = await running.app.inject({ url: '/api/documents', query, headers: who['thuky']!.headers });
			expect(response.statusCode, JSON.stringify(query)).toBe(400);
			expect(response.json()).toMatchObject({ code: 'invalid_payload' });
		}
		expect((await running.app.inject({ url: '/api/documents' })).statusCode).toBe(401);
		expect((await running.app.inject({ url: `/api/documents/${d1.id}` })).statusCode).toBe(401);
	});

	it('shows the document with recipients and files; downloads a file with its name and SHA-256', async () => {
		const view = (await detail('dongthinh', d1.id)).json<DocumentView>();
		expect(view).toMatchObject({ id: d1.id, reference: d1.reference, summary: 'Họp giao ban Sông Lô tháng 12', recipients: [{ id: 'dong-thinh', name: 'Xã Đồng Thịnh' }], replaces: null, replacedBy: null });
		expect(view.bodyText).toContain(`Số: ${d1.reference}`);
		const pdf = view.files.find((f) => f.id === pdfId)!;
		// The app reads signatures with server/src/features/signing: this PDF has none.
		expect(pdf).toMatchObject({ kind: 'signed-pdf', sizeBytes: PDF.length, url: `/api/documents/${d1.id}/files/${pdfId}`, signatures: [], signatureError: null });
		expect(view.files.find((f) => f.id === docxId)).toMatchObject({ kind: 'docx', signatures: null, signatureError: null });
		const download = await running.app.inject({ url: pdf.url, headers: who['dongthinh']!.headers });
		expect(download.statusCode).toBe(200);
		expect(download.headers['content-type']).toBe(PDF_TYPE);
		expect(download.rawPayload.equals(PDF)).toBe(true);
		expect(download.headers['content-disposition']).toBe(`attachment; filename="Bien ban hop giao ban.pdf"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20giao%20ban.pdf`);
		expect(download.headers['x-content-sha256']).toBe(pdf.sha256);
		// A file of another document is not reachable through this one.
		expect((await file('dongthinh', d2.id, pdfId)).statusCode).toBe(404);
	});

	it('reads signatures of each PDF through the injected verifier, and reports a file that changed on disk', async () => {
		const seen: Buffer[] = [];
		const signature: DocumentSignature = {
			index: 1,
			signerName: 'Nguyễn Văn A',
			issuer: 'Nguyễn Văn A',
			serialNumber: '01',
			signedAt: '2026-12-03T03:00:00.000Z',
			reason: 'Phê duyệt',
			location: 'Sông Lô',
			valid: true,
			coversWholeDocument: true,
			certificateValidAtSigning: true,
		};
		const errors: object[] = [];
		const service = createDocumentsService({
			repo: createDocumentsRepository(running.app.db, running.app.documents.files.store),
			files: running.app.documents.files,
			verifySignatures: (pdf) => {
				seen.push(pdf);
				return [signature];
			},
		});
		const user = await userView('dongthinh');
		const log = { error: (obj: object) => void errors.push(obj) };
		const view = await service.get(user, d1.id, log);
		expect(view.files.find((f) => f.id === pdfId)).toMatchObject({ signatures: [signature], signatureError: null });
		expect(view.files.find((f) => f.id === docxId)).toMatchObject({ signatures: null, signatureError: null });
		expect(seen).toHaveLength(1);
		expect(seen[0]!.equals(PDF)).toBe(true);

		// One byte changes on disk: not verified, not served.
		const row = await running.app.db.storedFile.findUniqueOrThrow({ where: { id: pdfId } });
		const path = running.app.documents.files.store.pathOf(row.storedName);
		const original = readFileSync(path);
		const changed = Buffer.from(original);
		changed[changed.length - 3] = changed[changed.length - 3]! ^ 0x20;
		writeFileSync(path, changed);
		try {
			const tampered = await service.get(user, d1.id, log);
			const tamperedPdf = tampered.files.find((f) => f.id === pdfId);
			expect(tamperedPdf?.signatures).toBeNull();
			expect(tamperedPdf?.signatureError).toMatch(/SHA-256/);
			expect(seen).toHaveLength(1);
			expect(errors).toHaveLength(1);
			const download = await file('dongthinh', d1.id, pdfId);
			expect(download.statusCode).toBe(500);
			expect(download.json()).toMatchObject({ code: 'internal', reason: 'file_corrupted' });
			expect(download.body).not.toContain('%PDF');
			// Through the app, the view stays readable.
			expect((await detail('dongthinh', d1.id)).statusCode).toBe(200);
		} finally {
			writeFileSync(path, original);
		}
		expect((await file('dongthinh', d1.id, pdfId)).statusCode).toBe(200);
	});

	it('is immutable: no route changes or deletes it; a correction is a new document that replaces it', async () => {
		for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
			const response = await running.app.inject({ method, url: `/api/documents/${d2.id}`, headers: who['admin']!.headers, payload: { summary: 'Sửa' } });
			expect(response.statusCode, method).toBe(404);
		}
		const correction = await running.app.documents.issueDocument(base({ summary: 'Kế hoạch nội bộ phòng chống lụt bão (đính chính)', access: 'internal', replacesId: d2.id, bodyText: 'Bản đính chính.' }));
		const old = (await detail('thuky', d2.id)).json<DocumentView>();
		expect(old.summary).toBe('Kế hoạch nội bộ phòng chống lụt bão');
		expect(old.replacedBy).toEqual({ id: correction.id, reference: correction.reference });
		const fresh = (await detail('thuky', correction.id)).json<DocumentView>();
		expect(fresh.replaces).toEqual({ id: d2.id, reference: d2.reference });
		expect(await found('thuky', 'dinh chinh')).toEqual([correction.id]);
	});
});
