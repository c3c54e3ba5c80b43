// Builds the web client (Vite) and bundles the server (esbuild) when their inputs changed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hashPaths, ROOT, run, stamps } from './steps.mjs';

const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const common = [join(ROOT, 'shared'), join(ROOT, 'package-lock.json')];

async function buildIfChanged(key, inputs, output, build) {
	const st = stamps();
	const hash = hashPaths(inputs);
	if (st.get(key) === hash && existsSync(output)) {
		return 'up to date';
	}
	await build();
	st.set(key, hash);
	return 'built';
}

export function buildClient() {
	return buildIfChanged('client', [join(ROOT, 'client'), ...common], join(ROOT, 'dist', 'client', 'index.html'), () =>
		run(bin('vite'), ['build', '--config', join(ROOT, 'client', 'vite.config.ts')])
	);
}

export function buildServer() {
	return buildIfChanged('server', [join(ROOT, 'server'), join(ROOT, 'prisma'), ...common], join(ROOT, 'dist', 'server', 'cli', 'admin.mjs'), () =>
		// The server and the operators' commands (server/src/cli), each a bundle under dist/server:
		// a production install has no TypeScript runner.
		run(bin('esbuild'), [
			join(ROOT, 'server', 'src', 'server.ts'),
			join(ROOT, 'server', 'src', 'cli', 'backup.ts'),
			join(ROOT, 'server', 'src', 'cli', 'restore.ts'),
			join(ROOT, 'server', 'src', 'cli', 'admin.ts'),
			'--bundle',
			'--platform=node',
			'--target=node24',
			'--format=esm',
			'--packages=external',
			'--sourcemap',
			'--out-extension:.js=.mjs',
			`--outbase=${join(ROOT, 'server', 'src')}`,
			`--outdir=${join(ROOT, 'dist', 'server')}`,
		])
	);
}
