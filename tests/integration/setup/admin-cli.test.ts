import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { migratedDataDir } from '../../helpers/test-env.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const run = promisify(execFile);

type Outcome = { code: number; stdout: string; stderr: string };

/** `npm run admin -- …` as an operator runs it: the bundled command (rebuilt if stale) on DATA_DIR. */
async function admin(dataDir: string, args: string[], password?: string): Promise<Outcome> {
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
	delete env['GIAOBAN_ADMIN_PASSWORD'];
	if (password !== undefined) {
		env['GIAOBAN_ADMIN_PASSWORD'] = password;
	}
	try {
		const { stdout, stderr } = await run(process.execPath, ['scripts/cli.mjs', 'admin', ...args], { env });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

const SETUP = ['setup', '--kind', 'province', '--name', 'Tỉnh Phú Thọ', '--authority', 'UBND TỈNH PHÚ THỌ', '--code', '25', '--username', 'admin', '--display-name', 'Quản trị tỉnh'];

describe('npm run admin', () => {
	const empty = migratedDataDir();
	const withPassword = migratedDataDir();
	const apps: RunningApp[] = [];
	afterAll(async () => {
		for (const running of apps) {
			await running.close();
		}
		empty.remove();
		withPassword.remove();
	});

	let addresses = 0;
	const signIn = (running: RunningApp, username: string, password: string) =>
		running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: `10.82.0.${(addresses += 1)}` });

	it('sets up an empty server with a temporary password, once; reset-password gets a locked-out administrator back in', async () => {
		const usage = await admin(empty.dir, ['setup', '--kind', 'commune', '--name', 'Xã A', '--authority', 'UBND XÃ A', '--username', 'admin', '--display-name', 'Quản trị']);
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain('--kind');
		expect((await admin(empty.dir, ['setup', '--kind', 'province'])).code).toBe(2);
		expect((await admin(empty.dir, ['frobnicate'])).code).toBe(2);
		expect((await admin(empty.dir, ['list-admins'])).stdout).toContain('No administrator account');

		const setup = await admin(empty.dir, SETUP);
		expect(setup.code, setup.stderr).toBe(0);
		expect(setup.stdout).toContain('Set up: Tỉnh Phú Thọ (province, id tinh-phu-tho), administrator admin.');
		const temporary = /to be changed at the first sign-in\): (\S+)/.exec(setup.stdout)?.[1];
		expect(temporary).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{14}$/);

		const again = await admin(empty.dir, SETUP);
		expect(again.code).toBe(1);
		expect(again.stderr).toContain('already set up');

		// The server started on that folder: no first-run link, the administrator signs in and must change the password.
		const running = await startApp({}, { dataDir: empty.dir });
		apps.push(running);
		expect(running.printed.join('')).not.toContain('First run');
		expect((await running.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: false });
		expect((await running.app.inject({ url: '/api/host-unit' })).json()).toMatchObject({ id: 'tinh-phu-tho', kind: 'province', name: 'Tỉnh Phú Thọ', authority: 'UBND TỈNH PHÚ THỌ' });
		const first = await signIn(running, 'admin', temporary!);
		expect(first.statusCode).toBe(200);
		expect(first.json()).toMatchObject({ mustChangePassword: true, user: { role: 'admin', unit: { id: 'tinh-phu-tho' } } });
		const cookie = `giaoban_session=${first.cookies.find((c) => c.name === 'giaoban_session')!.value}`;
		expect((await running.app.inject({ url: '/api/auth/session', headers: { cookie } })).statusCode).toBe(200);
		const audit = await running.app.db.auditEvent.findMany({ where: { action: 'setup.completed' } });
		expect(audit.map((row) => [row.actorId, JSON.parse(row.detail) as unknown])).toEqual([[null, { unitId: 'tinh-phu-tho', kind: 'province', username: 'admin', via: 'cli' }]]);

		// The password is forgotten: the operator makes a new temporary one; the session in use ends.
		const reset = await admin(empty.dir, ['reset-password', 'admin']);
		expect(reset.code, reset.stderr).toBe(0);
		const newTemporary = /to be changed at sign-in\): (\S+)/.exec(reset.stdout)?.[1];
		expect(newTemporary).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{14}$/);
		expect(reset.stdout).toContain('1 session(s) ended.');
		expect((await running.app.inject({ url: '/api/auth/session', headers: { cookie } })).statusCode).toBe(401);
		expect((await signIn(running, 'admin', temporary!)).statusCode).toBe(401);
		expect((await signIn(running, 'admin', newTemporary!)).json()).toMatchObject({ mustChangePassword: true });
		const resetAudit = await running.app.db.auditEvent.findMany({ where: { action: 'user.password_reset' } });
		expect(resetAudit.map((row) => [row.actorId, JSON.parse(row.detail) as unknown])).toEqual([[null, expect.objectContaining({ username: 'admin', mode: 'temporary', via: 'cli' })]]);

		const listed = await admin(empty.dir, ['list-admins']);
		expect(listed.stdout).toMatch(/^admin\s+Quản trị tỉnh\s+Tỉnh Phú Thọ \(must change password\)$/m);
		const unknown = await admin(empty.dir, ['reset-password', 'khongco']);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('No account khongco');

		// Disabled, with nobody above the province to enable it (another administrator of the
		// province may not): the operator's reset says how to get it back, and enable does.
		await running.app.db.user.update({ where: { username: 'admin' }, data: { disabled: true } });
		const resetDisabled = await admin(empty.dir, ['reset-password', 'admin']);
		expect(resetDisabled.code, resetDisabled.stderr).toBe(0);
		expect(resetDisabled.stdout).toContain('The account is disabled: enable it before it can sign in (npm run admin -- enable admin).');
		const lockedTemporary = /to be changed at sign-in\): (\S+)/.exec(resetDisabled.stdout)?.[1];
		expect((await signIn(running, 'admin', lockedTemporary!)).statusCode).toBe(401);
		expect((await admin(empty.dir, ['list-admins'])).stdout).toMatch(/^admin\s+Quản trị tỉnh\s+Tỉnh Phú Thọ \(disabled: npm run admin -- enable admin, must change password\)$/m);
		expect((await admin(empty.dir, ['enable'])).code).toBe(2);
		const enabled = await admin(empty.dir, ['enable', 'admin']);
		expect(enabled.code, enabled.stderr).toBe(0);
		expect(enabled.stdout).toContain('Enabled: admin (Tỉnh Phú Thọ) can sign in again. It must change its temporary password at sign-in.');
		expect(await running.app.db.user.findUniqueOrThrow({ where: { username: 'admin' } })).toMatchObject({ disabled: false, mustChangePassword: true });
		expect((await signIn(running, 'admin', lockedTemporary!)).json()).toMatchObject({ mustChangePassword: true });
		const enableAudit = await running.app.db.auditEvent.findMany({ where: { action: 'user.enabled' } });
		expect(enableAudit.map((row) => [row.actorId, row.unitId, JSON.parse(row.detail) as unknown])).toEqual([[null, 'tinh-phu-tho', expect.objectContaining({ username: 'admin', via: 'cli' })]]);
	});

	it('takes the administrator’s password from GIAOBAN_ADMIN_PASSWORD, under the same policy', async () => {
		const common = await admin(withPassword.dir, SETUP, 'password123');
		expect(common.code).toBe(1);
		expect(common.stderr).toContain('GIAOBAN_ADMIN_PASSWORD');
		expect(common.stderr).toContain('most common');
		const short = await admin(withPassword.dir, SETUP, 'ngan');
		expect(short.code).toBe(2);
		expect(short.stderr).toContain('GIAOBAN_ADMIN_PASSWORD');

		const setup = await admin(withPassword.dir, SETUP, 'hội trường tầng ba');
		expect(setup.code, setup.stderr).toBe(0);
		expect(setup.stdout).not.toContain('Temporary password');
		const running = await startApp({}, { dataDir: withPassword.dir });
		apps.push(running);
		expect((await signIn(running, 'admin', 'hội trường tầng ba')).json()).toMatchObject({ mustChangePassword: false });
	});
});
