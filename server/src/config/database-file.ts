import { resolve } from 'node:path';

/**
 * The SQLite file lives under DATA_DIR. One rule, imported by the server's configuration and by
 * prisma.config.ts, so that `npm start`'s migration step and the server open the same file.
 */
export function databaseFile(env: NodeJS.ProcessEnv = process.env): string {
	return resolve(env['DATA_DIR'] ?? 'data', 'giaoban.db');
}
