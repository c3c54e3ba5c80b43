import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, AccountSecret } from '../../../shared/src/api/accounts.ts';
import type { AccessEvents } from '../../../server/src/domain/access-events.ts';
import { hashPassword } from '../../../server/src/features/accounts/password.ts';
import type { Signed } from '../../helpers/accounts.ts';
import { conferenceFixture, type Ack } from '../../helpers/conference-fixture.ts';
import { ask, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

function disconnected(client: TestClient): Promise<string> {
	return new Promise((resolve) => {
		if (!client.connected) {
			resolve('already');
		}
		client.once('disconnect', resolve);
	});
}

/**
 * Accounts administration over real HTTP and sockets on the demo district: listing and creating
 * accounts of the units below the administrator (any depth), the temporary password that must be
 * changed before anything else, role and unit changes that end sessions, and temporary-password resets.
 */
describe('accounts administration', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const ended: AccessEvents['sessions:ended'][] = [];

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'thuky', 'dongthinh']);
		running.app.accessEvents.on('sessions:ended', (event) => {
			ended.push(event);
		});
	});
	afterAll(async () => {
		await running?.close();
	});

	let addresses = 0;
	const nextAddress = () => `10.79.0.${(addresses += 1)}`;
	const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: object) =>
		running.app.inject({ method, url, headers, ...(payload ? { payload } : {}), remoteAddress: nextAddress() });
	const signIn = async (username: string, password: string): Promise<Signed & { mustChangePassword: boolean }> => {
		const response = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: nextAddress() });
		expect(response.statusCode, response.body).toBe(200);
		const cookie = `giaoban_session=${response.cookies.find((c) => c.name === 'giaoban_session')!.value}`;
		const body = response.json<{ csrfToken: string; mustChangePassword: boolean }>();
		return { cookie, csrf: body.csrfToken, headers: { cookie, 'x-csrf-token': body.csrfToken }, mustChangePassword: body.mustChangePassword };
	};
	const sessionWorks = async (signed: Signed) => (await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } })).statusCode === 200;
	const list = async (headers: Record<string, string>) => {
		const response = await inject('GET', '/api/accounts', headers);
		expect(response.statusCode, response.body).toBe(200);
		return response.json<Account[]>();
	};
	const create = (payload: object, headers = f.admin) => inject('POST', '/api/accounts', headers, payload);
	const auditDetails = async (action: string) =>
		(await running.app.db.auditEvent.findMany({ where: { action }, orderBy: { at: 'asc' } })).map((row) => ({ ...row, detail: JSON.parse(row.detail || '{}') as Record<string, unknown> }));

	it('lists the accounts of the district and every unit below it, disabled ones too, by unit name then username; only to administrators', async () => {
		// A unit two levels down (below a commune) and a disabled account: both are the district's business.
		await running.app.db.unit.create({ data: { id: 'thon-dong', kind: 'town', name: 'Thôn Đông', authority: 'THÔN ĐÔNG', parentId: 'dong-thinh' } });
		await running.app.db.user.create({
			data: { username: 'thondong', displayName: 'Điểm cầu thôn Đông', role: 'viewer', unitId: 'thon-dong', passwordHash: await hashPassword('mat-khau-thon-dong'), disabled: true },
		});
		const accounts = await list(f.admin);
		expect(accounts).toHaveLength(21);
		expect(accounts.find((a) => a.username === 'thondong')).toMatchObject({ disabled: true, mustChangePassword: false, unit: { id: 'thon-dong', kind: 'town' } });
		const { id, createdAt, ...first } = accounts[0]!;
		expect(first).toEqual({
			username: 'admin',
			displayName: 'Quản trị huyện',
			role: 'admin',
			unit: { id: 'song-lo', name: 'Huyện Sông Lô', kind: 'district' },
			disabled: false,
			mustChangePassword: false,
		});
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(Date.parse(createdAt)).toBeGreaterThan(Date.now() - 600_000);
		// Vietnamese dictionary order of unit names ("Xã Đồng Thịnh" after "Xã Đôn Nhân", before "Xã Hải Lựu"), then usernames.
		const unitNames = accounts.map((a) => a.unit.name);
		expect(unitNames).toEqual([...unitNames].sort((a, b) => a.localeCompare(b, 'vi')));
		expect(unitNames.indexOf('Xã Đồng Thịnh')).toBeGreaterThan(unitNames.indexOf('Xã Đôn Nhân'));
		expect(unitNames.indexOf('Xã Đồng Thịnh')).toBeLessThan(unitNames.indexOf('Xã Hải Lựu'));
		expect(accounts.filter((a) => a.unit.id === 'song-lo').map((a) => a.username)).toEqual(['admin', 'chutri', 'thuky']);
		for (const account of accounts) {
			expect(account).not.toHaveProperty('passwordHash');
		}

		const byChair = await inject('GET', '/api/accounts', f.signed.get('chutri')!.headers);
		expect(byChair.statusCode).toBe(403);
		expect((await running.app.inject({ url: '/api/accounts' })).statusCode).toBe(401);
	});

	it('creates an account with a temporary password that allows nothing but choosing a new one', async () => {
		const created = await create({ username: 'vanthu.dongthinh', displayName: 'Văn thư xã Đồng Thịnh', role: 'secretary', unitId: 'dong-thinh' });
		expect(created.statusCode, created.body).toBe(201);
		expect(created.headers['cache-control']).toBe('no-store');
		const secret = created.json<AccountSecret>();
		expect(secret.account).toMatchObject({ username: 'vanthu.dongthinh', role: 'secretary', unit: { id: 'dong-thinh' }, mustChangePassword: true, disabled: false });
		const temporary = secret.temporaryPassword!;
		expect(temporary).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{14}$/);
		// The audit names the account, never its password.
		const [audit] = (await auditDetails('user.created')).filter((row) => row.detail['username'] === 'vanthu.dongthinh');
		expect(audit).toMatchObject({ unitId: 'song-lo', detail: { userId: secret.account.id, role: 'secretary', unitId: 'dong-thinh' } });
		expect(JSON.stringify(audit)).not.toContain(temporary);

		const signed = await signIn('vanthu.dongthinh', temporary);
		expect(signed.mustChangePassword).toBe(true);
		const session = await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } });
		expect(session.statusCode).toBe(200);
		expect(session.json()).toMatchObject({ mustChangePassword: true, user: { username: 'vanthu.dongthinh' } });
		// Reads and writes alike, until the password is changed.
		for (const [method, url] of [
			['GET', '/api/meetings'],
			['GET', '/api/accounts/chairs'],
			['POST', `/api/accounts/${secret.account.id}/disable`],
		] as const) {
			const refused = await inject(method, url, signed.headers);
			expect(refused.statusCode, `${method} ${url}`).toBe(403);
			expect(refused.json()).toMatchObject({ code: 'forbidden', reason: 'password_change_required' });
		}
		// Public routes stay public with the cookie.
		expect((await running.app.inject({ url: '/api/host-unit', headers: { cookie: signed.cookie } })).statusCode).toBe(200);
		// The socket handshake with that session is refused, with a reason the page can act on.
		const handshake = await running.connect(undefined, { cookie: signed.cookie }).catch((error: unknown) => error);
		expect(handshake).toBeInstanceOf(Error);
		expect((handshake as { data?: unknown }).data).toEqual({ code: 'forbidden', reason: 'password_change_required' });

		// The new password goes through the policy.
		const change = (newPassword: string) => inject('POST', '/api/auth/password', signed.headers, { currentPassword: temporary, newPassword });
		expect((await change('ngan')).json()).toMatchObject({ code: 'invalid_payload', reason: 'password_too_short', field: 'newPassword' });
		expect((await change('Password123!')).json()).toMatchObject({ code: 'invalid_payload', reason: 'password_common', field: 'newPassword' });
		expect((await change('VanThu.DongThinh-2026')).json()).toMatchObject({ code: 'invalid_payload', reason: 'password_contains_username', field: 'newPassword' });
		expect(await sessionWorks(signed)).toBe(true);
		expect((await change('sổ công văn đến 2026')).statusCode).toBe(204);

		expect((await inject('GET', '/api/meetings', signed.headers)).statusCode).toBe(200);
		const socket = await running.connect(undefined, { cookie: signed.cookie });
		expect((await ask<Ack>(socket, 'echo:stop', {})).ok).toBe(true);
		expect((await signIn('vanthu.dongthinh', 'sổ công văn đến 2026')).mustChangePassword).toBe(false);
	});

	it('refuses taken usernames, units outside or inactive, and a commune operator above the communes', async () => {
		const taken = await create({ username: 'dongthinh', displayName: 'Trùng tên', role: 'viewer', unitId: 'dong-thinh' });
		expect(taken.statusCode).toBe(409);
		expect(taken.json()).toMatchObject({ code: 'invalid_state', reason: 'username_taken', field: 'username' });
		const upper = await create({ username: 'DongThinh2', displayName: 'Chữ hoa', role: 'viewer', unitId: 'dong-thinh' });
		expect(upper.statusCode).toBe(400);
		expect(upper.json()).toMatchObject({ field: 'username' });

		await running.app.db.unit.create({ data: { id: 'lap-thach', kind: 'district', name: 'Huyện Lập Thạch', authority: 'UBND HUYỆN LẬP THẠCH' } });
		const outside = await create({ username: 'nguoi.lapthach', displayName: 'Ngoài huyện', role: 'viewer', unitId: 'lap-thach' });
		expect(outside.statusCode).toBe(404);
		expect(outside.json()).toMatchObject({ reason: 'unit_not_managed', field: 'unitId' });
		expect((await create({ username: 'khong.co', displayName: 'Không có', role: 'viewer', unitId: 'khong-co' })).json()).toMatchObject({ reason: 'unit_not_managed' });

		await running.app.db.unit.update({ where: { id: 'tu-yen' }, data: { active: false } });
		const inactive = await create({ username: 'nguoi.tuyen', displayName: 'Xã Tứ Yên', role: 'viewer', unitId: 'tu-yen' });
		expect(inactive.statusCode).toBe(409);
		expect(inactive.json()).toMatchObject({ reason: 'unit_inactive', field: 'unitId' });

		const operatorAtDistrict = await create({ username: 'dieu.hanh', displayName: 'Điều hành', role: 'commune_operator', unitId: 'song-lo' });
		expect(operatorAtDistrict.statusCode).toBe(400);
		expect(operatorAtDistrict.json()).toMatchObject({ code: 'invalid_payload', field: 'role' });
		// Chairs, secretaries and administrators belong to communes too.
		const chairOfCommune = await create({ username: 'chutich.hailuu', displayName: 'Chủ tịch xã Hải Lựu', role: 'chair', unitId: 'hai-luu' });
		expect(chairOfCommune.statusCode, chairOfCommune.body).toBe(201);
		// Nothing was created by the refusals.
		const usernames = (await list(f.admin)).map((a) => a.username);
		expect(usernames).not.toContain('nguoi.lapthach');
		expect(usernames).not.toContain('nguoi.tuyen');
		expect(usernames).not.toContain('dieu.hanh');
	});

	it('a changed role or unit ends the account’s sessions and sockets; a new display name does not', async () => {
		const accounts = await list(f.admin);
		const thuky = accounts.find((a) => a.username === 'thuky')!;
		const signed = await signIn('thuky', f.accounts.get('thuky')!.password);
		const socket = await running.connect(undefined, { cookie: signed.cookie });

		const renamed = await inject('PATCH', `/api/accounts/${thuky.id}`, f.admin, { displayName: '  Thư ký Văn phòng  ' });
		expect(renamed.statusCode, renamed.body).toBe(200);
		expect(renamed.json()).toMatchObject({ displayName: 'Thư ký Văn phòng', role: 'secretary' });
		expect(await sessionWorks(signed)).toBe(true);
		expect(socket.connected).toBe(true);

		const gone = disconnected(socket);
		const demoted = await inject('PATCH', `/api/accounts/${thuky.id}`, f.admin, { role: 'viewer' });
		expect(demoted.statusCode, demoted.body).toBe(200);
		expect(demoted.json()).toMatchObject({ role: 'viewer' });
		expect(await gone).toBe('io server disconnect');
		expect(await sessionWorks(signed)).toBe(false);
		expect(ended.at(-1)).toMatchObject({ userId: thuky.id, reason: 'account-changed' });
		const [audit] = (await auditDetails('user.updated')).filter((row) => row.detail['userId'] === thuky.id).slice(-1);
		// This sign-in's session and the fixture's.
		expect(audit!.detail).toMatchObject({ changed: 'role', role: 'viewer', sessionsEnded: 2 });

		// Moving to a commune: checked against the new unit, and sessions end again.
		const again = await signIn('thuky', f.accounts.get('thuky')!.password);
		const moved = await inject('PATCH', `/api/accounts/${thuky.id}`, f.admin, { unitId: 'dong-thinh', role: 'commune_operator' });
		expect(moved.statusCode, moved.body).toBe(200);
		expect(moved.json()).toMatchObject({ role: 'commune_operator', unit: { id: 'dong-thinh' } });
		expect(await sessionWorks(again)).toBe(false);
		// A commune operator cannot go back to the district as such, nor into an inactive unit.
		expect((await inject('PATCH', `/api/accounts/${thuky.id}`, f.admin, { unitId: 'song-lo' })).json()).toMatchObject({ field: 'role' });
		expect((await inject('PATCH', `/api/accounts/${thuky.id}`, f.admin, { unitId: 'tu-yen' })).json()).toMatchObject({ reason: 'unit_inactive' });

		// The administrator's own role and unit are not theirs to change; their display name is.
		const admin = accounts.find((a) => a.username === 'admin')!;
		const ownRole = await inject('PATCH', `/api/accounts/${admin.id}`, f.admin, { role: 'viewer' });
		expect(ownRole.statusCode).toBe(409);
		expect(ownRole.json()).toMatchObject({ reason: 'own_account' });
		expect((await inject('PATCH', `/api/accounts/${admin.id}`, f.admin, { unitId: 'dong-thinh' })).json()).toMatchObject({ reason: 'own_account' });
		expect((await inject('PATCH', `/api/accounts/${admin.id}`, f.admin, { displayName: 'Quản trị hệ thống huyện' })).statusCode).toBe(200);
		expect(await sessionWorks(f.signed.get('admin')!)).toBe(true);
		expect((await inject('PATCH', `/api/accounts/${admin.id}`, f.admin, {})).statusCode).toBe(400);
	});

	it('resets a password to a temporary one: every session ends and the next sign-in must change it; not for one’s own account', async () => {
		const accounts = await list(f.admin);
		const chutri = accounts.find((a) => a.username === 'chutri')!;
		const before = await signIn('chutri', f.accounts.get('chutri')!.password);
		const socket = await running.connect(undefined, { cookie: before.cookie });
		const gone = disconnected(socket);

		const reset = await inject('POST', `/api/accounts/${chutri.id}/reset-password`, f.admin, { mode: 'temporary' });
		expect(reset.statusCode, reset.body).toBe(200);
		expect(reset.headers['cache-control']).toBe('no-store');
		const secret = reset.json<AccountSecret>();
		expect(secret.account).toMatchObject({ id: chutri.id, mustChangePassword: true });
		expect(secret.temporaryPassword).toHaveLength(14);
		expect(await gone).toBe('io server disconnect');
		expect(await sessionWorks(before)).toBe(false);
		expect(await sessionWorks(f.signed.get('chutri')!)).toBe(false);
		expect(ended.at(-1)).toMatchObject({ userId: chutri.id, reason: 'password-reset' });
		expect((await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'chutri', password: f.accounts.get('chutri')!.password }, remoteAddress: nextAddress() })).statusCode).toBe(401);
		expect((await signIn('chutri', secret.temporaryPassword!)).mustChangePassword).toBe(true);
		const [audit] = (await auditDetails('user.password_reset')).slice(-1);
		expect(audit!.detail).toMatchObject({ userId: chutri.id, mode: 'temporary' });
		expect(JSON.stringify(audit)).not.toContain(secret.temporaryPassword!);

		const admin = accounts.find((a) => a.username === 'admin')!;
		const own = await inject('POST', `/api/accounts/${admin.id}/reset-password`, f.admin, { mode: 'temporary' });
		expect(own.statusCode).toBe(409);
		expect(own.json()).toMatchObject({ reason: 'own_account' });
		// Only administrators reset passwords: a signed-in commune operator (its session alive) is refused, and nothing changes.
		const operator = f.signed.get('dongthinh')!;
		expect(await sessionWorks(operator)).toBe(true);
		const byOperator = await inject('POST', `/api/accounts/${chutri.id}/reset-password`, operator.headers, { mode: 'temporary' });
		expect(byOperator.statusCode).toBe(403);
		expect(byOperator.json()).toMatchObject({ code: 'forbidden' });
		expect((await signIn('chutri', secret.temporaryPassword!)).mustChangePassword).toBe(true);
	});

	it('an administrator of a commune manages that commune only', async () => {
		const created = await create({ username: 'quantri.nhuthuy', displayName: 'Quản trị xã Như Thụy', role: 'admin', unitId: 'nhu-thuy' });
		expect(created.statusCode, created.body).toBe(201);
		const { temporaryPassword } = created.json<AccountSecret>();
		const first = await signIn('quantri.nhuthuy', temporaryPassword!);
		expect((await inject('POST', '/api/auth/password', first.headers, { currentPassword: temporaryPassword, newPassword: 'bàn làm việc xã Như Thụy' })).statusCode).toBe(204);

		const seen = await list(first.headers);
		expect(seen.map((a) => a.username).sort()).toEqual(['nhuthuy', 'quantri.nhuthuy']);
		const district = (await list(f.admin)).filter((a) => a.unit.id === 'song-lo');
		for (const account of district) {
			const patch = await inject('PATCH', `/api/accounts/${account.id}`, first.headers, { displayName: 'Đổi tên' });
			expect(patch.statusCode).toBe(404);
			expect((await inject('POST', `/api/accounts/${account.id}/reset-password`, first.headers, { mode: 'link' })).statusCode).toBe(404);
		}
		const upward = await create({ username: 'nguoi.huyen', displayName: 'Người huyện', role: 'viewer', unitId: 'song-lo' }, first.headers);
		expect(upward.json()).toMatchObject({ reason: 'unit_not_managed' });
		const sideways = await create({ username: 'nguoi.hailuu', displayName: 'Người Hải Lựu', role: 'viewer', unitId: 'hai-luu' }, first.headers);
		expect(sideways.json()).toMatchObject({ reason: 'unit_not_managed' });
		const own = await create({ username: 'thuquy.nhuthuy', displayName: 'Thủ quỹ xã Như Thụy', role: 'viewer', unitId: 'nhu-thuy' }, first.headers);
		expect(own.statusCode).toBe(201);
	});
});
