import { copyFile, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DATABASE_NAME, describeFile, writeManifest, type BackupEntry, type BackupManifest } from './backup-manifest.ts';
import { copyDatabase } from './sqlite-copy.ts';

/**
 * Scheduled backups are `giaoban-<UTC time>`, backups made by hand `giaoban-manual-<UTC time>`:
 * pruning the scheduled ones never touches a copy an operator took before an upgrade.
 */
export type BackupKind = 'scheduled' | 'manual';
const PREFIX: Record<BackupKind, string> = { scheduled: 'giaoban-', manual: 'giaoban-manual-' };
const NAME: Record<BackupKind, RegExp> = { scheduled: /^giaoban-\d{8}-\d{6}Z$/, manual: /^giaoban-manual-\d{8}-\d{6}Z$/ };
const PARTIAL = '.partial';

/** The live database and its journals: the backup copies the database through SQLite, never as files. */
const DATABASE_FILES = /^giaoban\.db(-wal|-shm|-journal)?$/;
/** An export's scratch folder (recording/export-meeting.job.ts) is rebuilt by the job: not data. */
const SCRATCH_PREFIX = 'work-';

function stamp(date: Date): string {
	const pad = (n: number): string => String(n).padStart(2, '0');
	return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
}

function isInside(child: string, parent: string): boolean {
	const rel = relative(parent, child);
	return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Every stored file under the data folder, '/'-separated relative paths. Symbolic links are
 * followed (recordings on another disk are often linked in), each real folder once.
 */
async function* storedFiles(root: string, dir = root, seen = new Set<string>()): AsyncGenerator<string> {
	const real = await realpath(dir);
	if (seen.has(real)) {
		return;
	}
	seen.add(real);
	let entries;
	try {
		entries = await readdir(dir, { withFileTypes: true });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return;
		}
		throw error;
	}
	for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
		const path = join(dir, entry.name);
		const info = entry.isSymbolicLink() ? await stat(path).catch(() => null) : entry;
		if (!info) {
			// A dangling link: nothing to copy.
			continue;
		}
		if (info.isDirectory()) {
			if (!entry.name.startsWith(SCRATCH_PREFIX)) {
				yield* storedFiles(root, path, seen);
			}
		} else if (info.isFile() && !(dir === root && DATABASE_FILES.test(entry.name))) {
			yield relative(root, path).split(sep).join('/');
		}
	}
}

export type BackupResult = { dir: string; manifest: BackupManifest };

/**
 * Backs up the data folder into a new folder `giaoban-<UTC time>` under `destinationRoot`: the
 * database first (a consistent copy), then every stored file (attachments, recordings), then the
 * manifest with each one's size and SHA-256. Files are hashed as copied, so the manifest describes
 * the backup itself; a file deleted while the backup runs is left out. The folder is written under
 * a `.partial` name and renamed at the end, so an interrupted backup is never taken for a complete one.
 */
export async function createBackup(options: { dataDir: string; destinationRoot: string; kind: BackupKind; now?: Date }): Promise<BackupResult> {
	const dataDir = resolve(options.dataDir);
	const root = resolve(options.destinationRoot);
	if (isInside(root, dataDir)) {
		throw new Error(`The backup folder ${root} must be outside the data folder ${dataDir}`);
	}
	const now = options.now ?? new Date();
	const dir = join(root, `${PREFIX[options.kind]}${stamp(now)}`);
	const partial = `${dir}${PARTIAL}`;
	await mkdir(root, { recursive: true });
	await mkdir(partial);
	try {
		await copyDatabase(join(dataDir, DATABASE_NAME), join(partial, DATABASE_NAME));
		const database = await describeFile(partial, DATABASE_NAME);
		const files: BackupEntry[] = [];
		for await (const path of storedFiles(dataDir)) {
			const target = join(partial, 'files', ...path.split('/'));
			await mkdir(join(target, '..'), { recursive: true });
			try {
				await copyFile(join(dataDir, ...path.split('/')), target);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
					continue;
				}
				throw error;
			}
			files.push(await describeFile(join(partial, 'files'), path));
		}
		const manifest: BackupManifest = { format: 'giaoban-backup/1', createdAt: now.toISOString(), database, files };
		await writeManifest(partial, manifest);
		await rename(partial, dir);
		return { dir, manifest };
	} catch (error) {
		await rm(partial, { recursive: true, force: true });
		throw error;
	}
}

/**
 * Keeps the `keep` newest complete backups of one kind under `root` and deletes its older ones,
 * plus that kind's `.partial` folders older than a day (a backup interrupted by a crash). Only
 * names this code writes are touched. Returns the deleted folders.
 */
export async function pruneBackups(root: string, kind: BackupKind, keep: number, now = new Date()): Promise<string[]> {
	const names = await readdir(root).catch(() => [] as string[]);
	const complete = names.filter((n) => NAME[kind].test(n)).sort();
	const doomed = complete.slice(0, Math.max(0, complete.length - keep)).map((n) => join(root, n));
	for (const name of names.filter((n) => n.endsWith(PARTIAL) && NAME[kind].test(n.slice(0, -PARTIAL.length)))) {
		const info = await stat(join(root, name)).catch(() => null);
		if (info && now.getTime() - info.mtimeMs > 24 * 3600_000) {
			doomed.push(join(root, name));
		}
	}
	for (const dir of doomed) {
		await rm(dir, { recursive: true, force: true });
	}
	return doomed;
}
