import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/**
 * Attachment files under DATA_DIR/attachments, named by the server (a UUID), never by the
 * uploader. A file is written to a temporary name and renamed only once complete.
 */
export class AttachmentStore {
	readonly #dir: string;

	constructor(dataDir: string) {
		this.#dir = join(dataDir, 'attachments');
		mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
	}

	/** Streams `source` to a temporary file, keeping its first bytes for type detection. */
	async receive(source: Readable): Promise<{ tempPath: string; sizeBytes: number; sha256: string; head: Buffer }> {
		const tempPath = join(this.#dir, `.upload-${randomUUID()}`);
		const hash = createHash('sha256');
		let sizeBytes = 0;
		const headChunks: Buffer[] = [];
		let headBytes = 0;
		const tap = new Transform({
			transform(chunk: Buffer, _encoding, done) {
				hash.update(chunk);
				sizeBytes += chunk.length;
				if (headBytes < 512) {
					headChunks.push(chunk.subarray(0, 512 - headBytes));
					headBytes += Math.min(chunk.length, 512 - headBytes);
				}
				done(null, chunk);
			},
		});
		try {
			await pipeline(source, tap, createWriteStream(tempPath, { mode: 0o600 }));
		} catch (error) {
			await rm(tempPath, { force: true });
			throw error;
		}
		return { tempPath, sizeBytes, sha256: hash.digest('hex'), head: Buffer.concat(headChunks) };
	}

	async commit(tempPath: string): Promise<string> {
		const storedName = randomUUID();
		await rename(tempPath, join(this.#dir, storedName));
		return storedName;
	}

	async discard(pathOrName: string): Promise<void> {
		await rm(pathOrName.startsWith(this.#dir) ? pathOrName : join(this.#dir, pathOrName), { force: true });
	}

	open(storedName: string): Readable {
		return createReadStream(join(this.#dir, storedName));
	}
}
