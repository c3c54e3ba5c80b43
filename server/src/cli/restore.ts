// npm run restore -- <backup folder> [--data-dir <folder>]
// Checks the backup against its manifest and restores it into an empty data folder (DATA_DIR by
// default). Stop the server first.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.ts';
import { restoreBackup } from '../features/backup/restore-backup.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
const [backupDir] = positionals;
if (values.help || !backupDir || positionals.length > 1) {
	process.stdout.write('usage: npm run restore -- <backup folder> [--data-dir <folder>]\n  restores into an empty data folder (default: DATA_DIR); stop the server first\n');
	process.exit(values.help ? 0 : 2);
}
const dataDir = values['data-dir'] ?? dirname(loadConfig().databaseFile);
try {
	const manifest = await restoreBackup({ backupDir, dataDir });
	process.stdout.write(`Restored the backup of ${manifest.createdAt} into ${dataDir}: database and ${manifest.files.length} files, every SHA-256 checked, integrity_check ok.\n`);
} catch (error) {
	process.stderr.write(`Restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
}
