import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_NAME = 'giaoban.db';
const FORMAT = 'giaoban-backup/1';

export type BackupEntry = { path: string; bytes: number; sha256: string };

/** What a backup holds: the database copy and every stored file, each with its size and SHA-256. */
export type BackupManifest = {
	format: typeof FORMAT;
	createdAt: string;
	database: BackupEntry;
	/** Paths relative to the data folder, '/'-separated. */
	files: BackupEntry[];
};

export async function sha256File(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(file)) {
		hash.update(chunk as Buffer);
	}
	return hash.digest('hex');
}

export async function describeFile(root: string, path: string): Promise<BackupEntry> {
	const file = join(root, ...path.split('/'));
	const [info, sha256] = await Promise.all([stat(file), sha256File(file)]);
	return { path, bytes: info.size, sha256 };
}

export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
	await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, '\t')}\n`, { flag: 'wx' });
}

/** A relative, '/'-separated path that stays inside its folder (a manifest is input: it may be forged). */
export function isSafeRelativePath(path: string): boolean {
	if (path === '' || isAbsolute(path) || path.includes('\\') || path.includes('\0')) {
		return false;
	}
	const normal = normalize(path.split('/').join(sep));
	return normal === path.split('/').join(sep) && !normal.startsWith('..') && !normal.split(sep).includes('..');
}

export async function readManifest(dir: string): Promise<BackupManifest> {
	const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as BackupManifest;
	if (manifest.format !== FORMAT || manifest.database?.path !== DATABASE_NAME || !Array.isArray(manifest.files)) {
		throw new Error(`${join(dir, MANIFEST_FILE)} is not a GiaoBan backup manifest (${FORMAT})`);
	}
	for (const entry of [manifest.database, ...manifest.files]) {
		if (typeof entry.path !== 'string' || !isSafeRelativePath(entry.path) || typeof entry.sha256 !== 'string' || typeof entry.bytes !== 'number') {
			throw new Error(`The manifest has an invalid entry: ${JSON.stringify(entry).slice(0, 200)}`);
		}
	}
	return manifest;
}

/**
 * Every entry of the manifest checked against the files: the database under `roots.database`, the
 * stored files under `roots.files` (a backup keeps them in its files/ folder, a data folder at its
 * top). Returns the problems found, none if intact.
 */
export async function verifyAgainst(roots: { database: string; files: string }, manifest: BackupManifest): Promise<string[]> {
	const problems: string[] = [];
	const entries = [[roots.database, manifest.database] as const, ...manifest.files.map((f) => [roots.files, f] as const)];
	for (const [root, entry] of entries) {
		try {
			const actual = await describeFile(root, entry.path);
			if (actual.bytes !== entry.bytes || actual.sha256 !== entry.sha256) {
				problems.push(`${entry.path}: content differs from the manifest`);
			}
		} catch (error) {
			problems.push(`${entry.path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (error as Error).message}`);
		}
	}
	return problems;
}
