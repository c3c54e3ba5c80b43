import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCorruptedError, FileStore, sha256Hex } from '../../../server/src/features/documents/file-store.ts';

describe('FileStore', () => {
	let dataDir: string;
	let store: FileStore;
	beforeEach(() => {
		dataDir = mkdtempSync(join(tmpdir(), 'giaoban-filestore-'));
		store = new FileStore(dataDir);
	});
	afterEach(() => {
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('stores under documents/<yyyy>/<uuid>.<ext> with the SHA-256 of the bytes, readable by the owner only', async () => {
		const data = Buffer.from('%PDF-1.4 Biên bản họp giao ban');
		const stored = await store.write(data, 'pdf', new Date('2026-12-03T08:00:00Z'));
		expect(stored.storedName).toMatch(/^2026\/[0-9a-f-]{36}\.pdf$/);
		expect(stored.sizeBytes).toBe(data.length);
		expect(stored.sha256).toBe(sha256Hex(data));
		const path = store.pathOf(stored.storedName);
		expect(path).toBe(join(dataDir, 'documents', ...stored.storedName.split('/')));
		expect(readFileSync(path).equals(data)).toBe(true);
		expect(statSync(path).mode & 0o777).toBe(0o600);
		// No temporary file is left beside it.
		expect(readdirSync(dirname(path))).toEqual([stored.storedName.split('/')[1]]);
		expect((await store.read(stored)).equals(data)).toBe(true);
	});

	it('gives every file its own name', async () => {
		const a = await store.write(Buffer.from('same'), 'txt');
		const b = await store.write(Buffer.from('same'), 'txt');
		expect(a.storedName).not.toBe(b.storedName);
		expect(a.sha256).toBe(b.sha256);
	});

	it('refuses to hand out bytes that changed on disk (file_corrupted)', async () => {
		const stored = await store.write(Buffer.from('original bytes'), 'pdf');
		const path = store.pathOf(stored.storedName);
		const changed = readFileSync(path);
		changed[0] = changed[0]! ^ 0x01;
		writeFileSync(path, changed);
		const error = await store.read(stored).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(FileCorruptedError);
		expect(error).toMatchObject({ code: 'internal', statusCode: 500, reason: 'file_corrupted' });
	});

	it('refuses names it did not make (no path outside the store)', async () => {
		await expect(store.read({ storedName: '../../etc/passwd', sha256: 'x' })).rejects.toThrow(/Not a stored file name/);
		await expect(store.read({ storedName: '2026/../../giaoban.db', sha256: 'x' })).rejects.toThrow(/Not a stored file name/);
		await expect(store.write(Buffer.from('x'), '../pdf')).rejects.toThrow(/Not a file extension/);
	});

	it('removes a file, and removing it twice is harmless', async () => {
		const stored = await store.write(Buffer.from('x'), 'docx');
		await store.remove(stored.storedName);
		await store.remove(stored.storedName);
		await expect(store.read(stored)).rejects.toMatchObject({ code: 'ENOENT' });
	});
});
