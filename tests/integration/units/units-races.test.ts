import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, User } from '../../../shared/src/api/auth.ts';
import { InvalidStateError } from '../../../server/src/lib/errors.ts';
import { createUnitsRepository, type UnitsRepository } from '../../../server/src/features/units/units.repository.ts';
import { createUnitsService } from '../../../server/src/features/units/units.service.ts';
import { login, seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

/**
 * Another administrator's change landing after the service read the units and before it writes:
 * staged by making that change just as the write is called. The name is checked by the write, so
 * the later request is refused rather than leaving two active siblings of one name.
 */
describe('unit names taken while a request is under way', () => {
	let running: RunningApp;
	let admin: User;
	const failures: string[] = [];

	/** The real repository; `meanwhile` runs just before the write named `write`. */
	function racing(write: 'create' | 'update' | 'activate', meanwhile: () => Promise<unknown>): UnitsRepository {
		const repo = createUnitsRepository(running.app.db);
		const staged = { ...repo };
		const original = (...args: unknown[]) => (repo[write] as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
		(staged as Record<string, unknown>)[write] = async (...args: unknown[]) => {
			await meanwhile();
			return original(...args);
		};
		return staged;
	}

	const serviceOn = (units: UnitsRepository) =>
		createUnitsService({ units, events: { publish: async () => undefined }, endSessionsOf: async () => 0, log: { error: (_obj, msg) => failures.push(msg) } });
	const refusal = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'accepted', (error: unknown) => error);
	const active = (name: string) => running.app.db.unit.count({ where: { parentId: 'song-lo', active: true, name } });
	const sibling = (id: string, name: string) =>
		running.app.db.unit.create({ data: { id, kind: 'commune', name, authority: `UBND ${name.toLocaleUpperCase('vi')}`, parentId: 'song-lo' } });

	beforeAll(async () => {
		running = await startApp();
		const accounts = await seedAccounts(running.app);
		const signed = await login(running.app, accounts, 'admin');
		admin = (await running.app.inject({ url: '/api/auth/session', headers: signed.headers })).json<Session>().user;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('create', async () => {
		const service = serviceOn(racing('create', () => sibling('xa-kia', 'Xã Chen Ngang')));
		const error = await refusal(service.create(admin, { parentId: 'song-lo', kind: 'commune', name: 'xã chen  ngang', authority: 'UBND XÃ CHEN NGANG' }));
		expect(error).toBeInstanceOf(InvalidStateError);
		expect(error).toMatchObject({ reason: 'unit_name_taken', field: 'name' });
		expect(await running.app.db.unit.count({ where: { name: { in: ['Xã Chen Ngang', 'xã chen ngang'] } } })).toBe(1);
	});

	it('rename', async () => {
		const service = serviceOn(racing('update', () => running.app.db.unit.update({ where: { id: 'dong-que' }, data: { name: 'Xã Đổi Tên' } })));
		const error = await refusal(service.update(admin, 'cao-phong', { name: 'Xã Đổi Tên' }));
		expect(error).toMatchObject({ reason: 'unit_name_taken', field: 'name' });
		expect(await running.app.db.unit.findUniqueOrThrow({ where: { id: 'cao-phong' } })).toMatchObject({ name: 'Xã Cao Phong' });
		expect(await active('Xã Đổi Tên')).toBe(1);
	});

	it('activate', async () => {
		await running.app.db.unit.update({ where: { id: 'tu-yen' }, data: { active: false } });
		const service = serviceOn(racing('activate', () => sibling('tu-yen-moi', 'Xã Tứ Yên')));
		const error = await refusal(service.activate(admin, 'tu-yen'));
		expect(error).toMatchObject({ reason: 'unit_name_taken' });
		expect(await running.app.db.unit.findUniqueOrThrow({ where: { id: 'tu-yen' } })).toMatchObject({ active: false });
		expect(await active('Xã Tứ Yên')).toBe(1);
		expect(failures).toEqual([]);
	});
});

describe('a merge whose follow-ups fail', () => {
	let running: RunningApp;
	let admin: User;

	beforeAll(async () => {
		running = await startApp();
		const accounts = await seedAccounts(running.app);
		const signed = await login(running.app, accounts, 'admin');
		admin = (await running.app.inject({ url: '/api/auth/session', headers: signed.headers })).json<Session>().user;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('is answered (so the caller audits it), runs every follow-up and logs the ones that failed', async () => {
		const ended: string[] = [];
		const logged: string[] = [];
		const service = createUnitsService({
			units: createUnitsRepository(running.app.db),
			events: { publish: async () => undefined },
			endSessionsOf: async (userId) => {
				ended.push(userId);
				if (ended.length === 1) {
					throw new Error('socket layer down');
				}
				return 1;
			},
			log: { error: (_obj, msg) => logged.push(msg) },
		});
		const moved = await running.app.db.user.findMany({ where: { unitId: { in: ['nhao-son', 'nhu-thuy'] } }, select: { id: true } });
		expect(moved.length).toBe(2);
		const result = await service.merge(admin, 'nhan-dao', ['nhao-son', 'nhu-thuy']);
		expect(result).toMatchObject({ usersMoved: 2, unit: { id: 'nhan-dao', mergedFromIds: ['nhao-son', 'nhu-thuy'] } });
		expect(ended.sort()).toEqual(moved.map((u) => u.id).sort());
		expect(logged).toEqual([expect.stringMatching(/^After merging into nhan-dao: end sessions of .+ failed$/)]);
	});
});
