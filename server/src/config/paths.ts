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

export const paths = {
	root,
	clientDist: join(root, 'dist', 'client'),
	migrations: join(root, 'prisma', 'migrations'),
} as const;
