import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { AppError, type AppErrorOptions } from '../../lib/errors.ts';

/** The stored bytes no longer hash to what was recorded: never served, the operator restores them from a backup. */
export class FileCorruptedError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('internal', message, 500, { reason: 'file_corrupted', ...options });
	}
}

export type StoredBytes = { storedName: string; sizeBytes: number; sha256: string };

const EXTENSION = /^[a-z0-9]{1,8}$/;
/** What `write` makes: "<yyyy>/<uuid>.<ext>". Anything else in a row is refused before it touches the disk. */
const STORED_NAME = /^\d{4}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z0-9]{1,8}$/;

export function sha256Hex(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/**
 * The files of minutes and issued documents under DATA_DIR/documents/<yyyy>/<uuid>.<ext>, named by
 * the server. A file is complete or absent: written to a temporary name, flushed, then renamed, and
 * the folder flushed so that the rename survives a power cut. Every read checks the bytes against
 * their SHA-256: a signed PDF that changed on disk must not be handed out as the original.
 */
export class FileStore {
	readonly #root: string;

	constructor(dataDir: string) {
		this.#root = join(dataDir, 'documents');
		mkdirSync(this.#root, { recursive: true, mode: 0o700 });
	}

	/** Stores `data` under a new name; `extension` without the dot ("pdf"). */
	async write(data: Buffer, extension: string, at: Date = new Date()): Promise<StoredBytes> {
		if (!EXTENSION.test(extension)) {
			throw new Error(`Not a file extension: ${JSON.stringify(extension)}`);
		}
		const storedName = `${at.getUTCFullYear()}/${randomUUID()}.${extension}`;
		const path = this.#pathOf(storedName);
		const dir = dirname(path);
		mkdirSync(dir, { recursive: true, mode: 0o700 });
		const temp = join(dir, `.tmp-${randomUUID()}`);
		try {
			const handle = await open(temp, 'wx', 0o600);
			try {
				await handle.writeFile(data);
				await handle.sync();
			} finally {
				await handle.close();
			}
			await rename(temp, path);
		} catch (error) {
			await rm(temp, { force: true });
			throw error;
		}
		await syncDirectory(dir);
		return { storedName, sizeBytes: data.length, sha256: sha256Hex(data) };
	}

	/** The bytes, after checking them against the SHA-256 recorded when they were stored. */
	async read(file: { storedName: string; sha256: string }): Promise<Buffer> {
		const data = await readFile(this.#pathOf(file.storedName));
		const actual = sha256Hex(data);
		if (actual !== file.sha256) {
			throw new FileCorruptedError(`Stored file ${file.storedName} does not match its SHA-256 (expected ${file.sha256}, found ${actual})`);
		}
		return data;
	}

	async remove(storedName: string): Promise<void> {
		await rm(this.#pathOf(storedName), { force: true });
	}

	/** Where a stored file lives (for tests and maintenance). */
	pathOf(storedName: string): string {
		return this.#pathOf(storedName);
	}

	#pathOf(storedName: string): string {
		// The name comes from our own rows, but a row is data: it must not reach outside the store.
		if (!STORED_NAME.test(storedName)) {
			throw new Error(`Not a stored file name: ${JSON.stringify(storedName)}`);
		}
		return join(this.#root, ...storedName.split('/'));
	}
}

async function syncDirectory(dir: string): Promise<void> {
	const handle = await open(dir.endsWith(sep) ? dir : `${dir}${sep}`, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}
