import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidPayloadError } from '../../lib/errors.ts';
import { openPkcs12, SigningKeyError, type SigningCertificateInfo } from './pkcs12.ts';
import type { SignerKey } from './sign-pdf.ts';

export type SigningKey = SignerKey & { certificate: SigningCertificateInfo };

/** The part of a pino/Fastify logger used here. */
export type WarningLogger = { warn(object: object, message: string): void };

/** Unit ids are slugs or UUIDs; anything else never becomes a file name. */
const UNIT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

type Cached = { stamp: string; key: SigningKey };

/**
 * The units' own signing certificates, as the operator installs them (npm run admin --
 * signing-key): `<dir>/<unitId>.p12` and `<unitId>.pass` (the passphrase; one trailing line
 * ending is not part of it). Read from disk on use, so that a replaced certificate counts at once
 * without a restart; the opened key is kept while neither file changes (opening a PKCS#12 costs
 * thousands of hash rounds in JavaScript).
 */
export class SigningKeys {
	readonly dir: string;
	readonly #logger: WarningLogger | undefined;
	readonly #cache = new Map<string, Cached>();
	readonly #warned = new Set<string>();

	constructor(dir: string, options: { logger?: WarningLogger } = {}) {
		this.dir = dir;
		this.#logger = options.logger;
	}

	/** The two files of a unit, or null for an id that cannot name one. */
	filesOf(unitId: string): { p12: string; pass: string } | null {
		return UNIT_ID.test(unitId) ? { p12: join(this.dir, `${unitId}.p12`), pass: join(this.dir, `${unitId}.pass`) } : null;
	}

	/** Whether the unit has a certificate installed (it may still fail to open: get() says why). */
	async has(unitId: string): Promise<boolean> {
		const files = this.filesOf(unitId);
		return files !== null && (await stat(files.p12).catch(() => null))?.isFile() === true;
	}

	/** The unit's key, null when none is installed; a SigningKeyError when it is installed but unusable. */
	async get(unitId: string): Promise<SigningKey | null> {
		const files = this.filesOf(unitId);
		if (!files) {
			return null;
		}
		const p12Stat = await stat(files.p12).catch(() => null);
		if (!p12Stat?.isFile()) {
			return null;
		}
		const passStat = await stat(files.pass).catch(() => null);
		if (!passStat?.isFile()) {
			this.#logger?.warn({ file: files.pass }, 'signing certificate without its passphrase file');
			throw new SigningKeyError('The signing certificate of this unit has no passphrase file');
		}
		for (const [file, mode] of [
			[files.p12, p12Stat.mode],
			[files.pass, passStat.mode],
		] as const) {
			// Refusing would stop the unit's signing over a chmod; a loud warning gets it fixed.
			if ((mode & 0o077) !== 0 && !this.#warned.has(file)) {
				this.#warned.add(file);
				this.#logger?.warn({ file, mode: (mode & 0o777).toString(8) }, 'signing key file is readable by other users: chmod 600 it');
			}
		}
		const stamp = [p12Stat.ino, p12Stat.size, p12Stat.mtimeMs, passStat.ino, passStat.size, passStat.mtimeMs].join(':');
		const cached = this.#cache.get(unitId);
		if (cached?.stamp === stamp) {
			return cached.key;
		}
		const [p12, passText] = await Promise.all([readFile(files.p12), readFile(files.pass, 'utf8')]);
		const passphrase = trimPassphrase(passText);
		let certificate: SigningCertificateInfo;
		try {
			certificate = openPkcs12(p12, passphrase);
		} catch (error) {
			this.#logger?.warn({ unitId, file: files.p12, err: error }, 'signing certificate cannot be opened');
			throw error;
		}
		const key = { p12, passphrase, certificate };
		this.#cache.set(unitId, { stamp, key });
		return key;
	}
}

/** A passphrase file's text without the line ending an editor or `echo` adds. */
export function trimPassphrase(text: string): string {
	return text.replace(/\r?\n$/, '');
}

/** Writes a file only its owner may read: temp name, fsync, rename (a reader never sees half a key). */
async function writePrivate(path: string, data: Buffer | string): Promise<void> {
	const temp = `${path}.${randomUUID()}.tmp`;
	const handle = await open(temp, 'wx', 0o600);
	try {
		await handle.writeFile(data);
		await handle.sync();
	} finally {
		await handle.close();
	}
	try {
		// The mode asked for in open() is cut by the umask; this one is not.
		await chmod(temp, 0o600);
		await rename(temp, path);
	} catch (error) {
		await rm(temp, { force: true });
		throw error;
	}
}

/**
 * Installs a unit's certificate after checking that it opens with the passphrase (and holds an
 * RSA key with its certificate): both files mode 0600 in a folder mode 0700.
 */
export async function installSigningKey(dir: string, unitId: string, p12: Buffer, passphrase: string): Promise<SigningCertificateInfo> {
	const files = new SigningKeys(dir).filesOf(unitId);
	if (!files) {
		throw new InvalidPayloadError(`${unitId} cannot name a signing key file`);
	}
	const certificate = openPkcs12(p12, passphrase);
	await mkdir(dir, { recursive: true, mode: 0o700 });
	await chmod(dir, 0o700);
	// The passphrase first: a certificate is never there without it.
	await writePrivate(files.pass, `${passphrase}\n`);
	await writePrivate(files.p12, p12);
	return certificate;
}
