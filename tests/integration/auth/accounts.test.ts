import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvents } from '../../../server/src/domain/access-events.ts';
import { hashPassword } from '../../../server/src/features/accounts/password.ts';
import { hashToken } from '../../../server/src/lib/secrets.ts';
import { login, type Signed } from '../../helpers/accounts.ts';
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

describe('password change and disabling accounts', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const ended: AccessEvents['sessions:ended'][] = [];
	const disabled: string[] = [];

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'thuky', 'dongthinh', 'hailuu']);
		running.app.accessEvents.on('sessions:ended', (event) => {
			ended.push(event);
		});
		running.app.accessEvents.on('user:disabled', ({ userId }) => {
			disabled.push(userId);
		});
	});
	afterAll(async () => {
		await running?.close();
	});

	/** Sign-in is rate-limited per address; each sign-in here comes from another one. */
	let addresses = 0;
	const nextAddress = () => `10.77.0.${(addresses += 1)}`;
	const password = (signed: Signed, payload: object) =>
		running.app.inject({ method: 'POST', url: '/api/auth/password', headers: signed.headers, payload });
	const signIn = (username: string, secret: string) =>
		running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: secret }, remoteAddress: nextAddress() });
	const sessionWorks = async (signed: Signed) => (await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } })).statusCode === 200;

	it('changes the password only with the current one, and ends every other session of the user', async () => {
		const old = f.accounts.get('thuky')!.password;
		const here = await login(running.app, f.accounts, 'thuky', nextAddress());
		const there = await login(running.app, f.accounts, 'thuky', nextAddress());
		const thereSocket = await running.connect(undefined, { cookie: there.cookie });
		const hereSocket = await running.connect(undefined, { cookie: here.cookie });
		const gone = disconnected(thereSocket);

		const wrong = await password(here, { currentPassword: 'not-the-password', newPassword: 'mot-mat-khau-moi' });
		expect(wrong.statusCode).toBe(403);
		expect(wrong.json()).toEqual({ code: 'forbidden', message: 'The current password is wrong', reason: 'wrong_password', field: 'currentPassword' });
		const short = await password(here, { currentPassword: old, newPassword: 'ngan' });
		expect(short.statusCode).toBe(400);
		expect(short.json<{ code: string }>().code).toBe('invalid_payload');
		const same = await password(here, { currentPassword: old, newPassword: old.normalize('NFD') });
		expect(same.statusCode).toBe(400);
		expect(same.json()).toEqual({ code: 'invalid_payload', message: 'The new password must differ from the current one', reason: 'password_unchanged', field: 'newPassword' });
		const extra = await password(here, { currentPassword: old, newPassword: 'mot-mat-khau-moi', admin: true });
		expect(extra.statusCode).toBe(400);
		const anonymous = await running.app.inject({ method: 'POST', url: '/api/auth/password', payload: { currentPassword: old, newPassword: 'mot-mat-khau-moi' } });
		expect(anonymous.statusCode).toBe(401);
		// Nothing of the refused attempts changed anything.
		expect(await sessionWorks(there)).toBe(true);
		expect((await signIn('thuky', old)).statusCode).toBe(200);

		const changed = await password(here, { currentPassword: old, newPassword: 'Mật khẩu mới 2026' });
		expect(changed.statusCode).toBe(204);
		expect(await gone).toBe('io server disconnect');
		expect(await sessionWorks(there)).toBe(false);
		expect(await sessionWorks(here)).toBe(true);
		expect((await ask<Ack>(hereSocket, 'echo:stop', {})).ok).toBe(true);
		expect(ended.at(-1)).toMatchObject({ reason: 'password-changed' });
		expect(ended.at(-1)!.sessionIds).toContain(hashToken(there.cookie.split('=')[1]!));
		expect(ended.at(-1)!.sessionIds).not.toContain(hashToken(here.cookie.split('=')[1]!));
		expect((await signIn('thuky', old)).statusCode).toBe(401);
		expect((await signIn('thuky', 'Mật khẩu mới 2026')).statusCode).toBe(200);
	});

	it('lets the district administrator disable an account: no sign-in, sessions and sockets ended, user:disabled told', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const operator = await login(running.app, f.accounts, 'dongthinh', nextAddress());
		const site = await running.connect(undefined, { cookie: operator.cookie });
		expect((await ask<Ack>(site, 'room:join', { meetingId: meeting.id })).ok).toBe(true);
		const gone = disconnected(site);
		const userId = (await running.app.inject({ url: '/api/auth/session', headers: { cookie: operator.cookie } })).json<{ user: { id: string } }>().user.id;

		const response = await running.app.inject({ method: 'POST', url: `/api/accounts/${userId}/disable`, headers: f.admin });
		expect(response.statusCode, response.body).toBe(200);
		expect(response.json()).toMatchObject({ id: userId, username: 'dongthinh', disabled: true, unit: { id: 'dong-thinh' } });
		expect(await gone).toBe('io server disconnect');
		expect(disabled).toContain(userId);
		expect(ended.at(-1)).toMatchObject({ userId, reason: 'disabled' });
		expect(await sessionWorks(operator)).toBe(false);
		expect(await sessionWorks(f.signed.get('dongthinh')!)).toBe(false);
		expect((await signIn('dongthinh', f.accounts.get('dongthinh')!.password)).statusCode).toBe(401);
		const leaves = (await f.attendance(meeting.id)).filter((r) => r.unitId === 'dong-thinh' && r.kind === 'leave');
		expect(leaves).toHaveLength(1);

		const enabled = await running.app.inject({ method: 'POST', url: `/api/accounts/${userId}/enable`, headers: f.admin });
		expect(enabled.statusCode).toBe(200);
		expect(enabled.json()).toMatchObject({ id: userId, disabled: false });
		expect((await signIn('dongthinh', f.accounts.get('dongthinh')!.password)).statusCode).toBe(200);
	});

	it('refuses other roles, the administrator’s own account, and accounts outside the district', async () => {
		const userIdOf = async (signed: Signed) =>
			(await running.app.inject({ url: '/api/auth/session', headers: { cookie: signed.cookie } })).json<{ user: { id: string } }>().user.id;
		const hailuu = await userIdOf(f.signed.get('hailuu')!);
		const adminId = await userIdOf(f.signed.get('admin')!);

		const byChair = await running.app.inject({ method: 'POST', url: `/api/accounts/${hailuu}/disable`, headers: f.signed.get('chutri')!.headers });
		expect(byChair.statusCode).toBe(403);
		expect(byChair.json<{ code: string }>().code).toBe('forbidden');
		const self = await running.app.inject({ method: 'POST', url: `/api/accounts/${adminId}/disable`, headers: f.admin });
		expect(self.statusCode).toBe(409);
		expect(self.json<{ code: string }>().code).toBe('invalid_state');
		const missing = await running.app.inject({ method: 'POST', url: '/api/accounts/00000000-0000-4000-8000-000000000000/disable', headers: f.admin });
		expect(missing.statusCode).toBe(404);
		const noCsrf = await running.app.inject({ method: 'POST', url: `/api/accounts/${hailuu}/disable`, headers: { cookie: f.signed.get('admin')!.cookie } });
		expect(noCsrf.statusCode).toBe(403);

		// Another district with its own administrator: neither sees the other's accounts.
		await running.app.db.unit.create({ data: { id: 'lap-thach', kind: 'district', name: 'Huyện Lập Thạch', authority: 'UBND HUYỆN LẬP THẠCH' } });
		const other = await running.app.db.user.create({
			data: { username: 'admin-lt', displayName: 'Quản trị Lập Thạch', role: 'admin', unitId: 'lap-thach', passwordHash: await hashPassword('mat-khau-lap-thach') },
		});
		const otherLogin = await signIn('admin-lt', 'mat-khau-lap-thach');
		const otherCookie = `giaoban_session=${otherLogin.cookies.find((c) => c.name === 'giaoban_session')!.value}`;
		const otherHeaders = { cookie: otherCookie, 'x-csrf-token': otherLogin.json<{ csrfToken: string }>().csrfToken };
		const foreign = await running.app.inject({ method: 'POST', url: `/api/accounts/${hailuu}/disable`, headers: otherHeaders });
		expect(foreign.statusCode).toBe(404);
		expect(foreign.json<{ code: string }>().code).toBe('not_found');
		expect((await running.app.inject({ method: 'POST', url: `/api/accounts/${other.id}/disable`, headers: f.admin })).statusCode).toBe(404);
		// Nothing changed.
		expect(await sessionWorks(f.signed.get('hailuu')!)).toBe(true);
	});
});
