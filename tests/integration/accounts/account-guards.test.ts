import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, AccountSecret } from '../../../shared/src/api/accounts.ts';
import { hashPassword } from '../../../server/src/features/accounts/password.ts';
import { createUsersRepository } from '../../../server/src/features/accounts/users.repository.ts';
import type { Signed } from '../../helpers/accounts.ts';
import { conferenceFixture } from '../../helpers/conference-fixture.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

/**
 * What an administrator may not do to an account, over real HTTP on the demo district (a root
 * unit): touch a peer administrator of its own unit, enable an account of an inactive unit, take
 * the chair's role or unit from someone who chairs meetings to come; and the checks the
 * repository makes inside its transactions.
 */
describe('account administration guards', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri']);
	});
	afterAll(async () => {
		await running?.close();
	});

	let addresses = 0;
	const nextAddress = () => `10.83.0.${(addresses += 1)}`;
	const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: object) =>
		running.app.inject({ method, url, headers, ...(payload ? { payload } : {}), remoteAddress: nextAddress() });
	const signIn = async (username: string, password: string): Promise<Signed> => {
		const response = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: nextAddress() });
		expect(response.statusCode, response.body).toBe(200);
		const cookie = `giaoban_session=${response.cookies.find((c) => c.name === 'giaoban_session')!.value}`;
		const csrf = response.json<{ csrfToken: string }>().csrfToken;
		return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
	};
	const sessionWorks = async (signed: Signed) => (await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } })).statusCode === 200;
	const accountOf = async (username: string): Promise<Account> => {
		const accounts = (await call('GET', '/api/accounts', f.admin)).json<Account[]>();
		return accounts.find((a) => a.username === username)!;
	};
	/** A new administrator of `unitId`, made by the district's, signed in with a password of its own. */
	const newAdmin = async (username: string, unitId: string): Promise<{ account: Account; signed: Signed; password: string }> => {
		const created = await call('POST', '/api/accounts', f.admin, { username, displayName: `Quản trị ${username}`, role: 'admin', unitId });
		expect(created.statusCode, created.body).toBe(201);
		const { account, temporaryPassword } = created.json<AccountSecret>();
		const first = await signIn(username, temporaryPassword!);
		const password = `bàn làm việc của ${username.split('.')[0]} 2026`;
		const changed = await call('POST', '/api/auth/password', first.headers, { currentPassword: temporaryPassword, newPassword: password });
		expect(changed.statusCode, changed.body).toBe(204);
		return { account, signed: first, password };
	};

	it('an administrator cannot reset, disable, enable or change the role or unit of a peer of its own unit; one of the unit above can', async () => {
		const a = await newAdmin('quantri.mot', 'dong-thinh');
		const b = await newAdmin('quantri.hai', 'dong-thinh');
		const refusals = [
			['POST', `/api/accounts/${b.account.id}/reset-password`, { mode: 'temporary' }],
			['POST', `/api/accounts/${b.account.id}/reset-password`, { mode: 'link' }],
			['POST', `/api/accounts/${b.account.id}/disable`, undefined],
			['POST', `/api/accounts/${b.account.id}/enable`, undefined],
			['PATCH', `/api/accounts/${b.account.id}`, { role: 'viewer' }],
			['PATCH', `/api/accounts/${b.account.id}`, { unitId: 'nhu-thuy' }],
		] as const;
		for (const [method, url, payload] of refusals) {
			const refused = await call(method, url, a.signed.headers, payload);
			expect(refused.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(403);
			expect(refused.json()).toMatchObject({ code: 'forbidden', reason: 'admin_peer' });
		}
		// Nothing happened to B: same account, same password, same session, no reset link.
		expect(await accountOf('quantri.hai')).toMatchObject({ role: 'admin', unit: { id: 'dong-thinh' }, disabled: false, mustChangePassword: false });
		expect(await sessionWorks(b.signed)).toBe(true);
		expect(await running.app.db.passwordReset.count({ where: { userId: b.account.id } })).toBe(0);
		expect(await running.app.db.auditEvent.count({ where: { action: { in: ['user.password_reset', 'user.disabled', 'user.enabled', 'user.updated'] } } })).toBe(0);
		// The rest of the commune is still A's to manage.
		const operator = await accountOf('dongthinh');
		expect((await call('POST', `/api/accounts/${operator.id}/reset-password`, a.signed.headers, { mode: 'temporary' })).statusCode).toBe(200);

		// The district above manages both.
		const reset = await call('POST', `/api/accounts/${b.account.id}/reset-password`, f.admin, { mode: 'temporary' });
		expect(reset.statusCode, reset.body).toBe(200);
		expect(reset.json<AccountSecret>().account).toMatchObject({ id: b.account.id, mustChangePassword: true });
		expect(await sessionWorks(b.signed)).toBe(false);
		const disabled = await call('POST', `/api/accounts/${b.account.id}/disable`, f.admin);
		expect(disabled.statusCode, disabled.body).toBe(200);
		expect(disabled.json()).toMatchObject({ disabled: true });
		const enabled = await call('POST', `/api/accounts/${b.account.id}/enable`, f.admin);
		expect(enabled.statusCode, enabled.body).toBe(200);
		expect(await accountOf('quantri.hai')).toMatchObject({ disabled: false, mustChangePassword: true });

		// The district's own administrators are peers too, with nobody above them (the command line is their way back).
		const second = await newAdmin('quantri.huyen', 'song-lo');
		const admin = await accountOf('admin');
		const byPeer = await call('POST', `/api/accounts/${admin.id}/disable`, second.signed.headers);
		expect(byPeer.statusCode).toBe(403);
		expect(byPeer.json()).toMatchObject({ reason: 'admin_peer' });
		expect(await accountOf('admin')).toMatchObject({ disabled: false });
		expect(await sessionWorks(f.signed.get('admin')!)).toBe(true);
	});

	it('enabling an account of an inactive unit is refused', async () => {
		const operator = await accountOf('tuyen');
		expect((await call('POST', `/api/accounts/${operator.id}/disable`, f.admin)).statusCode).toBe(200);
		// As a deactivation or a merge leaves it (both refuse units with enabled accounts).
		await running.app.db.unit.update({ where: { id: 'tu-yen' }, data: { active: false } });
		const refused = await call('POST', `/api/accounts/${operator.id}/enable`, f.admin);
		expect(refused.statusCode).toBe(409);
		expect(refused.json()).toMatchObject({ code: 'invalid_state', reason: 'unit_inactive' });
		expect(await running.app.db.user.findUniqueOrThrow({ where: { id: operator.id } })).toMatchObject({ disabled: true });
		expect(await running.app.db.auditEvent.count({ where: { action: 'user.enabled', detail: { contains: operator.id } } })).toBe(0);

		await running.app.db.unit.update({ where: { id: 'tu-yen' }, data: { active: true } });
		const enabled = await call('POST', `/api/accounts/${operator.id}/enable`, f.admin);
		expect(enabled.statusCode, enabled.body).toBe(200);
		expect(await running.app.db.user.findUniqueOrThrow({ where: { id: operator.id } })).toMatchObject({ disabled: false });
	});

	it('the chair of a meeting to come keeps the chair’s role and unit until the meeting is cancelled', async () => {
		const chutri = await accountOf('chutri');
		const { id: meetingId } = await f.schedule(['dong-thinh'], { startsAt: new Date(Date.now() + 24 * 3600_000) });
		const signed = await signIn('chutri', f.accounts.get('chutri')!.password);

		const demote = await call('PATCH', `/api/accounts/${chutri.id}`, f.admin, { role: 'viewer' });
		expect(demote.statusCode).toBe(409);
		expect(demote.json()).toMatchObject({ code: 'invalid_state', reason: 'account_chairs_meetings', field: 'role' });
		const move = await call('PATCH', `/api/accounts/${chutri.id}`, f.admin, { unitId: 'dong-thinh' });
		expect(move.statusCode).toBe(409);
		expect(move.json()).toMatchObject({ reason: 'account_chairs_meetings', field: 'unitId' });
		// Neither was written, nor the sessions ended; a new display name is fine.
		expect(await running.app.db.user.findUniqueOrThrow({ where: { id: chutri.id } })).toMatchObject({ role: 'chair', unitId: 'song-lo' });
		expect(await sessionWorks(signed)).toBe(true);
		expect((await call('PATCH', `/api/accounts/${chutri.id}`, f.admin, { displayName: 'Chủ tịch UBND huyện' })).json()).toMatchObject({ displayName: 'Chủ tịch UBND huyện', role: 'chair' });

		const cancelled = await call('POST', `/api/meetings/${meetingId}/cancel`, f.admin);
		expect(cancelled.statusCode, cancelled.body).toBe(200);
		const demoted = await call('PATCH', `/api/accounts/${chutri.id}`, f.admin, { role: 'viewer' });
		expect(demoted.statusCode, demoted.body).toBe(200);
		expect(demoted.json()).toMatchObject({ role: 'viewer', unit: { id: 'song-lo' } });
		expect(await sessionWorks(signed)).toBe(false);
		// Back to chair: nothing to refuse when an account becomes one.
		expect((await call('PATCH', `/api/accounts/${chutri.id}`, f.admin, { role: 'chair' })).json()).toMatchObject({ role: 'chair' });
	});

	it('a chair who is no longer a chair of the host unit does not moderate the meeting', async () => {
		const chutri = await accountOf('chutri');
		const { id: meetingId } = await f.schedule(['dong-thinh']);
		const before = await signIn('chutri', f.accounts.get('chutri')!.password);
		expect((await call('GET', `/api/meetings/${meetingId}`, before.headers)).json()).toMatchObject({ permissions: { moderate: true } });

		// A row the guard above did not see (written before it, or by hand): the id alone no longer makes the chair.
		await running.app.db.user.update({ where: { id: chutri.id }, data: { role: 'secretary' } });
		const after = await signIn('chutri', f.accounts.get('chutri')!.password);
		const detail = (await call('GET', `/api/meetings/${meetingId}`, after.headers)).json<{ chair: { id: string }; permissions: { moderate: boolean; join: boolean } }>();
		expect(detail.chair.id).toBe(chutri.id);
		expect(detail.permissions).toMatchObject({ moderate: false, join: true });
		const socket = await running.connect(undefined, { cookie: after.cookie });
		const joined = await f.join(socket, { meetingId });
		expect(joined.status).toBe('joined');
		const me = joined.snapshot.participants.find((p) => p.id === joined.participantId)!;
		expect(me).toMatchObject({ chair: false, host: true });
		socket.disconnect();
		await running.app.db.user.update({ where: { id: chutri.id }, data: { role: 'chair' } });
	});

	it('the repository re-checks inside its transactions: inactive units, the last administrator of a root unit', async () => {
		const users = createUsersRepository(running.app.db);
		const db = running.app.db;
		await db.unit.create({ data: { id: 'lap-thach', kind: 'district', name: 'Huyện Lập Thạch', authority: 'UBND HUYỆN LẬP THẠCH' } });
		await db.unit.create({ data: { id: 'xuan-loi', kind: 'commune', name: 'Xã Xuân Lôi', authority: 'UBND XÃ XUÂN LÔI', parentId: 'lap-thach', active: false } });
		const passwordHash = await hashPassword('mat-khau-lap-thach');
		const only = await db.user.create({ data: { username: 'admin-lt', displayName: 'Quản trị Lập Thạch', role: 'admin', unitId: 'lap-thach', passwordHash } });

		// The last enabled administrator of a unit with nobody above: neither disabled, demoted nor moved.
		expect(await users.disable(only.id)).toBe('last_admin');
		expect(await users.updateAccount(only.id, { role: 'viewer' })).toBe('last_admin');
		await db.unit.create({ data: { id: 'lt-2', kind: 'district', name: 'Huyện Hai', authority: 'UBND HUYỆN HAI' } });
		expect(await users.updateAccount(only.id, { unitId: 'lt-2' })).toBe('last_admin');
		expect(await users.updateAccount(only.id, { displayName: 'Quản trị huyện Lập Thạch' })).toMatchObject({ displayName: 'Quản trị huyện Lập Thạch', role: 'admin' });
		expect(await db.user.findUniqueOrThrow({ where: { id: only.id } })).toMatchObject({ disabled: false, role: 'admin', unitId: 'lap-thach' });
		// With a second enabled one, either may go.
		await db.user.create({ data: { username: 'admin-lt2', displayName: 'Quản trị 2', role: 'admin', unitId: 'lap-thach', passwordHash } });
		expect(await users.disable(only.id)).toBeNull();
		expect(await db.user.findUniqueOrThrow({ where: { id: only.id } })).toMatchObject({ disabled: true });

		// An inactive unit takes no new account, no account moved in, and enables none.
		const account = { username: 'nguoi.xuanloi', displayName: 'Xuân Lôi', role: 'viewer' as const, passwordHash, mustChangePassword: true };
		expect(await users.createAccount({ ...account, unitId: 'xuan-loi' })).toBe('unit_inactive');
		expect(await db.user.count({ where: { username: 'nguoi.xuanloi' } })).toBe(0);
		const created = await users.createAccount({ ...account, unitId: 'lap-thach' });
		expect(created).toMatchObject({ username: 'nguoi.xuanloi', unit: { id: 'lap-thach' } });
		expect(await users.createAccount({ ...account, unitId: 'lap-thach' })).toBe('username_taken');
		if (typeof created === 'string') {
			throw new Error(created);
		}
		const { id } = created;
		expect(await users.updateAccount(id, { unitId: 'xuan-loi' })).toBe('unit_inactive');
		await db.user.update({ where: { id }, data: { unitId: 'xuan-loi', disabled: true } });
		expect(await users.enable(id)).toBe('unit_inactive');
		expect(await db.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ disabled: true, unitId: 'xuan-loi' });
	});
});
