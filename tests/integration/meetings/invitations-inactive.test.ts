import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, User } from '../../../shared/src/api/auth.ts';
import type { MeetingInput } from '../../../shared/src/api/meetings.ts';
import { InvalidPayloadError } from '../../../server/src/lib/errors.ts';
import { createMeetingsRepository, type MeetingsRepository } from '../../../server/src/features/meetings/meetings.repository.ts';
import { createMeetingsService } from '../../../server/src/features/meetings/meetings.service.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const HOUR = 3600_000;

/**
 * A unit merged or deactivated between the service's check of the invited units and the write is
 * not invited: the write checks again in its transaction. The race is staged by deactivating the
 * unit right after the check answers.
 */
describe('invitations to a unit that became inactive meanwhile', () => {
	let running: RunningApp;
	let admin: Signed;
	let user: User;
	let chairId = '';

	const input = (invitedUnitIds: string[]): MeetingInput => ({
		title: 'Giao ban tuần',
		description: '',
		location: 'Hội trường',
		startsAt: new Date(Date.now() + 24 * HOUR).toISOString(),
		endsAt: new Date(Date.now() + 25 * HOUR).toISOString(),
		chairId,
		agenda: [],
		invitedUnitIds,
		recordingEnabled: false,
	});

	/** The real repository, but `unitId` stops being active just after the service checked it. */
	function racingRepository(unitId: string): MeetingsRepository {
		const repo = createMeetingsRepository(running.app.db);
		return {
			...repo,
			async countChildUnits(parentId, unitIds) {
				const counted = await repo.countChildUnits(parentId, unitIds);
				await running.app.db.unit.update({ where: { id: unitId }, data: { active: false } });
				return counted;
			},
		};
	}

	const refusal = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'accepted', (error: unknown) => error);

	beforeAll(async () => {
		running = await startApp();
		const accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		user = (await running.app.inject({ url: '/api/auth/session', headers: admin.headers })).json<Session>().user;
		chairId = (await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers })).json<{ id: string }[]>()[0]!.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('a new meeting is not created', async () => {
		const before = await running.app.db.meeting.count();
		const service = createMeetingsService(racingRepository('duc-bac'), { publicUrl: () => running.url });
		const error = await refusal(service.create(user, input(['bach-luu', 'duc-bac'])));
		expect(error).toBeInstanceOf(InvalidPayloadError);
		expect(error).toMatchObject({ reason: 'unit_inactive', field: 'invitedUnitIds' });
		expect(await running.app.db.meeting.count()).toBe(before);
		expect(await running.app.db.invitation.count({ where: { unitId: 'duc-bac' } })).toBe(0);
		await running.app.db.unit.update({ where: { id: 'duc-bac' }, data: { active: true } });
	});

	it('a meeting already planned gets no invitation to it, and nothing else of the change is stored', async () => {
		const created = await running.app.inject({ method: 'POST', url: '/api/meetings', headers: admin.headers, payload: input(['bach-luu']) });
		expect(created.statusCode, created.body).toBe(201);
		const id = created.json<{ meeting: { id: string } }>().meeting.id;

		const service = createMeetingsService(racingRepository('cao-phong'), { publicUrl: () => running.url });
		const error = await refusal(service.update(user, id, { ...input(['bach-luu', 'cao-phong']), title: 'Giao ban đổi tên' }));
		expect(error).toBeInstanceOf(InvalidPayloadError);
		expect(error).toMatchObject({ reason: 'unit_inactive', field: 'invitedUnitIds' });
		const stored = await running.app.db.meeting.findUniqueOrThrow({ where: { id }, select: { title: true, invitations: { select: { unitId: true } } } });
		expect(stored).toEqual({ title: 'Giao ban tuần', invitations: [{ unitId: 'bach-luu' }] });
		expect(await running.app.db.meetingAction.count({ where: { meetingId: id, action: 'meeting.updated' } })).toBe(0);

		// Once it is active again the same change goes through.
		await running.app.db.unit.update({ where: { id: 'cao-phong' }, data: { active: true } });
		const updated = await running.app.inject({ method: 'PUT', url: `/api/meetings/${id}`, headers: admin.headers, payload: { ...input(['bach-luu', 'cao-phong']), title: 'Giao ban đổi tên' } });
		expect(updated.statusCode, updated.body).toBe(200);
		expect(updated.json<{ meeting: { invitations: { unitId: string }[] } }>().meeting.invitations.map((i) => i.unitId).sort()).toEqual(['bach-luu', 'cao-phong']);
	});
});
