import { mkdirSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client.ts';
import { paths } from '../config/paths.ts';

export type Database = PrismaClient;

export type OpenDatabaseOptions = {
	file: string;
	synchronous: 'FULL' | 'NORMAL';
	/** Directory of Prisma migrations that must all be applied before the server starts. */
	migrationsDir?: string;
};

export class DatabaseSetupError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DatabaseSetupError';
	}
}

const SYNCHRONOUS_VALUES = { FULL: 2, NORMAL: 1 } as const;

async function pragma(db: PrismaClient, name: string): Promise<string> {
	const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
	const value = rows[0] ? Object.values(rows[0])[0] : undefined;
	return String(value);
}

/**
 * Opens the SQLite database through Prisma's better-sqlite3 adapter (a single connection),
 * applies the durability settings and reads them back: the server refuses to start when they
 * did not take, rather than running with weaker guarantees than documented.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
	mkdirSync(dirname(options.file), { recursive: true });
	const adapter = new PrismaBetterSQLite3({ url: `file:${options.file}`, timeout: 5000 });
	const db = new PrismaClient({ adapter });
	try {
		await db.$executeRawUnsafe('PRAGMA busy_timeout = 5000');
		await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
		await db.$executeRawUnsafe(`PRAGMA synchronous = ${options.synchronous}`);
		await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
		const actual = {
			journal_mode: await pragma(db, 'journal_mode'),
			synchronous: await pragma(db, 'synchronous'),
			foreign_keys: await pragma(db, 'foreign_keys'),
		};
		if (actual.journal_mode !== 'wal' || actual.synchronous !== String(SYNCHRONOUS_VALUES[options.synchronous]) || actual.foreign_keys !== '1') {
			throw new DatabaseSetupError(`SQLite settings did not take: ${JSON.stringify(actual)}`);
		}
		await assertMigrated(db, options.migrationsDir ?? paths.migrations);
		return db;
	} catch (error) {
		await db.$disconnect();
		throw error;
	}
}

async function assertMigrated(db: PrismaClient, migrationsDir: string): Promise<void> {
	const expected = readdirSync(migrationsDir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => entry.name);
	let applied: string[] = [];
	try {
		const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
			'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL'
		);
		applied = rows.map((row) => row.migration_name);
	} catch {
		applied = [];
	}
	const pending = expected.filter((name) => !applied.includes(name));
	if (pending.length > 0) {
		throw new DatabaseSetupError(
			`The database has ${pending.length} pending migration(s) (${pending.join(', ')}). Run "npm run db:deploy" (npm start does it for you).`
		);
	}
}

/** True when a trivial query answers: what /readyz reports as "database". */
export async function databaseReachable(db: Database): Promise<boolean> {
	try {
		await db.$queryRawUnsafe('SELECT 1');
		return true;
	} catch {
		return false;
	}
}
