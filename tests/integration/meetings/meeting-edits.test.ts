import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

type Detail = { id: string; title: string; endsAt: string; agenda: { title: string; presenter: string }[]; invitations: { unitId: string; revoked: boolean }[] };

/** Editing a meeting: all or nothing, text trimmed before it is judged, dates within reason. */
describe('meeting edits', () => {
	let running: RunningApp;
	let admin: Signed;
	let chairId = '';

	const body = (overrides: Record<string, unknown> = {}) => ({
		title: 'Giao ban tháng 12',
		description: '',
		location: 'Hội trường',
		startsAt: new Date(Date.now() + 86_400_000).toISOString(),
		endsAt: new Date(Date.now() + 90_000_000).toISOString(),
		chairId,
		agenda: [{ title: 'Báo cáo', presenter: '', durationMinutes: 20 }],
		invitedUnitIds: ['dong-thinh'],
		...overrides,
	});

	beforeAll(async () => {
		running = await startApp();
		const accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		chairId = (await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers })).json<{ id: string }[]>()[0]!.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	const create = async (overrides: Record<string, unknown> = {}) =>
		running.app.inject({ method: 'POST', url: '/api/meetings', headers: admin.headers, payload: body(overrides) });
	const get = async (id: string) => (await running.app.inject({ url: `/api/meetings/${id}`, headers: admin.headers })).json<Detail>();
	const actions = async (id: string) => (await running.app.inject({ url: `/api/meetings/${id}/actions`, headers: admin.headers })).json<{ action: string }[]>();

	it('a blank title or agenda item (spaces only) is refused; text is stored trimmed', async () => {
		for (const overrides of [{ title: '   ' }, { title: '\t \n' }, { agenda: [{ title: '  ', presenter: '', durationMinutes: 5 }] }]) {
			const refused = await create(overrides);
			expect(refused.statusCode, JSON.stringify(overrides)).toBe(400);
			expect(refused.json<{ code: string }>().code).toBe('invalid_payload');
		}
		const created = await create({ title: '  Giao ban  ', agenda: [{ title: ' Báo cáo ', presenter: ' Phòng Nội vụ ', durationMinutes: 5 }] });
		expect(created.statusCode, created.body).toBe(201);
		const stored = await get(created.json<{ meeting: { id: string } }>().meeting.id);
		expect(stored.title).toBe('Giao ban');
		expect(stored.agenda[0]).toMatchObject({ title: 'Báo cáo', presenter: 'Phòng Nội vụ' });
	});

	it('dates far in the past or future are refused', async () => {
		for (const [startsAt, endsAt] of [
			['1970-01-01T00:00:00.000Z', '1970-01-01T01:00:00.000Z'],
			['2999-01-01T00:00:00.000Z', '2999-01-01T01:00:00.000Z'],
		]) {
			const refused = await create({ startsAt, endsAt });
			expect(refused.statusCode).toBe(400);
			expect(refused.json<{ code: string }>().code).toBe('invalid_payload');
		}
	});

	it('an edit that fails half-way changes nothing and logs nothing', async () => {
		const created = await create({ invitedUnitIds: ['dong-thinh'] });
		const id = created.json<{ meeting: { id: string } }>().meeting.id;
		const before = await get(id);
		await running.app.db.$executeRawUnsafe(
			`CREATE TRIGGER fail_invite BEFORE INSERT ON "Invitation" WHEN NEW."unitId" = 'hai-luu' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`
		);
		try {
			const failed = await running.app.inject({
				method: 'PUT',
				url: `/api/meetings/${id}`,
				headers: admin.headers,
				payload: body({ title: 'Tên mới', agenda: [], invitedUnitIds: ['hai-luu'] }),
			});
			expect(failed.statusCode).toBe(500);
		} finally {
			await running.app.db.$executeRawUnsafe('DROP TRIGGER fail_invite');
		}
		const after = await get(id);
		expect(after.title).toBe(before.title);
		expect(after.agenda).toEqual(before.agenda);
		expect(after.invitations).toEqual(before.invitations);
		expect((await actions(id)).map((a) => a.action)).toEqual(['meeting.created']);
	});

	it('links follow a new planned end', async () => {
		const created = await create();
		const { meeting, joinLinks } = created.json<{ meeting: { id: string }; joinLinks: { url: string }[] }>();
		const token = joinLinks[0]!.url.split('/join/')[1]!;
		const later = new Date(Date.now() + 10 * 86_400_000);
		const moved = await running.app.inject({
			method: 'PUT',
			url: `/api/meetings/${meeting.id}`,
			headers: admin.headers,
			payload: body({ startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 3_600_000).toISOString() }),
		});
		expect(moved.statusCode, moved.body).toBe(200);
		const invitation = await running.app.db.invitation.findFirstOrThrow({ where: { meetingId: meeting.id }, select: { expiresAt: true, tokenHash: true } });
		expect(invitation.expiresAt.getTime()).toBe(later.getTime() + 3_600_000 + 86_400_000);
		// The link itself is unchanged (nobody has to hand it out again).
		const { hashJoinToken } = await import('../../../server/src/features/meetings/meetings.service.ts');
		expect(invitation.tokenHash).toBe(hashJoinToken(token));
	});
});
