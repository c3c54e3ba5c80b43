import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

function multipart(fileName: string, content: Buffer, field = 'file'): { payload: Buffer; headers: Record<string, string> } {
	const boundary = '----giaoban-test-boundary';
	const payload = Buffer.concat([
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
		content,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	]);
	return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% Báo cáo tháng 11\n'), Buffer.alloc(3000, 0x20), Buffer.from('\n%%EOF\n')]);

describe('meeting attachments', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	let admin: Signed;
	let commune: Signed;
	let outsider: Signed;
	let meetingId = '';

	const upload = (who: Signed, name: string, content: Buffer, field?: string) => {
		const body = multipart(name, content, field);
		return running.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/attachments`, headers: { ...who.headers, ...body.headers }, payload: body.payload });
	};
	const stored = () => readdirSync(join(running.dataDir, 'attachments'));

	beforeAll(async () => {
		running = await startApp({ ATTACHMENT_MAX_MB: '1' });
		accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		commune = await login(running.app, accounts, 'dongthinh');
		outsider = await login(running.app, accounts, 'tanlap');
		const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers });
		const created = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: admin.headers,
			payload: {
				title: 'Họp có tài liệu',
				description: '',
				location: '',
				startsAt: '2026-12-02T01:00:00.000Z',
				endsAt: '2026-12-02T02:00:00.000Z',
				chairId: chairs.json<{ id: string }[]>()[0]!.id,
				agenda: [],
				invitedUnitIds: ['dong-thinh'],
			},
		});
		meetingId = created.json<{ meeting: { id: string } }>().meeting.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('stores an uploaded PDF under a server-generated name and serves it to invited units', async () => {
		const response = await upload(admin, '../../Báo cáo tháng 11.pdf', PDF);
		expect(response.statusCode, response.body).toBe(201);
		const attachment = response.json<{ id: string; originalName: string; mimeType: string; sizeBytes: number }>();
		expect(attachment).toMatchObject({ originalName: 'Báo cáo tháng 11.pdf', mimeType: 'application/pdf', sizeBytes: PDF.length });
		expect(stored()).toHaveLength(1);
		expect(stored()[0]).toMatch(/^[0-9a-f-]{36}$/);

		const download = await running.app.inject({ url: `/api/meetings/${meetingId}/attachments/${attachment.id}`, headers: commune.headers });
		expect(download.statusCode).toBe(200);
		expect(download.rawPayload.equals(PDF)).toBe(true);
		expect(download.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Báo cáo tháng 11.pdf')}`);
		expect(download.headers['x-content-type-options']).toBe('nosniff');

		const detail = await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: commune.headers });
		expect(detail.json<{ attachments: { id: string }[] }>().attachments.map((a) => a.id)).toContain(attachment.id);
		const hidden = await running.app.inject({ url: `/api/meetings/${meetingId}/attachments/${attachment.id}`, headers: outsider.headers });
		expect(hidden.statusCode).toBe(404);
	});

	it('strips bidirectional overrides and controls from the name it stores, lists and serves', async () => {
		const spoofing = await upload(admin, 'invoice\u202Egpj.exe', Buffer.from('MZ program'));
		expect(spoofing.statusCode).toBe(400);

		const response = await upload(admin, 'Hóa đơn\u202Egpj.exe\u2066\u200E\u061C\u0007.txt', Buffer.from('Hóa đơn tháng 11'));
		expect(response.statusCode, response.body).toBe(201);
		const attachment = response.json<{ id: string; originalName: string }>();
		expect(attachment.originalName).toBe('Hóa đơngpj.exe.txt');
		const detail = await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: commune.headers });
		expect(detail.json<{ attachments: { id: string; originalName: string }[] }>().attachments.find((a) => a.id === attachment.id)?.originalName).toBe('Hóa đơngpj.exe.txt');
		const download = await running.app.inject({ url: `/api/meetings/${meetingId}/attachments/${attachment.id}`, headers: commune.headers });
		expect(download.headers['content-disposition']).toBe(`attachment; filename="Hoa dongpj.exe.txt"; filename*=UTF-8''${encodeURIComponent('Hóa đơngpj.exe.txt')}`);

		// A row stored before these rules is cleaned on the way out.
		await running.app.db.attachment.update({ where: { id: attachment.id }, data: { originalName: "Biên bản\u202Efdp.txt (1)'*" } });
		const old = await running.app.inject({ url: `/api/meetings/${meetingId}/attachments/${attachment.id}`, headers: commune.headers });
		expect(old.headers['content-disposition']).toBe(`attachment; filename="Bien banfdp.txt (1)'*"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3nfdp.txt%20%281%29%27%2A`);
	});

	it('shortens a very long name to 200 UTF-8 bytes, keeping its extension', async () => {
		const longName = `${'Báo cáo tổng hợp ý kiến cử tri '.repeat(17).slice(0, 496)}.pdf`;
		expect(longName).toHaveLength(500);
		const response = await upload(admin, longName, PDF);
		expect(response.statusCode, response.body).toBe(201);
		const { id, originalName } = response.json<{ id: string; originalName: string }>();
		expect(originalName.endsWith('.pdf')).toBe(true);
		expect(originalName.startsWith('Báo cáo tổng hợp')).toBe(true);
		expect(Buffer.byteLength(originalName)).toBeLessThanOrEqual(200);
		expect(Buffer.byteLength(originalName)).toBeGreaterThan(190);
		const download = await running.app.inject({ url: `/api/meetings/${meetingId}/attachments/${id}`, headers: commune.headers });
		expect(download.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(originalName)}`);
	});

	it('rejects files whose content does not match an accepted type, keeping nothing', async () => {
		const before = stored().length;
		for (const [name, content] of [
			['virus.exe', Buffer.from('MZ\x90\x00 program')],
			['fake.pdf', Buffer.from('PK\x03\x04 this is a zip')],
			['empty.pdf', Buffer.alloc(0)],
			['binary.txt', Buffer.from([0x00, 0x01, 0x02])],
		] as const) {
			const response = await upload(admin, name, content);
			expect(response.statusCode, name).toBe(400);
			expect(response.json<{ code: string }>().code).toBe('invalid_payload');
		}
		expect(stored().length).toBe(before);
		const wrongField = await upload(admin, 'ok.txt', Buffer.from('xin chào'), 'document');
		expect(wrongField.statusCode).toBe(400);
	});

	it('refuses a file over the size limit with payload_too_large and leaves no partial file', async () => {
		const before = stored().length;
		const response = await upload(admin, 'big.pdf', Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024, 0x20)]));
		expect(response.statusCode).toBe(413);
		expect(response.json<{ code: string }>().code).toBe('payload_too_large');
		expect(stored().length).toBe(before);
	});

	it('lets only the host unit administrator add and remove documents', async () => {
		const byCommune = await upload(commune, 'note.txt', Buffer.from('Ý kiến của xã'));
		expect(byCommune.statusCode).toBe(403);
		const added = await upload(admin, 'note.txt', Buffer.from('Ý kiến của xã'));
		const id = added.json<{ id: string }>().id;
		const removeByCommune = await running.app.inject({ method: 'DELETE', url: `/api/meetings/${meetingId}/attachments/${id}`, headers: commune.headers });
		expect(removeByCommune.statusCode).toBe(403);
		const before = stored().length;
		const removed = await running.app.inject({ method: 'DELETE', url: `/api/meetings/${meetingId}/attachments/${id}`, headers: admin.headers });
		expect(removed.statusCode).toBe(204);
		expect(stored().length).toBe(before - 1);
		const gone = await running.app.inject({ url: `/api/meetings/${meetingId}/attachments/${id}`, headers: admin.headers });
		expect(gone.statusCode).toBe(404);
	});
});
