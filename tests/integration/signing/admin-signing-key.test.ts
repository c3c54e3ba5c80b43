import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../helpers/start-app.ts';
import { makeTestCertificate } from '../../helpers/test-certificate.ts';
import { migratedDataDir } from '../../helpers/test-env.ts';

const run = promisify(execFile);

type Outcome = { code: number; stdout: string; stderr: string };

/** `npm run admin -- …` as an operator runs it (the bundled command, rebuilt if stale) on DATA_DIR. */
async function admin(dataDir: string, args: string[]): Promise<Outcome> {
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
	delete env['SIGNING_DIR'];
	delete env['GIAOBAN_ADMIN_PASSWORD'];
	try {
		const { stdout, stderr } = await run(process.execPath, ['scripts/cli.mjs', 'admin', ...args], { env });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

describe('npm run admin -- signing-key', () => {
	const data = migratedDataDir();
	const files = mkdtempSync(join(tmpdir(), 'giaoban-signing-cli-'));
	afterAll(() => {
		data.remove();
		rmSync(files, { recursive: true, force: true });
	});

	it('checks the certificate opens with the passphrase, installs it 0600 for the unit named by code or id, and the server uses it', async () => {
		const setup = await admin(data.dir, ['setup', '--kind', 'province', '--name', 'Tỉnh Phú Thọ', '--authority', 'UBND TỈNH PHÚ THỌ', '--code', '25', '--username', 'admin', '--display-name', 'Quản trị tỉnh']);
		expect(setup.code, setup.stderr).toBe(0);

		const cert = makeTestCertificate({ organization: 'UBND tỉnh Phú Thọ' });
		const p12File = join(files, 'ubnd.p12');
		const passFile = join(files, 'ubnd.pass');
		const wrongFile = join(files, 'wrong.pass');
		writeFileSync(p12File, cert.p12);
		writeFileSync(passFile, `${cert.passphrase}\n`);
		writeFileSync(wrongFile, 'sai-mat-khau\n');
		const signingDir = join(data.dir, 'signing');

		const usage = await admin(data.dir, ['signing-key', '--unit', '25', '--p12', p12File]);
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain('--passphrase-file is required');

		const wrong = await admin(data.dir, ['signing-key', '--unit', '25', '--p12', p12File, '--passphrase-file', wrongFile]);
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toContain('wrong passphrase');
		expect(existsSync(signingDir) ? readdirSync(signingDir) : []).toEqual([]);

		const unknown = await admin(data.dir, ['signing-key', '--unit', '99999', '--p12', p12File, '--passphrase-file', passFile]);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('No unit with id or code 99999');

		const installed = await admin(data.dir, ['signing-key', '--unit', '25', '--p12', p12File, '--passphrase-file', passFile]);
		expect(installed.code, installed.stderr).toBe(0);
		expect(installed.stdout).toContain(`Installed the signing certificate of Tỉnh Phú Thọ (id tinh-phu-tho): Nguyễn Văn A, serial ${cert.serialNumber.toUpperCase()}`);
		expect(readFileSync(join(signingDir, 'tinh-phu-tho.p12')).equals(cert.p12)).toBe(true);
		expect(statSync(join(signingDir, 'tinh-phu-tho.p12')).mode & 0o777).toBe(0o600);
		expect(statSync(join(signingDir, 'tinh-phu-tho.pass')).mode & 0o777).toBe(0o600);
		expect(statSync(signingDir).mode & 0o777).toBe(0o700);
		// By id as well.
		expect((await admin(data.dir, ['signing-key', '--unit', 'tinh-phu-tho', '--p12', p12File, '--passphrase-file', passFile])).code).toBe(0);

		const running = await startApp({}, { dataDir: data.dir });
		try {
			expect(running.app.signingKeys.dir).toBe(signingDir);
			expect(await running.app.signingKeys.has('tinh-phu-tho')).toBe(true);
			const key = await running.app.signingKeys.get('tinh-phu-tho');
			expect(key).toMatchObject({ passphrase: cert.passphrase, certificate: { commonName: 'Nguyễn Văn A' } });
			expect(await running.app.signingKeys.get('xa-khac')).toBeNull();
		} finally {
			await running.close();
		}
	}, 180_000);
});
