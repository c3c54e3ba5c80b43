#!/usr/bin/env node
// Runs the Prisma CLI with the offline environment the setup uses: `node scripts/prisma.mjs <args>`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { prismaEnv } from './setup/prisma.mjs';
import { ROOT } from './setup/steps.mjs';

const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'prisma', 'build', 'index.js'), ...process.argv.slice(2)], {
	stdio: 'inherit',
	env: prismaEnv(),
});
process.exit(result.status ?? 1);
