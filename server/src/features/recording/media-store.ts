import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Names the server gave: a uuid-like stem, an index, an extension. Anything else is never a path here. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,80}\.(mkv|m4a|mp4)$/;

/**
 * The recordings folder (DATA_DIR/recordings): one folder per meeting holding its segments and the
 * files made after it. Only server-generated names are resolved, so a row can never point outside.
 */
export class MediaStore {
	readonly root: string;

	constructor(root: string) {
		this.root = root;
	}

	meetingDir(meetingId: string): string {
		if (!/^[0-9a-f-]{36}$/.test(meetingId)) {
			throw new RangeError(`not a meeting id: ${meetingId}`);
		}
		return join(this.root, meetingId);
	}

	path(meetingId: string, fileName: string): string {
		if (!SAFE_NAME.test(fileName)) {
			throw new RangeError(`not a stored media name: ${fileName}`);
		}
		return join(this.meetingDir(meetingId), fileName);
	}

	async ensureMeetingDir(meetingId: string): Promise<string> {
		const dir = this.meetingDir(meetingId);
		await mkdir(dir, { recursive: true, mode: 0o700 });
		return dir;
	}

	async size(meetingId: string, fileName: string): Promise<number | null> {
		try {
			return (await stat(this.path(meetingId, fileName))).size;
		} catch {
			return null;
		}
	}

	open(meetingId: string, fileName: string, range?: { start: number; end: number }): ReadStream {
		return createReadStream(this.path(meetingId, fileName), range);
	}

	/**
	 * Removes the meeting's media files: every file in its folder when `all` (deletion of its
	 * recordings, orphans of an interrupted job included), else only the names given.
	 */
	async remove(meetingId: string, names: string[], all: boolean): Promise<void> {
		const dir = this.meetingDir(meetingId);
		if (all) {
			await rm(dir, { recursive: true, force: true });
			return;
		}
		for (const name of names) {
			await rm(this.path(meetingId, name), { force: true });
		}
		const left = await readdir(dir).catch(() => null);
		if (left?.length === 0) {
			await rm(dir, { recursive: true, force: true });
		}
	}
}
