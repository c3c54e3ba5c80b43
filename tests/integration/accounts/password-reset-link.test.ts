import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, AccountSecret } from '../../../shared/src/api/accounts.ts';
import { conferenceFixture } from '../../helpers/conference-fixture.ts';
import { startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

function disconnected(client: TestClient): Promise<string> {
	return new Promise((resolve) => {
		if (!client.connected) {
			resolve('already');
		}
		client.once('disconnect', resolve);
	});
}

/** One-time password links: made by an administrator, used without a session, once, before they expire. */
describe('password reset links', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	let accounts: Account[];

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['dongthinh', 'hailuu', 'thuky']);
		accounts = (await running.app.inject({ url: '/api/accounts', headers: f.admin })).json<Account[]>();
	});
	afterAll(async () => {
		await running?.close();
	});

	let addresses = 0;
	const nextAddress = () => `10.80.0.${(addresses += 1)}`;
	const idOf = (username: string) => accounts.find((a) => a.username === username)!.id;
	const makeLink = async (username: string): Promise<{ token: string; secret: AccountSecret }> => {
		const response = await running.app.inject({ method: 'POST', url: `/api/accounts/${idOf(username)}/reset-password`, headers: f.admin, payload: { mode: 'link' } });
		expect(response.statusCode, response.body).toBe(200);
		const secret = response.json<AccountSecret>();
		return { token: secret.resetPath!.replace('/password-reset/', ''), secret };
	};
	const info = (token: string) => running.app.inject({ url: `/api/password-reset/${token}`, remoteAddress: nextAddress() });
	const use = (token: string, newPassword: string, headers: Record<string, string> = {}) =>
		running.app.inject({ method: 'POST', url: `/api/password-reset/${token}`, payload: { newPassword }, headers, remoteAddress: nextAddress() });
	const signIn = (username: string, password: string) =>
		running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: nextAddress() });
	const sessionWorks = async (cookie: string) => (await running.app.inject({ url: '/api/auth/session', headers: { cookie } })).statusCode === 200;
	const invalid = { code: 'not_found', reason: 'reset_link_invalid' };

	it('sets the password once: sessions end and the old password stops working when the link is made', async () => {
		const socket = await f.as('dongthinh');
		const gone = disconnected(socket);
		const hashBefore = (await running.app.db.user.findUniqueOrThrow({ where: { id: idOf('dongthinh') } })).passwordHash;
		expect((await signIn('dongthinh', f.accounts.get('dongthinh')!.password)).statusCode).toBe(200);
		const before = Date.now();
		const { token, secret } = await makeLink('dongthinh');
		expect(secret.resetPath).toMatch(/^\/password-reset\/[A-Za-z0-9_-]{43}$/);
		expect(secret.temporaryPassword).toBeUndefined();
		expect(new Date(secret.expiresAt!).getTime()).toBeGreaterThanOrEqual(before + 72 * 3600_000);
		expect(new Date(secret.expiresAt!).getTime()).toBeLessThan(Date.now() + 72 * 3600_000 + 1000);
		// Only the token's SHA-256 is stored.
		const stored = await running.app.db.passwordReset.findMany({ where: { userId: idOf('dongthinh') } });
		expect(stored.map((row) => row.id)).toEqual([createHash('sha256').update(token).digest('hex')]);
		expect(await gone).toBe('io server disconnect');
		expect(await sessionWorks(f.signed.get('dongthinh')!.cookie)).toBe(false);
		// A leaked password is what a reset is often for: whoever knows it is locked out now, not once the link is used.
		const hashAfter = (await running.app.db.user.findUniqueOrThrow({ where: { id: idOf('dongthinh') } })).passwordHash;
		expect(hashAfter).not.toBe(hashBefore);
		expect(hashAfter).toMatch(/^scrypt\$32768\$8\$1\$/);
		const oldPassword = await signIn('dongthinh', f.accounts.get('dongthinh')!.password);
		expect(oldPassword.statusCode).toBe(401);
		expect(oldPassword.json()).toMatchObject({ reason: 'wrong_credentials' });

		const shown = await info(token);
		expect(shown.statusCode, shown.body).toBe(200);
		expect(shown.headers['cache-control']).toBe('no-store');
		expect(shown.json()).toEqual({ username: 'dongthinh', displayName: 'Điểm cầu Xã Đồng Thịnh', expiresAt: secret.expiresAt });

		// The policy is checked before the link is spent.
		expect((await use(token, 'iloveyou2025')).json()).toMatchObject({ reason: 'password_common', field: 'newPassword' });
		expect((await use(token, 'short')).json()).toMatchObject({ reason: 'password_too_short', field: 'newPassword' });
		// Someone else signed in on this browser: the link needs no CSRF token of that session.
		const used = await use(token, 'phòng một cửa xã', { cookie: f.signed.get('hailuu')!.cookie });
		expect(used.statusCode, used.body).toBe(204);
		expect((await signIn('dongthinh', f.accounts.get('dongthinh')!.password)).statusCode).toBe(401);
		const signed = await signIn('dongthinh', 'phòng một cửa xã');
		expect(signed.json()).toMatchObject({ mustChangePassword: false });

		const second = await use(token, 'một mật khẩu khác nữa');
		expect(second.statusCode).toBe(404);
		expect(second.json()).toMatchObject(invalid);
		expect((await info(token)).json()).toMatchObject(invalid);
		expect((await signIn('dongthinh', 'một mật khẩu khác nữa')).statusCode).toBe(401);
		const audit = await running.app.db.auditEvent.findMany({ where: { action: { in: ['user.password_reset', 'auth.password_reset_used'] } }, orderBy: { at: 'asc' } });
		expect(audit.map((row) => [row.action, row.actorId === idOf('dongthinh') ? 'user' : 'admin'])).toEqual([
			['user.password_reset', 'admin'],
			['auth.password_reset_used', 'user'],
		]);
		expect(JSON.stringify(audit)).not.toContain(token);
	});

	it('refuses expired links, links replaced by a newer one, unknown tokens and links of disabled accounts, all alike', async () => {
		const expired = await makeLink('hailuu');
		await running.app.db.passwordReset.updateMany({ where: { userId: idOf('hailuu') }, data: { expiresAt: new Date(Date.now() - 1000) } });
		expect((await info(expired.token)).json()).toMatchObject(invalid);
		expect((await use(expired.token, 'phòng văn hóa xã')).json()).toMatchObject(invalid);

		const older = await makeLink('hailuu');
		const newer = await makeLink('hailuu');
		expect((await info(older.token)).json()).toMatchObject(invalid);
		expect((await info(newer.token)).statusCode).toBe(200);

		expect((await info('A'.repeat(43))).json()).toMatchObject(invalid);
		expect((await info('short')).statusCode).toBe(400);

		const disable = await running.app.inject({ method: 'POST', url: `/api/accounts/${idOf('hailuu')}/disable`, headers: f.admin });
		expect(disable.statusCode).toBe(200);
		expect((await info(newer.token)).json()).toMatchObject(invalid);
		expect((await use(newer.token, 'phòng văn hóa xã')).json()).toMatchObject(invalid);
		expect(await running.app.db.passwordReset.count({ where: { userId: idOf('hailuu'), usedAt: { not: null } } })).toBe(0);
		// Disabling deleted the link: enabled again within its 72 hours, it does not come back to life.
		expect(await running.app.db.passwordReset.count({ where: { userId: idOf('hailuu') } })).toBe(0);
		const enable = await running.app.inject({ method: 'POST', url: `/api/accounts/${idOf('hailuu')}/enable`, headers: f.admin });
		expect(enable.statusCode, enable.body).toBe(200);
		expect(enable.json()).toMatchObject({ username: 'hailuu', disabled: false });
		expect((await info(newer.token)).json()).toMatchObject(invalid);
		const late = await use(newer.token, 'phòng văn hóa xã');
		expect(late.statusCode).toBe(404);
		expect(late.json()).toMatchObject(invalid);
		expect((await signIn('hailuu', 'phòng văn hóa xã')).statusCode).toBe(401);
	});

	it('of two uses at once, exactly one sets the password', async () => {
		const { token } = await makeLink('thuky');
		const results = await Promise.all([use(token, 'mật khẩu thứ nhất'), use(token, 'mật khẩu thứ hai')]);
		expect(results.map((r) => r.statusCode).sort()).toEqual([204, 404]);
		const winner = results[0].statusCode === 204 ? 'mật khẩu thứ nhất' : 'mật khẩu thứ hai';
		const loser = winner === 'mật khẩu thứ nhất' ? 'mật khẩu thứ hai' : 'mật khẩu thứ nhất';
		expect((await signIn('thuky', winner)).statusCode).toBe(200);
		expect((await signIn('thuky', loser)).statusCode).toBe(401);
	});
});
