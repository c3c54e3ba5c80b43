#!/usr/bin/env node
// Runs an operator command (npm run backup / restore / admin): server/src/cli/<name>.ts, bundled
// into dist/server/cli/<name>.mjs. From a checkout the bundle is brought up to date first (cheap
// when nothing changed); a production image has only the bundle, and no sources to build from.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeRuntime } from './setup/node-runtime.mjs';
import { handOver, ROOT } from './setup/steps.mjs';

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z-]+$/.test(name)) {
	process.stderr.write('usage: node scripts/cli.mjs <command> [args...]\n');
	process.exit(2);
}
await ensureNodeRuntime();
if (existsSync(join(ROOT, 'server', 'src')) && existsSync(join(ROOT, 'node_modules', '.bin', 'esbuild'))) {
	const { buildServer } = await import('./setup/build.mjs');
	await buildServer();
}
// The first-run command may be the first thing to touch a new data folder (scripted installs):
// create its database as `npm start` would. Only a missing one: an existing database may be open
// in the running server, and a migration cannot take it (the server migrates at its start anyway).
const databaseRule = join(ROOT, 'server', 'src', 'config', 'database-file.ts');
if (name === 'admin' && existsSync(databaseRule) && existsSync(join(ROOT, 'node_modules', 'prisma'))) {
	const { databaseFile } = await import(databaseRule);
	if (!existsSync(databaseFile())) {
		const { migrateDatabase } = await import('./setup/prisma.mjs');
		await migrateDatabase();
	}
}
const bundle = join(ROOT, 'dist', 'server', 'cli', `${name}.mjs`);
if (!existsSync(bundle)) {
	process.stderr.write(`No command ${name} (${bundle} is missing: run npm start or npm run setup first)\n`);
	process.exit(2);
}
handOver(process.execPath, ['--enable-source-maps', bundle, ...args]);
