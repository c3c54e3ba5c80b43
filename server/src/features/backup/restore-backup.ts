import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DATABASE_NAME, readManifest, verifyAgainst, type BackupManifest } from './backup-manifest.ts';
import { integrityCheck } from './sqlite-copy.ts';

export class RestoreError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RestoreError';
	}
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
	try {
		return (await readdir(dir)).length === 0;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return true;
		}
		throw error;
	}
}

/**
 * Restores a backup into an empty (or missing) data folder. Nothing is written into the data folder
 * until everything checked out: the backup against its manifest, then the copy (in a folder beside
 * the data folder) against the manifest again and through SQLite's integrity check; only then is
 * the copy renamed into place. The server must be stopped (it would otherwise create a database of
 * its own in the empty folder).
 */
export async function restoreBackup(options: { backupDir: string; dataDir: string }): Promise<BackupManifest> {
	const source = resolve(options.backupDir);
	const dataDir = resolve(options.dataDir);
	const manifest = await readManifest(source);
	const damaged = await verifyAgainst({ database: source, files: join(source, 'files') }, manifest);
	if (damaged.length > 0) {
		throw new RestoreError(`The backup does not match its manifest:\n  ${damaged.join('\n  ')}`);
	}
	if (!(await isEmptyOrMissing(dataDir))) {
		throw new RestoreError(`The data folder ${dataDir} is not empty: restore only into an empty folder (move the current one aside first)`);
	}
	const staging = `${dataDir}.restoring-${randomBytes(4).toString('hex')}`;
	await mkdir(staging, { recursive: true });
	try {
		await copyFile(join(source, DATABASE_NAME), join(staging, DATABASE_NAME));
		for (const entry of manifest.files) {
			const target = join(staging, ...entry.path.split('/'));
			await mkdir(join(target, '..'), { recursive: true });
			await copyFile(join(source, 'files', ...entry.path.split('/')), target);
		}
		const copied = await verifyAgainst({ database: staging, files: staging }, manifest);
		if (copied.length > 0) {
			throw new RestoreError(`The restored copy does not match the manifest:\n  ${copied.join('\n  ')}`);
		}
		const integrity = await integrityCheck(join(staging, DATABASE_NAME));
		if (integrity !== 'ok') {
			throw new RestoreError(`The restored database fails SQLite's integrity check:\n${integrity}`);
		}
		await rmdir(dataDir).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOENT') {
				throw error;
			}
		});
		await rename(staging, dataDir);
		return manifest;
	} catch (error) {
		await rm(staging, { recursive: true, force: true });
		throw error;
	}
}
