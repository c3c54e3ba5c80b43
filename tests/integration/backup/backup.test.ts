import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, verifyAgainst } from '../../../server/src/features/backup/backup-manifest.ts';
import { createBackup, pruneBackups } from '../../../server/src/features/backup/create-backup.ts';
import { restoreBackup } from '../../../server/src/features/backup/restore-backup.ts';
import { conferenceFixture } from '../../helpers/conference-fixture.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const run = promisify(execFile);

function countRows(file: string, table: string): number {
	const db = new DatabaseSync(file, { readOnly: true });
	try {
		return Number((db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n);
	} finally {
		db.close();
	}
}

/**
 * Backups of the live data folder: taken while the server keeps writing, restored into an empty
 * folder with every hash and SQLite's integrity checked; damaged backups and occupied folders are
 * refused; the npm scripts and the scheduled job do the same.
 */
describe('backup and restore', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const scratch = mkdtempSync(join(tmpdir(), 'giaoban-backup-test-'));

	beforeAll(async () => {
		running = await startApp({ BACKUP_DIR: join(scratch, 'scheduled'), BACKUP_KEEP: '2' });
		f = await conferenceFixture(running, []);
		// Stored files as the features write them: attachments and a meeting's recordings.
		for (const [path, bytes] of [
			['attachments/a1/bao-cao.pdf', 40_000],
			['recordings/m1/site-0001.mkv', 300_000],
			['recordings/m1/site-0002.mkv', 120_000],
		] as const) {
			mkdirSync(join(running.dataDir, path, '..'), { recursive: true });
			writeFileSync(join(running.dataDir, path), randomBytes(bytes));
		}
		// An export's scratch folder is not data.
		mkdirSync(join(running.dataDir, 'recordings/m1/work-job1'), { recursive: true });
		writeFileSync(join(running.dataDir, 'recordings/m1/work-job1/tmp.wav'), randomBytes(1000));
	});
	afterAll(async () => {
		await running?.close();
		rmSync(scratch, { recursive: true, force: true });
	});

	it('a backup taken while meetings are being written restores into an empty folder, intact', async () => {
		let writes = 0;
		let stop = false;
		const writer = (async () => {
			// Meetings scheduled through the API, one after another, all through the backup.
			while (!stop && writes < 400) {
				await f.schedule(['dong-thinh']);
				writes += 1;
			}
		})();
		await new Promise((resolve) => setTimeout(resolve, 200));
		const before = writes;
		const { dir, manifest } = await createBackup({ dataDir: running.dataDir, destinationRoot: join(scratch, 'manual'), kind: 'manual' });
		const during = writes - before;
		stop = true;
		await writer;
		expect(writes).toBeGreaterThan(0);

		expect(manifest.files.map((file) => file.path)).toEqual(['attachments/a1/bao-cao.pdf', 'recordings/m1/site-0001.mkv', 'recordings/m1/site-0002.mkv']);
		expect(readdirSync(join(scratch, 'manual'))).toEqual([dir.split('/').at(-1)]);

		const restored = join(scratch, 'restored');
		await restoreBackup({ backupDir: dir, dataDir: restored });
		expect(await verifyAgainst({ database: restored, files: restored }, manifest)).toEqual([]);
		const db = new DatabaseSync(join(restored, 'giaoban.db'), { readOnly: true });
		try {
			expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
		} finally {
			db.close();
		}
		// The copy is one moment of the database: between the meetings that existed before and all of them.
		const meetings = countRows(join(restored, 'giaoban.db'), 'Meeting');
		expect(meetings).toBeGreaterThanOrEqual(before);
		expect(meetings).toBeLessThanOrEqual(writes);
		expect(countRows(join(restored, 'giaoban.db'), 'Invitation')).toBe(meetings);
		for (const file of manifest.files) {
			expect(readFileSync(join(restored, file.path)).equals(readFileSync(join(running.dataDir, file.path)))).toBe(true);
		}
		// How many writes landed during the copy, for the note (a small database copies in milliseconds).
		console.info(`backup: ${during} meetings written while it ran`);
	});

	it('refuses a damaged backup, a folder that is not empty, and a backup folder inside the data folder', async () => {
		const { dir } = await createBackup({ dataDir: running.dataDir, destinationRoot: join(scratch, 'damaged'), kind: 'manual' });
		writeFileSync(join(dir, 'files/recordings/m1/site-0002.mkv'), randomBytes(10));
		await expect(restoreBackup({ backupDir: dir, dataDir: join(scratch, 'never') })).rejects.toThrow('recordings/m1/site-0002.mkv: content differs from the manifest');
		expect(() => readdirSync(join(scratch, 'never'))).toThrow();

		const good = await createBackup({ dataDir: running.dataDir, destinationRoot: join(scratch, 'good'), kind: 'manual' });
		const occupied = join(scratch, 'occupied');
		mkdirSync(occupied);
		writeFileSync(join(occupied, 'giaoban.db'), 'mine');
		await expect(restoreBackup({ backupDir: good.dir, dataDir: occupied })).rejects.toThrow('is not empty');
		expect(readFileSync(join(occupied, 'giaoban.db'), 'utf8')).toBe('mine');

		const forged = JSON.parse(readFileSync(join(good.dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
		const original = readFileSync(join(good.dir, 'manifest.json'), 'utf8');
		for (const path of ['../../etc/passwd', '/etc/passwd', 'a/../../b']) {
			forged.files[0]!.path = path;
			writeFileSync(join(good.dir, 'manifest.json'), JSON.stringify(forged));
			await expect(readManifest(good.dir)).rejects.toThrow('invalid entry');
		}
		const otherDatabase = JSON.parse(original) as { database: { path: string } };
		otherDatabase.database.path = 'files/attachments/a1/bao-cao.pdf';
		writeFileSync(join(good.dir, 'manifest.json'), JSON.stringify(otherDatabase));
		await expect(readManifest(good.dir)).rejects.toThrow('not a GiaoBan backup manifest');

		await expect(createBackup({ dataDir: running.dataDir, destinationRoot: join(running.dataDir, 'backups'), kind: 'manual' })).rejects.toThrow('must be outside the data folder');
	});

	it('follows a symlinked folder (recordings kept on another disk) and prunes only its own kind of backup', async () => {
		const elsewhere = join(scratch, 'other-disk');
		mkdirSync(elsewhere);
		writeFileSync(join(elsewhere, 'seg.mkv'), randomBytes(5000));
		symlinkSync(elsewhere, join(running.dataDir, 'linked'));
		const root = join(scratch, 'prune');
		const times = [1, 2, 3].map((h) => new Date(Date.UTC(2026, 11, 3, h)));
		for (const now of times) {
			await createBackup({ dataDir: running.dataDir, destinationRoot: root, kind: 'scheduled', now });
		}
		const manual = await createBackup({ dataDir: running.dataDir, destinationRoot: root, kind: 'manual', now: times[0] });
		expect(manual.manifest.files.map((file) => file.path)).toContain('linked/seg.mkv');
		mkdirSync(join(root, 'giaoban-1.0-release'));
		expect((await pruneBackups(root, 'scheduled', 2)).map((dir) => dir.split('/').at(-1))).toEqual(['giaoban-20261203-010000Z']);
		expect(readdirSync(root).sort()).toEqual(['giaoban-1.0-release', 'giaoban-20261203-020000Z', 'giaoban-20261203-030000Z', 'giaoban-manual-20261203-010000Z']);
		rmSync(join(running.dataDir, 'linked'));
	});

	it('npm run backup and npm run restore do the same from the command line', async () => {
		const env = { ...process.env, DATA_DIR: running.dataDir, BACKUP_DIR: '' };
		// As an operator runs them (npm run backup / restore): the bundled commands, rebuilt if stale.
		const cli = (...args: string[]) => run(process.execPath, ['scripts/cli.mjs', ...args], { env });
		const backup = await cli('backup', '--to', join(scratch, 'cli'));
		const written = /Backup written to (\S+)/.exec(backup.stdout)?.[1];
		expect(written, backup.stdout).toBeDefined();
		const restore = await cli('restore', written!, '--data-dir', join(scratch, 'cli-restored'));
		expect(restore.stdout).toContain('integrity_check ok');
		expect(readdirSync(join(scratch, 'cli-restored')).sort()).toEqual(['attachments', 'giaoban.db', 'recordings']);
		const refused = await cli('restore', written!, '--data-dir', join(scratch, 'cli-restored')).catch((error: { code: number; stderr: string }) => error);
		expect(refused).toMatchObject({ code: 1 });
		expect((refused as { stderr: string }).stderr).toContain('is not empty');
	});

	it('BACKUP_DIR makes the server back up by itself, once per period', async () => {
		const scheduled = join(scratch, 'scheduled');
		await expect.poll(() => readdirSync(scheduled, { withFileTypes: false }).filter((n) => !String(n).endsWith('.partial')).length, { timeout: 15000, interval: 200 }).toBe(1);
		const [name] = readdirSync(scheduled);
		// Written when the server became ready (perhaps before the files above): intact whatever it holds.
		const dir = join(scheduled, String(name));
		const manifest = await readManifest(dir);
		expect(await verifyAgainst({ database: dir, files: join(dir, 'files') }, manifest)).toEqual([]);
		// The job still prunes old backups after the folder appears: done a moment later.
		const statuses = async () => (await running.app.db.job.findMany({ where: { kind: 'scheduled-backup' }, select: { status: true } })).map((j) => j.status);
		await expect.poll(statuses, { timeout: 15000, interval: 200 }).toEqual(['done']);
	});
});
