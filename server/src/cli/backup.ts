// npm run backup -- [--to <folder>] [--keep <n>]
// A consistent backup of the database and the stored files, with a SHA-256 manifest; safe while
// the server runs. Prints the folder written.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.ts';
import { createBackup, pruneBackups } from '../features/backup/create-backup.ts';

const { values } = parseArgs({ options: { to: { type: 'string' }, keep: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
	process.stdout.write('usage: npm run backup -- [--to <folder>] [--keep <n>]\n  --to    where to write (default: BACKUP_DIR)\n  --keep  then delete all but the n newest backups made by hand there (scheduled ones are kept by BACKUP_KEEP)\n');
	process.exit(0);
}
const config = loadConfig();
const destination = values.to ?? config.backup.dir;
if (!destination) {
	process.stderr.write('No backup folder: pass --to <folder> or set BACKUP_DIR.\n');
	process.exit(2);
}
const keep = values.keep === undefined ? null : Number(values.keep);
if (keep !== null && (!Number.isInteger(keep) || keep < 1)) {
	process.stderr.write('--keep must be a whole number of at least 1.\n');
	process.exit(2);
}
try {
	const started = Date.now();
	const { dir, manifest } = await createBackup({ dataDir: dirname(config.databaseFile), destinationRoot: destination, kind: 'manual' });
	const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, manifest.database.bytes);
	process.stdout.write(`Backup written to ${dir}\n  database ${manifest.database.bytes} bytes, ${manifest.files.length} files, ${bytes} bytes in all, ${Date.now() - started} ms\n`);
	if (keep !== null) {
		for (const old of await pruneBackups(destination, 'manual', keep)) {
			process.stdout.write(`  deleted old backup ${old}\n`);
		}
	}
} catch (error) {
	process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
}
