import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs SQLite work in a child Node process, with Node's own SQLite. In the server's process it
 * would be unsafe: that process already has the database open through better-sqlite3, another
 * copy of SQLite, and two copies in one process do not see each other's POSIX locks (closing one's
 * file descriptor drops the other's locks; sqlite.org/howtocorrupt.html §2.2.1). Measured here: a
 * VACUUM INTO through node:sqlite inside the server process read the database without its WAL (0
 * of 59 meetings). A child process also keeps a long copy off the server's event loop.
 */
async function inChild(script: string, args: string[]): Promise<string> {
	const { stdout } = await run(process.execPath, ['--input-type=module', '--no-warnings', '-e', script, ...args], { maxBuffer: 16 * 1024 * 1024 });
	return stdout;
}

/**
 * A consistent copy of the database while the server keeps writing: VACUUM INTO reads in one
 * transaction, a WAL snapshot, so the copy is the database as of one moment. SQLite's page-by-page
 * backup API was not used: it starts over whenever another connection writes, and a busy server
 * may never let it finish.
 */
export async function copyDatabase(source: string, destination: string): Promise<void> {
	await inChild(
		`import { DatabaseSync } from 'node:sqlite';
const [source, destination] = process.argv.slice(1);
const db = new DatabaseSync(source, { timeout: 10000 });
try { db.prepare('VACUUM INTO ?').run(destination); } finally { db.close(); }`,
		[source, destination]
	);
}

/** "ok", or SQLite's list of problems (PRAGMA integrity_check). */
export async function integrityCheck(file: string): Promise<string> {
	const out = await inChild(
		`import { DatabaseSync } from 'node:sqlite';
const db = new DatabaseSync(process.argv[1], { readOnly: true });
try { process.stdout.write(JSON.stringify(db.prepare('PRAGMA integrity_check').all().map((r) => String(r.integrity_check)))); } finally { db.close(); }`,
		[file]
	);
	return (JSON.parse(out) as string[]).join('\n');
}
