import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/src/db/open-database.ts';
import { createDemoDataRepository } from '../../../server/src/features/demo-data/demo-data.repository.ts';
import { seedDemoData } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { verifyPassword } from '../../../server/src/features/accounts/password.ts';
import { migratedDataDir, type TestDataDir } from '../../helpers/test-env.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

describe('database', () => {
	let data: TestDataDir | undefined;
	let db: Database | undefined;
	let running: RunningApp | undefined;
	afterEach(async () => {
		await db?.$disconnect();
		db = undefined;
		await running?.close();
		running = undefined;
		data?.remove();
		data = undefined;
	});

	it('opens with WAL, the configured synchronous mode and foreign keys, read back from SQLite', async () => {
		data = migratedDataDir();
		db = await openDatabase({ file: join(data.dir, 'giaoban.db'), synchronous: 'FULL' });
		const [journal] = await db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
		const [sync] = await db.$queryRawUnsafe<{ synchronous: bigint }[]>('PRAGMA synchronous');
		const [fk] = await db.$queryRawUnsafe<{ foreign_keys: bigint }[]>('PRAGMA foreign_keys');
		expect(journal?.journal_mode).toBe('wal');
		expect(Number(sync?.synchronous)).toBe(2);
		expect(Number(fk?.foreign_keys)).toBe(1);
	});

	it('refuses to start on a database with pending migrations, naming them', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'giaoban-empty-'));
		try {
			await expect(openDatabase({ file: join(dir, 'giaoban.db'), synchronous: 'FULL' })).rejects.toThrow(
				/pending migration\(s\) \(20261129000000_units_users, .*\).*npm run db:deploy/
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('enforces foreign keys: a user of an unknown unit is rejected and nothing is stored', async () => {
		data = migratedDataDir();
		db = await openDatabase({ file: join(data.dir, 'giaoban.db'), synchronous: 'FULL' });
		await expect(
			db.user.create({ data: { username: 'x', displayName: 'X', passwordHash: 'h', role: 'viewer', unitId: 'nowhere' } })
		).rejects.toThrow();
		expect(await db.user.count()).toBe(0);
	});

	it('seeds the demo district once, with accounts whose printed passwords work', async () => {
		data = migratedDataDir();
		db = await openDatabase({ file: join(data.dir, 'giaoban.db'), synchronous: 'FULL' });
		const accounts = await seedDemoData(createDemoDataRepository(db));
		expect(accounts).not.toBeNull();
		expect(await db.unit.count()).toBe(18);
		expect(await db.unit.count({ where: { kind: 'district' } })).toBe(1);
		expect(await db.user.count()).toBe(accounts!.length);
		const chair = accounts!.find((a) => a.role === 'chair')!;
		const stored = await db.user.findUniqueOrThrow({ where: { username: chair.username } });
		expect(await verifyPassword(chair.password, stored.passwordHash)).toBe(true);
		expect(await seedDemoData(createDemoDataRepository(db))).toBeNull();
		expect(await db.user.count()).toBe(accounts!.length);
	});

	it('on first start writes the demo accounts to a file only its owner can read, and serves the district', async () => {
		running = await startApp({ DEMO_DATA: 'true' });
		const file = join(running.dataDir, 'demo-accounts.txt');
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(readFileSync(file, 'utf8')).toMatch(/chutri\s+\S{12}\s+chair\s+Huyện Sông Lô/);
		const district = await running.app.inject('/api/host-unit');
		expect(district.statusCode).toBe(200);
		expect(district.json()).toMatchObject({ authority: 'UBND HUYỆN SÔNG LÔ', name: 'Huyện Sông Lô' });
		expect(district.json<{ members: unknown[] }>().members).toHaveLength(17);
	});

	it('answers 404 with a code when no district exists', async () => {
		running = await startApp();
		const response = await running.app.inject('/api/host-unit');
		expect(response.statusCode).toBe(404);
		expect(response.json()).toEqual({ code: 'not_found', message: 'No host unit is set up yet' });
	});
});
