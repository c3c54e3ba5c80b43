import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSearchResult, DocumentView } from '../../../shared/src/api/documents.ts';
import type { MinutesContent, MinutesProblem, MinutesVersionView, MinutesView } from '../../../shared/src/api/minutes.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { seedEndedMeeting } from '../../helpers/ended-meeting.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';
import { makeTestCertificate } from '../../helpers/test-certificate.ts';
import { installSigningKey, verifyPdfSignatures } from '../../../server/src/features/signing/index.ts';

let running: RunningApp;
let secretary: Signed;
let chair: Signed;
let commune: Signed;
let admin: Signed;
let meetingId: string;
let segmentIds: Record<string, string>;
let accounts: Awaited<ReturnType<typeof seedAccounts>>;

beforeAll(async () => {
	running = await startApp();
	accounts = await seedAccounts(running.app);
	({ meetingId, segmentIds } = await seedEndedMeeting(running.app));
	secretary = await login(running.app, accounts, 'thuky');
	chair = await login(running.app, accounts, 'chutri');
	admin = await login(running.app, accounts, 'admin');
	commune = await login(running.app, accounts, 'dongthinh');
}, 60_000);

afterAll(async () => {
	await running?.close();
});

async function call<T>(who: Signed, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
	const response = await running.app.inject({ method, url, headers: who.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
	return { status: response.statusCode, body: response.body.length > 0 && response.headers['content-type']?.toString().startsWith('application/json') ? response.json<T>() : (response.body as T) };
}

describe('minutes workflow', () => {
	let minutes: MinutesView;

	it('drafts the minutes from the meeting: every part, machine-made proposals linked to the transcript', async () => {
		const created = await call<MinutesView>(secretary, 'POST', `/api/meetings/${meetingId}/minutes`);
		expect(created.status, JSON.stringify(created.body)).toBe(201);
		minutes = created.body;
		expect(minutes.status).toBe('draft');
		expect(minutes.abilities.canEdit).toBe(true);

		const content = (await call<MinutesContent>(secretary, 'GET', `/api/minutes/${minutes.id}/content`)).body;
		expect(content.header.issuingBody).toBe('UBND HUYỆN SÔNG LÔ');
		expect(content.header.symbol).toMatch(/^BB-/);
		expect(content.session.chair.name).toContain('Chủ trì');
		const absent = content.attendance.find((line) => line.unitId === 'yen-thach');
		expect(absent?.present).toBe(false);
		expect(content.attendance.find((line) => line.unitId === 'dong-thinh')?.present).toBe(true);
		expect(content.agenda.map((item) => item.title)).toEqual(['Tình hình kinh tế - xã hội tháng 11', 'Công tác chuyển đổi số', 'Ý kiến các xã, thị trấn']);
		expect(JSON.stringify(content.conclusions)).toContain(segmentIds['conclusion']);
		const task = content.tasks.find((t) => t.sourceSegmentId === segmentIds['task']);
		expect(task).toMatchObject({ unitId: 'dong-thinh', deadline: '2026-12-15', machine: true });
		const unaccented = content.tasks.find((t) => t.sourceSegmentId === segmentIds['task2']);
		expect(unaccented).toMatchObject({ unitId: 'tam-son', deadline: '2026-12-20' });

		const again = await call<{ reason: string }>(secretary, 'POST', `/api/meetings/${meetingId}/minutes`);
		expect(again.status).toBe(409);
		expect(again.body.reason).toBe('minutes_exists');
	});

	it('keeps the draft to the host unit: an invited commune is refused, others do not see it', async () => {
		expect((await call(commune, 'GET', `/api/minutes/${minutes.id}`)).status).toBe(403);
		expect((await call(commune, 'POST', `/api/minutes/${minutes.id}/submit`)).status).toBe(403);
		expect((await call(chair, 'POST', `/api/minutes/${minutes.id}/submit`)).status).toBe(403);
		expect((await call(chair, 'POST', `/api/minutes/${minutes.id}/approve`)).body).toMatchObject({ reason: 'minutes_wrong_status' });
	});

	it('submits, refuses edits after submission, returns with a comment and approves only a complete document', async () => {
		const submitted = await call<MinutesView>(secretary, 'POST', `/api/minutes/${minutes.id}/submit`);
		expect(submitted.status).toBe(200);
		expect(submitted.body.status).toBe('submitted');
		const returned = await call<MinutesView>(chair, 'POST', `/api/minutes/${minutes.id}/return`, { comment: 'Bổ sung kết luận về chuyển đổi số' });
		expect(returned.body).toMatchObject({ status: 'draft', returnComment: 'Bổ sung kết luận về chuyển đổi số' });
		const problems = (await call<{ problems: MinutesProblem[] }>(secretary, 'GET', `/api/minutes/${minutes.id}/problems`)).body.problems;
		expect(problems).toEqual([]);
		await call(secretary, 'POST', `/api/minutes/${minutes.id}/submit`);
		// A double click: one approval wins, the other is told the step moved.
		const [first, second] = await Promise.all([call<MinutesView>(chair, 'POST', `/api/minutes/${minutes.id}/approve`), call<MinutesView>(chair, 'POST', `/api/minutes/${minutes.id}/approve`)]);
		expect([first.status, second.status].sort()).toEqual([200, 409]);
		const approved = first.status === 200 ? first : second;
		expect(approved.body.status).toBe('approved');
		expect(approved.body.files.map((f) => f.kind)).toEqual(['approved-pdf']);
		const versions = (await call<MinutesVersionView[]>(secretary, 'GET', `/api/minutes/${minutes.id}/versions`)).body.map((v) => v.kind);
		expect(versions).toEqual(expect.arrayContaining(['generated', 'submitted', 'returned', 'approved']));
	});

	it('refuses edits once submitted and approved: nothing is stored', async () => {
		const before = (await running.app.db.minutes.findUniqueOrThrow({ where: { id: minutes.id } })).seq;
		const doc = new Y.Doc();
		doc.getMap('meta').set('header.summary', 'sửa muộn');
		const response = await running.app.inject({
			method: 'POST',
			url: `/api/minutes/${minutes.id}/updates`,
			headers: { ...secretary.headers, 'content-type': 'application/octet-stream' },
			payload: Buffer.from(Y.encodeStateAsUpdate(doc)),
		});
		expect(response.statusCode).toBe(409);
		expect(response.json()).toMatchObject({ reason: 'minutes_not_editable' });
		expect((await running.app.db.minutes.findUniqueOrThrow({ where: { id: minutes.id } })).seq).toBe(before);
	});

	it('signs with the unit’s certificate, or tells that none is configured', async () => {
		const missing = await call<{ reason: string }>(chair, 'POST', `/api/minutes/${minutes.id}/sign`);
		expect(missing.status).toBe(409);
		expect(missing.body.reason).toBe('signing_key_missing');
		const certificate = makeTestCertificate({ commonName: 'UBND huyện Sông Lô', organization: 'UBND huyện Sông Lô' });
		await installSigningKey(running.app.config.signingDir, 'song-lo', certificate.p12, certificate.passphrase);
		expect((await call(secretary, 'POST', `/api/minutes/${minutes.id}/sign`)).status).toBe(403);
		const signed = await call<MinutesView>(chair, 'POST', `/api/minutes/${minutes.id}/sign`);
		expect(signed.status, JSON.stringify(signed.body)).toBe(200);
		expect(signed.body.status).toBe('signed');
		const file = signed.body.files.find((f) => f.kind === 'signed-pdf');
		const pdf = (await running.app.inject({ url: file!.url, headers: chair.headers })).rawPayload;
		const signatures = verifyPdfSignatures(pdf);
		expect(signatures).toHaveLength(1);
		expect(signatures[0]).toMatchObject({ valid: true, coversWholeDocument: true });
	});

	it('issues with a number, a second signature that keeps the first valid, and files it where search finds it', async () => {
		expect((await call(chair, 'POST', `/api/minutes/${minutes.id}/issue`, { access: 'restricted' })).status).toBe(403);
		// Two offices pressing "Phát hành" at once: one number, one document, the loser's files and number given back.
		const [a, b] = await Promise.all([
			call<MinutesView>(secretary, 'POST', `/api/minutes/${minutes.id}/issue`, { access: 'restricted' }),
			call<MinutesView>(admin, 'POST', `/api/minutes/${minutes.id}/issue`, { access: 'restricted' }),
		]);
		expect([a.status, b.status].sort(), JSON.stringify([a.body, b.body])).toEqual([200, 409]);
		const issued = a.status === 200 ? a : b;
		expect(await running.app.db.document.count()).toBe(1);
		expect(issued.body.status).toBe('issued');
		expect(issued.body.document?.reference).toMatch(/^01\/BB-/);
		const again = await call<{ reason: string }>(secretary, 'POST', `/api/minutes/${minutes.id}/issue`, { access: 'restricted' });
		expect(again.body.reason).toBe('minutes_wrong_status');

		const document = (await call<DocumentView>(secretary, 'GET', `/api/documents/${issued.body.document!.id}`)).body;
		expect(document.reference).toBe(issued.body.document!.reference);
		const pdf = document.files.find((f) => f.kind === 'signed-pdf');
		expect(pdf?.signatures?.map((s) => [s.valid, s.coversWholeDocument])).toEqual([
			[true, false],
			[true, true],
		]);
		expect(pdf?.signatures?.[1]?.reason).toContain(document.reference);
		expect(document.files.map((f) => f.kind).sort()).toEqual(['docx', 'signed-pdf']);

		for (const q of ['họp giao ban Sông Lô', 'hop giao ban song lo', 'Đồng Thịnh', 'DONG THINH']) {
			const found = (await call<DocumentSearchResult>(secretary, 'GET', `/api/documents?q=${encodeURIComponent(q)}`)).body;
			expect(found.items.map((i) => i.id), q).toContain(document.id);
		}
		// Addressed to every invited unit: Đồng Thịnh's operator reads it, Nhân Đạo (not invited) does not see it exists.
		expect((await call(commune, 'GET', `/api/documents/${document.id}`)).status).toBe(200);
		const outsider = await login(running.app, accounts, 'nhandao');
		expect((await call(outsider, 'GET', `/api/documents/${document.id}`)).status).toBe(404);
		expect((await call<DocumentSearchResult>(outsider, 'GET', `/api/documents?q=song%20lo`)).body.items).toEqual([]);
		// Communes never edit minutes.
		expect((await call(commune, 'POST', `/api/minutes/${minutes.id}/versions/${(await call<MinutesVersionView[]>(secretary, 'GET', `/api/minutes/${minutes.id}/versions`)).body[0]!.id}/restore`)).status).toBe(403);
		const kinds = (await call<MinutesVersionView[]>(secretary, 'GET', `/api/minutes/${minutes.id}/versions`)).body.map((v) => v.kind);
		expect(kinds).toEqual(expect.arrayContaining(['generated', 'submitted', 'returned', 'approved', 'signed', 'issued']));
		const audit = (await running.app.db.auditEvent.findMany({ where: { action: { startsWith: 'minutes.' } }, orderBy: { at: 'asc' } })).map((a) => a.action);
		expect(audit).toEqual(['minutes.created', 'minutes.submitted', 'minutes.returned', 'minutes.submitted', 'minutes.approved', 'minutes.signed', 'minutes.issued']);
	});
});
