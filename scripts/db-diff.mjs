#!/usr/bin/env node
// Prints the SQL that takes the database from the last migration to prisma/schema.prisma.
// `prisma migrate dev` and diffs against a live or shadow database do not work with the driver
// adapter offline, so the starting point is the schema as committed with the newest migration.
// Usage: node scripts/db-diff.mjs > prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prismaEnv } from './setup/prisma.mjs';
import { ROOT } from './setup/steps.mjs';

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
const commit = git('log', '-1', '--format=%H', '--', 'prisma/migrations');
if (!commit) {
	process.stderr.write('no committed migration found\n');
	process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'giaoban-diff-'));
const previous = join(dir, 'schema.prisma');
writeFileSync(previous, git('show', `${commit}:prisma/schema.prisma`));
const result = spawnSync(
	process.execPath,
	[join(ROOT, 'node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'diff', '--from-schema-datamodel', previous, '--to-schema-datamodel', join(ROOT, 'prisma', 'schema.prisma'), '--script'],
	{ env: prismaEnv(), stdio: ['ignore', 'inherit', 'inherit'] }
);
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
