import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
	// Walks up from this module: the same answer from server/src (tsx, vitest) and dist/server (bundle).
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const pkg = join(dir, 'package.json');
		if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'giaoban') {
			return dir;
		}
		const parent = dirname(dir);
		if (parent === dir) {
			throw new Error('giaoban: cannot find the project root (package.json named "giaoban")');
		}
		dir = parent;
	}
}

const root = findRoot();

/** The whisper.cpp the setup builds (PINNED_WHISPER in scripts/setup/whisper.mjs; a unit test compares). */
export const WHISPER_CPP_VERSION = '1.9.1';

export const paths = {
	root,
	clientDist: join(root, 'dist', 'client'),
	migrations: join(root, 'prisma', 'migrations'),
} as const;

/** Where the setup installs whisper-cli: under .cache, or GIAOBAN_CACHE_DIR as in scripts/setup/steps.mjs. */
export function setupWhisperCli(env: NodeJS.ProcessEnv = process.env): string {
	const cache = env['GIAOBAN_CACHE_DIR'] ?? join(root, '.cache');
	return join(cache, 'whisper', WHISPER_CPP_VERSION, 'bin', 'whisper-cli');
}
