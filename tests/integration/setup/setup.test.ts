import { afterAll, describe, expect, it } from 'vitest';
import type { Account, AccountSecret } from '../../../shared/src/api/accounts.ts';
import { migratedDataDir } from '../../helpers/test-env.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const FIRST_RUN = /First run: open (\S+)\/setup#([A-Za-z0-9_-]{43}) to set up the host unit/;

function printedToken(running: RunningApp): { origin: string; token: string } | null {
	const match = FIRST_RUN.exec(running.printed.join(''));
	return match ? { origin: match[1]!, token: match[2]! } : null;
}

const body = (token: string, password = 'hội trường tầng ba') => ({
	token,
	unit: { kind: 'province', name: 'Tỉnh Phú Thọ', authority: 'UBND TỈNH PHÚ THỌ', code: '25' },
	admin: { username: 'admin', displayName: 'Quản trị tỉnh', password },
});

/**
 * The first run of a server on an empty database: a one-time token printed on the console opens
 * the setup, which creates the host unit and its administrator once, and never again, not even
 * after a restart.
 */
describe('first-run setup', () => {
	const data = migratedDataDir();
	const apps: RunningApp[] = [];
	const start = async (overrides: Record<string, string> = {}, dataDir?: string) => {
		const running = await startApp(overrides, dataDir === undefined ? {} : { dataDir });
		apps.push(running);
		return running;
	};
	afterAll(async () => {
		for (const running of apps) {
			await running.close();
		}
		data.remove();
	});

	let addresses = 0;
	const post = (running: RunningApp, payload: object) =>
		running.app.inject({ method: 'POST', url: '/api/setup', payload, remoteAddress: `10.81.0.${(addresses += 1)}` });

	it('works once with the printed token, signs the administrator in, and answers setup_done from then on, also after a restart', async () => {
		const first = await start({}, data.dir);
		const printed = printedToken(first);
		expect(printed, first.printed.join('')).not.toBeNull();
		// The listen address with the port actually bound, the token after the # (never sent to the server).
		expect(printed!.origin).toBe(first.url);
		const { token } = printed!;
		expect((await first.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: true });
		expect((await first.app.inject({ url: '/api/host-unit' })).statusCode).toBe(404);

		const wrong = await post(first, body(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`));
		expect(wrong.statusCode).toBe(403);
		expect(wrong.json()).toMatchObject({ code: 'forbidden', reason: 'setup_token_invalid' });
		const common = await post(first, body(token, 'password123'));
		expect(common.statusCode).toBe(400);
		expect(common.json()).toMatchObject({ reason: 'password_common', field: 'admin/password' });
		expect((await post(first, body(token, 'Admin-tinh-2026'))).json()).toMatchObject({ reason: 'password_contains_username' });
		expect((await post(first, body(token, 'short'))).json()).toMatchObject({ reason: 'password_too_short', field: 'admin/password' });
		const notHost = await post(first, { ...body(token), unit: { ...body(token).unit, kind: 'commune' } });
		expect(notHost.statusCode).toBe(400);
		expect(await first.app.db.unit.count()).toBe(0);

		// Two browsers at once with the right token: one sets up, the other is told it is done.
		const [a, b] = await Promise.all([post(first, body(token)), post(first, { ...body(token), admin: { ...body(token).admin, username: 'admin2' } })]);
		expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
		const done = a.statusCode === 201 ? a : b;
		const refused = a.statusCode === 201 ? b : a;
		expect(refused.json()).toMatchObject({ code: 'invalid_state', reason: 'setup_done' });
		expect(await first.app.db.unit.findMany({ select: { id: true, kind: true, name: true, authority: true, code: true, parentId: true } })).toEqual([
			{ id: 'tinh-phu-tho', kind: 'province', name: 'Tỉnh Phú Thọ', authority: 'UBND TỈNH PHÚ THỌ', code: '25', parentId: null },
		]);
		expect(await first.app.db.user.count()).toBe(1);

		// Signed in like after a login, and an administrator of the new province.
		const session = done.json<{ user: { username: string; role: string; unit: { id: string; kind: string } }; csrfToken: string; mustChangePassword: boolean }>();
		expect(session).toMatchObject({ user: { role: 'admin', unit: { id: 'tinh-phu-tho', kind: 'province' } }, mustChangePassword: false });
		const cookie = done.cookies.find((c) => c.name === 'giaoban_session');
		expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
		const headers = { cookie: `giaoban_session=${cookie!.value}`, 'x-csrf-token': session.csrfToken };
		expect((await first.app.inject({ url: '/api/auth/session', headers })).json()).toMatchObject({ user: { username: session.user.username } });
		const accounts = await first.app.inject({ url: '/api/accounts', headers });
		expect(accounts.json<Account[]>().map((account) => account.username)).toEqual([session.user.username]);
		const created = await first.app.inject({ method: 'POST', url: '/api/accounts', headers, payload: { username: 'chutich', displayName: 'Chủ tịch UBND tỉnh', role: 'chair', unitId: 'tinh-phu-tho' } });
		expect(created.statusCode, created.body).toBe(201);
		expect(created.json<AccountSecret>().account.mustChangePassword).toBe(true);
		const audit = await first.app.db.auditEvent.findMany({ where: { action: 'setup.completed' } });
		expect(audit).toHaveLength(1);
		expect(JSON.parse(audit[0]!.detail)).toMatchObject({ unitId: 'tinh-phu-tho', kind: 'province', via: 'web' });

		expect((await first.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: false });
		const again = await post(first, body(token));
		expect(again.statusCode).toBe(409);
		expect(again.json()).toMatchObject({ reason: 'setup_done' });
		expect((await first.app.inject({ url: '/api/host-unit' })).json()).toMatchObject({ id: 'tinh-phu-tho', kind: 'province' });

		// A restart on the same data folder: no token is made or printed, setup stays done.
		await first.close();
		const restarted = await start({}, data.dir);
		expect(restarted.printed.join('')).not.toContain('First run');
		expect((await restarted.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: false });
		expect((await post(restarted, body(token))).json()).toMatchObject({ reason: 'setup_done' });
		expect(await restarted.app.db.unit.count()).toBe(1);
		expect(await restarted.app.db.user.count()).toBe(2);
	});

	it('prints PUBLIC_URL when set, and makes no token when the demo data filled the database', async () => {
		const behindProxy = await start({ PUBLIC_URL: 'https://giaoban.phutho.gov.vn/' });
		expect(printedToken(behindProxy)?.origin).toBe('https://giaoban.phutho.gov.vn');
		await behindProxy.close();

		const demo = await start({ DEMO_DATA: 'true' });
		expect(demo.printed.join('')).not.toContain('First run');
		expect((await demo.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: false });
		expect((await post(demo, body('x'.repeat(43)))).json()).toMatchObject({ reason: 'setup_done' });
	});
});
