import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

type Created = { meeting: { id: string; invitations: { unitId: string }[]; agenda: { title: string }[]; permissions: Record<string, boolean> }; joinLinks: { unitId: string; url: string }[] };

describe('meetings API', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	let admin: Signed;
	let chair: Signed;
	let dongThinh: Signed;
	let tanLap: Signed;
	let chairId: string;

	const body = (overrides: Record<string, unknown> = {}) => ({
		title: 'Hội nghị giao ban trực tuyến tháng 11/2026',
		description: 'Đánh giá kết quả tháng 11, triển khai nhiệm vụ tháng 12.',
		location: 'Hội trường UBND huyện',
		startsAt: '2026-12-01T01:00:00.000Z',
		endsAt: '2026-12-01T03:30:00.000Z',
		chairId,
		agenda: [
			{ title: 'Báo cáo kinh tế - xã hội tháng 11', presenter: 'Phòng Tài chính - Kế hoạch', durationMinutes: 20 },
			{ title: 'Ý kiến các xã, thị trấn', presenter: '', durationMinutes: 60 },
		],
		invitedUnitIds: ['dong-thinh', 'hai-luu'],
		...overrides,
	});

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		chair = await login(running.app, accounts, 'chutri');
		dongThinh = await login(running.app, accounts, 'dongthinh');
		tanLap = await login(running.app, accounts, 'tanlap');
		const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers });
		chairId = chairs.json<{ id: string }[]>()[0]!.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	const create = async (overrides: Record<string, unknown> = {}) => {
		const response = await running.app.inject({ method: 'POST', url: '/api/meetings', headers: admin.headers, payload: body(overrides) });
		expect(response.statusCode, response.body).toBe(201);
		return response.json<Created>();
	};

	it('lets the district admin schedule a meeting with agenda, chair and one join link per invited commune', async () => {
		const created = await create();
		expect(created.meeting.agenda.map((a) => a.title)).toEqual(['Báo cáo kinh tế - xã hội tháng 11', 'Ý kiến các xã, thị trấn']);
		expect(created.meeting.invitations.map((i) => i.unitId).sort()).toEqual(['dong-thinh', 'hai-luu']);
		expect(created.meeting.permissions).toEqual({ manage: true, moderate: false, join: true });
		expect(created.joinLinks).toHaveLength(2);
		expect(new Set(created.joinLinks.map((l) => l.url)).size).toBe(2);
		expect(created.joinLinks[0]!.url).toMatch(/^http:\/\/localhost:80\/join\/[A-Za-z0-9_-]{32}$/);
	});

	it('shows a meeting to the host unit and invited communes only; others get 404', async () => {
		const { meeting } = await create();
		const asChair = await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: chair.headers });
		expect(asChair.json<Created['meeting']>().permissions).toEqual({ manage: false, moderate: true, join: true });
		const invited = await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: dongThinh.headers });
		expect(invited.statusCode).toBe(200);
		expect(invited.json<Created['meeting']>().permissions).toEqual({ manage: false, moderate: false, join: true });
		const outsider = await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: tanLap.headers });
		expect(outsider.statusCode).toBe(404);
		const list = await running.app.inject({ url: '/api/meetings', headers: tanLap.headers });
		expect(list.json<{ id: string }[]>().map((m) => m.id)).not.toContain(meeting.id);
		const listInvited = await running.app.inject({ url: '/api/meetings', headers: dongThinh.headers });
		expect(listInvited.json<{ id: string }[]>().map((m) => m.id)).toContain(meeting.id);
	});

	it('forbids scheduling to anyone but a district admin', async () => {
		for (const who of [chair, dongThinh]) {
			const response = await running.app.inject({ method: 'POST', url: '/api/meetings', headers: who.headers, payload: body() });
			expect(response.statusCode).toBe(403);
			expect(response.json<{ code: string }>().code).toBe('forbidden');
		}
		const anonymous = await running.app.inject({ method: 'POST', url: '/api/meetings', payload: body() });
		expect(anonymous.statusCode).toBe(401);
	});

	it('rejects bad input with invalid_payload and stores nothing', async () => {
		const before = (await running.app.inject({ url: '/api/meetings', headers: admin.headers })).json<unknown[]>().length;
		const cases = [
			body({ endsAt: '2026-12-01T00:00:00.000Z' }),
			body({ invitedUnitIds: ['no-such-commune'] }),
			body({ chairId: '00000000-0000-4000-8000-000000000000' }),
			body({ title: '' }),
			body({ agenda: [{ title: 'x', presenter: '', durationMinutes: 0 }] }),
			{ ...body(), extra: true },
		];
		for (const payload of cases) {
			const response = await running.app.inject({ method: 'POST', url: '/api/meetings', headers: admin.headers, payload });
			expect(response.statusCode, JSON.stringify(payload)).toBe(400);
			expect(response.json<{ code: string }>().code).toBe('invalid_payload');
		}
		const after = (await running.app.inject({ url: '/api/meetings', headers: admin.headers })).json<unknown[]>().length;
		expect(after).toBe(before);
	});

	it('refuses oversized bodies with payload_too_large', async () => {
		const response = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: { ...admin.headers, 'content-type': 'application/json' },
			payload: JSON.stringify(body({ description: 'x'.repeat(2 * 1024 * 1024) })),
		});
		expect(response.statusCode).toBe(413);
		expect(response.json<{ code: string }>().code).toBe('payload_too_large');
	});

	it('updates the invited units: a removed commune loses access, a new one gets a link', async () => {
		const { meeting } = await create();
		const updated = await running.app.inject({
			method: 'PUT',
			url: `/api/meetings/${meeting.id}`,
			headers: admin.headers,
			payload: body({ invitedUnitIds: ['hai-luu', 'tan-lap'] }),
		});
		expect(updated.statusCode, updated.body).toBe(200);
		expect(updated.json<Created>().joinLinks.map((l) => l.unitId)).toEqual(['tan-lap']);
		expect((await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: dongThinh.headers })).statusCode).toBe(404);
		expect((await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: tanLap.headers })).statusCode).toBe(200);
		const readded = await running.app.inject({ method: 'PUT', url: `/api/meetings/${meeting.id}`, headers: admin.headers, payload: body() });
		expect(readded.statusCode).toBe(200);
		expect((await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: dongThinh.headers })).statusCode).toBe(200);
	});

	it('cancels a meeting; a cancelled meeting cannot be edited', async () => {
		const { meeting } = await create();
		const cancelled = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/cancel`, headers: admin.headers });
		expect(cancelled.json<{ status: string }>().status).toBe('cancelled');
		const edit = await running.app.inject({ method: 'PUT', url: `/api/meetings/${meeting.id}`, headers: admin.headers, payload: body() });
		expect(edit.statusCode).toBe(409);
		const actions = await running.app.inject({ url: `/api/meetings/${meeting.id}/actions`, headers: chair.headers });
		expect(actions.json<{ action: string; actor: string }[]>().map((a) => a.action)).toEqual(['meeting.created', 'meeting.cancelled']);
	});

	it('exports a meeting and a unit calendar as iCalendar', async () => {
		const { meeting } = await create({ title: 'Họp triển khai; chuyển đổi số, năm 2027' });
		const ics = await running.app.inject({ url: `/api/meetings/${meeting.id}/calendar.ics`, headers: dongThinh.headers });
		expect(ics.statusCode).toBe(200);
		expect(ics.headers['content-type']).toBe('text/calendar; charset=utf-8');
		const text = ics.body;
		expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
		expect(text).toContain(`UID:${meeting.id}@giaoban`);
		expect(text).toContain('DTSTART:20261201T010000Z');
		expect(text).toContain('SUMMARY:Họp triển khai\\; chuyển đổi số\\, năm 2027');
		for (const line of text.split('\r\n')) {
			expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
		}
		const feed = await running.app.inject({ url: '/api/calendar.ics', headers: dongThinh.headers });
		expect(feed.body.match(/BEGIN:VEVENT/g)?.length).toBeGreaterThanOrEqual(1);
		const outsider = await running.app.inject({ url: `/api/meetings/${meeting.id}/calendar.ics`, headers: tanLap.headers });
		expect(outsider.statusCode).toBe(404);
	});

	it('renews a join link for an invited unit only, and only for the admin', async () => {
		const { meeting, joinLinks } = await create();
		const renewed = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/invitations/hai-luu/link`, headers: admin.headers });
		expect(renewed.statusCode).toBe(200);
		expect(renewed.json<{ url: string }>().url).not.toBe(joinLinks.find((l) => l.unitId === 'hai-luu')!.url);
		const notInvited = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/invitations/tan-lap/link`, headers: admin.headers });
		expect(notInvited.statusCode).toBe(404);
		const byChair = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/invitations/hai-luu/link`, headers: chair.headers });
		expect(byChair.statusCode).toBe(403);
	});
});
