// Installs npm dependencies from the lockfile, once per lockfile content.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workerBinForInstall } from './mediasoup-worker.mjs';
import { hashPaths, ROOT, run } from './steps.mjs';

const MARKER = join(ROOT, 'node_modules', '.giaoban-lock-hash');

export async function ensureNpmDependencies() {
	const hash = hashPaths([join(ROOT, 'package-lock.json'), join(ROOT, 'package.json')], process.version);
	if (existsSync(MARKER) && readFileSync(MARKER, 'utf8').trim() === hash) {
		return 'node_modules matches package-lock.json';
	}
	// With MEDIASOUP_WORKER_BIN set, mediasoup's postinstall skips both its download and its build;
	// the worker step below builds the binary against Debian's libraries instead.
	const env = { ...process.env, MEDIASOUP_WORKER_BIN: workerBinForInstall() };
	await run('npm', ['ci', '--include=dev', '--no-audit', '--no-fund'], { env });
	writeFileSync(MARKER, `${hash}\n`);
	return 'npm ci done';
}
