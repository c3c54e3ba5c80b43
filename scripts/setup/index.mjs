#!/usr/bin/env node
// Idempotent setup run by `npm start` and `npm test`: each step checks whether its inputs changed
// and skips itself when they did not, so a second run on a set-up machine takes seconds.
// Usage: node scripts/setup/index.mjs [--for=start|test] [--then=serve|<npm script>]
// With --then, what follows the setup runs under the same Node as the setup (the pinned Node 24
// when the machine's is older): `serve` becomes the server process, anything else `npm run <it>`.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildClient, buildServer } from './build.mjs';
import { BUILD_PACKAGES, ensureDebianPackages, RUNTIME_PACKAGES, TEST_PACKAGES } from './debian.mjs';
import { ensureMediasoupWorker } from './mediasoup-worker.mjs';
import { ensureNodeRuntime } from './node-runtime.mjs';
import { ensureNpmDependencies } from './npm-deps.mjs';
import { ensurePrismaClient, migrateDatabase } from './prisma.mjs';
import { handOver, log, ROOT, SetupError } from './steps.mjs';
import { ensureWhisper } from './whisper.mjs';

const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const mode = option('for') ?? 'start';
const then = option('then');

const steps = [
	['Node.js runtime', ensureNodeRuntime],
	['Debian packages', () => ensureDebianPackages([...BUILD_PACKAGES, ...RUNTIME_PACKAGES, ...(mode === 'test' ? TEST_PACKAGES : [])])],
	['npm dependencies', ensureNpmDependencies],
	['mediasoup worker', ensureMediasoupWorker],
	['whisper.cpp', ensureWhisper],
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

if (then === 'serve') {
	// The server takes this process's place: its PID, signals and exit code are the server's.
	process.execve(process.execPath, [process.execPath, '--enable-source-maps', join(ROOT, 'dist', 'server', 'server.mjs')], process.env);
} else if (then) {
	handOver('npm', ['run', then], { cwd: ROOT });
}
