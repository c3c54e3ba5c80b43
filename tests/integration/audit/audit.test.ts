import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditPage } from '../../../shared/src/api/audit.ts';
import { hashPassword } from '../../../server/src/features/accounts/password.ts';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

describe('security audit log', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	let admin: Signed;

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
	});
	afterAll(async () => {
		await running?.close();
	});

	async function audit(query = '', headers: Record<string, string> = admin.headers): Promise<AuditPage> {
		const response = await running.app.inject({ url: `/api/audit${query}`, headers });
		expect(response.statusCode, response.body).toBe(200);
		return response.json<AuditPage>();
	}

	async function all(headers: Record<string, string> = admin.headers): Promise<AuditEntry[]> {
		return (await audit('?limit=200', headers)).events;
	}

	it('records sign-in, failed sign-in, password change, account changes and sign-out with actor and address', async () => {
		// After the administrator's own sign-in (beforeAll), before everything below.
		await new Promise((resolve) => setTimeout(resolve, 5));
		const from = `from=${encodeURIComponent(new Date().toISOString())}`;
		const ok = await running.app.inject({
			method: 'POST',
			url: '/api/auth/login',
			payload: { username: 'thuky', password: accounts.get('thuky')!.password },
			remoteAddress: '10.20.30.40',
		});
		expect(ok.statusCode).toBe(200);
		const cookie = `giaoban_session=${ok.cookies.find((c) => c.name === 'giaoban_session')!.value}`;
		const headers = { cookie, 'x-csrf-token': ok.json<{ csrfToken: string }>().csrfToken };
		const thukyId = ok.json<{ user: { id: string } }>().user.id;

		const failed = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ThuKy', password: 'sai-mat-khau' }, remoteAddress: '10.20.30.41' });
		expect(failed.statusCode).toBe(401);
		const changed = await running.app.inject({
			method: 'POST',
			url: '/api/auth/password',
			headers,
			payload: { currentPassword: accounts.get('thuky')!.password, newPassword: 'mat-khau-moi-cua-thu-ky' },
			remoteAddress: '10.20.30.40',
		});
		expect(changed.statusCode).toBe(204);

		const hailuu = await login(running.app, accounts, 'hailuu', '10.20.30.42');
		const hailuuId = (await running.app.inject({ url: '/api/auth/session', headers: { cookie: hailuu.cookie } })).json<{ user: { id: string } }>().user.id;
		expect((await running.app.inject({ method: 'POST', url: `/api/accounts/${hailuuId}/disable`, headers: admin.headers, remoteAddress: '10.0.0.9' })).statusCode).toBe(200);
		expect((await running.app.inject({ method: 'POST', url: `/api/accounts/${hailuuId}/enable`, headers: admin.headers, remoteAddress: '10.0.0.9' })).statusCode).toBe(200);
		expect((await running.app.inject({ method: 'POST', url: '/api/auth/logout', headers, remoteAddress: '10.20.30.40' })).statusCode).toBe(204);

		const events = (await audit(`?${from}`)).events;
		// Newest first.
		expect(events.map((e) => e.action)).toEqual([
			'auth.logout',
			'user.enabled',
			'user.disabled',
			'auth.login', // hailuu
			'auth.password_changed',
			'auth.login_failed',
			'auth.login', // thuky
		]);
		const [logout, enabled, disabled, , password, failure, signIn] = events;
		expect(signIn).toMatchObject({ actor: { id: thukyId, username: 'thuky' }, unitId: 'song-lo', address: '10.20.30.40', username: '' });
		// Nobody signed in, but the typed name is an account of the district: the district's business.
		expect(failure).toMatchObject({ actor: null, unitId: 'song-lo', username: 'ThuKy', address: '10.20.30.41' });
		expect(password).toMatchObject({ actor: { id: thukyId }, address: '10.20.30.40' });
		expect(JSON.parse(password!.detail)).toEqual({ otherSessionsEnded: 0 });
		expect(disabled).toMatchObject({ actor: { username: 'admin' }, unitId: 'song-lo', address: '10.0.0.9' });
		expect(JSON.parse(disabled!.detail)).toMatchObject({ userId: hailuuId, username: 'hailuu', sessionsEnded: 1 });
		expect(JSON.parse(enabled!.detail)).toEqual({ userId: hailuuId, username: 'hailuu' });
		expect(logout).toMatchObject({ actor: { id: thukyId }, address: '10.20.30.40' });
		expect(events.every((e, i) => i === 0 || e.at <= events[i - 1]!.at)).toBe(true);
	});

	it('pages newest first without gaps or repeats, filters by time, and refuses bad queries', async () => {
		for (let i = 0; i < 5; i += 1) {
			await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `khach${i}`, password: 'x' }, remoteAddress: `10.9.0.${i}` });
		}
		const everything = await all();
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const page: AuditPage = await audit(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
			expect(page.events.length).toBeLessThanOrEqual(3);
			seen.push(...page.events.map((e) => e.id));
			cursor = page.next;
		} while (cursor);
		expect(seen).toEqual(everything.map((e) => e.id));

		const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
		expect((await audit(`?from=${future}`)).events).toEqual([]);
		const past = encodeURIComponent(new Date(Date.now() - 3600_000).toISOString());
		expect((await audit(`?to=${past}`)).events).toEqual([]);

		for (const query of ['?limit=201', '?limit=0', '?cursor=not%20base64', `?cursor=${Buffer.from('x.y').toString('base64url')}`, `?from=${future}&to=${past}`, '?from=yesterday', '?extra=1']) {
			const response = await running.app.inject({ url: `/api/audit${query}`, headers: admin.headers });
			expect(response.statusCode, query).toBe(400);
			expect(response.json<{ code: string }>().code).toBe('invalid_payload');
		}
	});

	it('is for district administrators, each seeing their own district and its communes only', async () => {
		const chair = await login(running.app, accounts, 'chutri', '10.20.30.43');
		expect((await running.app.inject({ url: '/api/audit', headers: chair.headers })).statusCode).toBe(403);
		expect((await running.app.inject({ url: '/api/audit' })).statusCode).toBe(401);

		await running.app.db.unit.create({ data: { id: 'lap-thach', kind: 'district', name: 'Huyện Lập Thạch', authority: 'UBND HUYỆN LẬP THẠCH' } });
		await running.app.db.unit.create({ data: { id: 'xuan-loi', kind: 'commune', name: 'Xã Xuân Lôi', authority: 'UBND XÃ XUÂN LÔI', parentId: 'lap-thach' } });
		for (const [username, unitId, role] of [['admin-lt', 'lap-thach', 'admin'], ['xuanloi', 'xuan-loi', 'commune_operator']] as const) {
			await running.app.db.user.create({ data: { username, displayName: username, role, unitId, passwordHash: await hashPassword('mat-khau-lap-thach') } });
		}
		const signIn = (username: string) =>
			running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'mat-khau-lap-thach' }, remoteAddress: '10.20.31.1' });
		const otherAdmin = await signIn('admin-lt');
		expect((await signIn('xuanloi')).statusCode).toBe(200);
		const otherHeaders = { cookie: `giaoban_session=${otherAdmin.cookies.find((c) => c.name === 'giaoban_session')!.value}` };

		const nobody = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'khong-co-ai', password: 'x' }, remoteAddress: '10.20.31.2' });
		expect(nobody.statusCode).toBe(401);
		const theirs = await all(otherHeaders);
		expect(theirs.filter((e) => e.action === 'auth.login').map((e) => e.actor?.username).sort()).toEqual(['admin-lt', 'xuanloi']);
		// A failed sign-in for another district's account is not theirs to see; one for a name that
		// is nobody's account belongs to no unit, and the administrators of a root unit (this
		// district has nobody above it, like the demo district) see it.
		const failures = theirs.filter((e) => e.action === 'auth.login_failed');
		expect(failures.map((e) => e.username)).toContain('khong-co-ai');
		expect(failures.filter((e) => e.unitId !== null)).toEqual([]);
		expect((await all()).filter((e) => e.action === 'auth.login_failed' && e.username === 'ThuKy')).toHaveLength(1);
		const ours = await all();
		expect(ours.some((e) => e.unitId === 'lap-thach' || e.unitId === 'xuan-loi')).toBe(false);
		expect(ours.some((e) => e.actor?.username === 'hailuu')).toBe(true);
		expect(ours.filter((e) => e.action === 'auth.login_failed' && e.unitId === null).map((e) => e.username)).toContain('khong-co-ai');
	});

	it('a commune’s administrator sees its commune’s events only: no failed sign-in that names nobody', async () => {
		await running.app.db.user.create({
			data: { username: 'quantri.dongthinh', displayName: 'Quản trị xã Đồng Thịnh', role: 'admin', unitId: 'dong-thinh', passwordHash: await hashPassword('mat-khau-dong-thinh') },
		});
		const signedIn = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'quantri.dongthinh', password: 'mat-khau-dong-thinh' }, remoteAddress: '10.20.32.1' });
		expect(signedIn.statusCode).toBe(200);
		const headers = { cookie: `giaoban_session=${signedIn.cookies.find((c) => c.name === 'giaoban_session')!.value}` };
		for (const username of ['dongthinh', 'ai-do-go-nham']) {
			const failed = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'sai-mat-khau' }, remoteAddress: '10.20.32.2' });
			expect(failed.statusCode).toBe(401);
		}

		const theirs = await all(headers);
		expect(theirs.map((e) => [e.action, e.unitId, e.username || e.actor?.username])).toEqual([
			['auth.login_failed', 'dong-thinh', 'dongthinh'],
			['auth.login', 'dong-thinh', 'quantri.dongthinh'],
		]);
		// The district above, a root unit, sees both failures, the one that names nobody included.
		const district = (await all()).filter((e) => e.action === 'auth.login_failed' && e.address === '10.20.32.2');
		expect(district.map((e) => [e.unitId, e.username])).toEqual([
			[null, 'ai-do-go-nham'],
			['dong-thinh', 'dongthinh'],
		]);
	});
});
