#!/usr/bin/env node
// Idempotent setup run by `npm start` and `npm test`: each step checks whether its inputs changed
// and skips itself when they did not, so a second run on a set-up machine takes seconds.
// Usage: node scripts/setup/index.mjs [--for=start|test]
import { performance } from 'node:perf_hooks';
import { buildClient, buildServer } from './build.mjs';
import { BUILD_PACKAGES, ensureDebianPackages, RUNTIME_PACKAGES, TEST_PACKAGES } from './debian.mjs';
import { ensureMediasoupWorker } from './mediasoup-worker.mjs';
import { ensureNpmDependencies } from './npm-deps.mjs';
import { ensurePrismaClient, migrateDatabase } from './prisma.mjs';
import { log, SetupError } from './steps.mjs';

const mode = process.argv.find((a) => a.startsWith('--for='))?.slice('--for='.length) ?? 'start';

const steps = [
	['Debian packages', () => ensureDebianPackages([...BUILD_PACKAGES, ...RUNTIME_PACKAGES, ...(mode === 'test' ? TEST_PACKAGES : [])])],
	['npm dependencies', ensureNpmDependencies],
	['mediasoup worker', ensureMediasoupWorker],
	['Prisma client', ensurePrismaClient],
	...(mode === 'start' ? [['database', migrateDatabase]] : []),
	['web client', buildClient],
	['server bundle', buildServer],
];

const started = performance.now();
let changed = 0;
try {
	for (const [name, step] of steps) {
		const t0 = performance.now();
		const result = await step();
		const seconds = ((performance.now() - t0) / 1000).toFixed(1);
		if (!/up to date|cached|present|matches/.test(result)) {
			changed += 1;
		}
		log(`${name.padEnd(18)} ${result} (${seconds} s)`);
	}
} catch (error) {
	log(`FAILED: ${error.message}`);
	if (error instanceof SetupError && error.hint) {
		process.stderr.write(`${error.hint}\n`);
	} else if (!(error instanceof SetupError)) {
		process.stderr.write(`${error.stack}\n`);
	}
	process.exit(1);
}
const total = ((performance.now() - started) / 1000).toFixed(1);
log(changed === 0 ? `already set up; nothing to do (${total} s)` : `done in ${total} s`);
