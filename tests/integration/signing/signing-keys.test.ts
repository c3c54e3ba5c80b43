import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installSigningKey, SigningKeyError, SigningKeys } from '../../../server/src/features/signing/index.ts';
import { makeTestCertificate, type TestCertificate } from '../../helpers/test-certificate.ts';
import { testConfig } from '../../helpers/test-env.ts';

describe('SigningKeys: the units’ certificates under SIGNING_DIR', () => {
	let root: string;
	let dir: string;
	let cert: TestCertificate;
	const warnings: { file?: string; mode?: string; msg: string }[] = [];
	const logger = { warn: (object: object, msg: string) => void warnings.push({ ...(object as { file?: string; mode?: string }), msg }) };

	beforeAll(() => {
		root = mkdtempSync(join(tmpdir(), 'giaoban-signing-keys-'));
		dir = join(root, 'signing');
		cert = makeTestCertificate();
	});
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	it('SIGNING_DIR defaults to <DATA_DIR>/signing and is resolved once', () => {
		expect(testConfig(root).signingDir).toBe(join(root, 'signing'));
		expect(testConfig(root, { SIGNING_DIR: 'somewhere/keys' }).signingDir).toBe(resolve('somewhere/keys'));
	});

	it('no certificate: has() is false and get() null; an id that cannot be a file name names none', async () => {
		const keys = new SigningKeys(dir, { logger });
		expect(await keys.has('xa-song-lo')).toBe(false);
		expect(await keys.get('xa-song-lo')).toBeNull();
		expect(keys.filesOf('../etc/passwd')).toBeNull();
		expect(await keys.get('../xa-song-lo')).toBeNull();
		await expect(installSigningKey(dir, '../xa-song-lo', cert.p12, cert.passphrase)).rejects.toMatchObject({ code: 'invalid_payload' });
	});

	it('install refuses a wrong passphrase and writes nothing', async () => {
		const refused = await installSigningKey(dir, 'xa-song-lo', cert.p12, 'sai').catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(SigningKeyError);
		expect((refused as Error).message).toContain('wrong passphrase');
		expect(await new SigningKeys(dir).has('xa-song-lo')).toBe(false);
		// Garbage is not a PKCS#12 either.
		await expect(installSigningKey(dir, 'xa-song-lo', Buffer.from('not a certificate'), 'x')).rejects.toThrow(/not a PKCS#12 file/);
	});

	it('installs with mode 0600 in a 0700 folder; get() returns the key and what may be shown of it', async () => {
		const info = await installSigningKey(dir, 'xa-song-lo', cert.p12, cert.passphrase);
		expect(info).toMatchObject({ commonName: 'Nguyễn Văn A', issuer: 'CN=Nguyễn Văn A, O=UBND xã Sông Lô, C=VN', serialNumber: cert.serialNumber.toUpperCase() });
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(statSync(join(dir, 'xa-song-lo.p12')).mode & 0o777).toBe(0o600);
		expect(statSync(join(dir, 'xa-song-lo.pass')).mode & 0o777).toBe(0o600);
		const keys = new SigningKeys(dir, { logger });
		expect(await keys.has('xa-song-lo')).toBe(true);
		const key = await keys.get('xa-song-lo');
		expect(key?.p12.equals(cert.p12)).toBe(true);
		// The installer wrote "passphrase\n": the line ending is not part of it.
		expect(key?.passphrase).toBe(cert.passphrase);
		expect(key?.certificate.commonName).toBe('Nguyễn Văn A');
		// Unchanged files: the opened key is reused.
		expect(await keys.get('xa-song-lo')).toBe(key);
		expect(warnings).toEqual([]);
	});

	it('a passphrase file that does not open the certificate, or none at all, is a clear error', async () => {
		const keys = new SigningKeys(dir, { logger });
		writeFileSync(join(dir, 'xa-song-lo.pass'), 'mat-khau-cu\n', { mode: 0o600 });
		const wrong = await keys.get('xa-song-lo').catch((error: unknown) => error);
		expect(wrong).toBeInstanceOf(SigningKeyError);
		expect(wrong).toMatchObject({ code: 'invalid_state', reason: 'signing_key_missing' });
		expect((wrong as Error).message).toContain('wrong passphrase');
		expect((wrong as Error).message).not.toContain(dir);

		rmSync(join(dir, 'xa-song-lo.pass'));
		expect(await keys.has('xa-song-lo')).toBe(true);
		await expect(keys.get('xa-song-lo')).rejects.toThrow('has no passphrase file');

		// Put right (a CRLF editor too): read again at once, no restart.
		writeFileSync(join(dir, 'xa-song-lo.pass'), `${cert.passphrase}\r\n`, { mode: 0o600 });
		expect((await keys.get('xa-song-lo'))?.passphrase).toBe(cert.passphrase);
	});

	it('warns once per file readable by other users', async () => {
		const keys = new SigningKeys(dir, { logger });
		chmodSync(join(dir, 'xa-song-lo.pass'), 0o644);
		warnings.length = 0;
		await keys.get('xa-song-lo');
		await keys.get('xa-song-lo');
		expect(warnings).toEqual([{ file: join(dir, 'xa-song-lo.pass'), mode: '644', msg: 'signing key file is readable by other users: chmod 600 it' }]);
		chmodSync(join(dir, 'xa-song-lo.pass'), 0o600);
	});

	it('a replaced certificate counts at once', async () => {
		const keys = new SigningKeys(dir, { logger });
		expect((await keys.get('xa-song-lo'))?.certificate.commonName).toBe('Nguyễn Văn A');
		const next = makeTestCertificate({ commonName: 'Trần Thị B', passphrase: 'khac-han' });
		await installSigningKey(dir, 'xa-song-lo', next.p12, next.passphrase);
		expect((await keys.get('xa-song-lo'))?.certificate.commonName).toBe('Trần Thị B');
	});
});
