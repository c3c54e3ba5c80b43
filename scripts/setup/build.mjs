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
	return buildIfChanged('server', [join(ROOT, 'server'), join(ROOT, 'prisma'), ...common], join(ROOT, 'dist', 'server', 'server.mjs'), () =>
		run(bin('esbuild'), [
			join(ROOT, 'server', 'src', 'server.ts'),
			'--bundle',
			'--platform=node',
			'--target=node24',
			'--format=esm',
			'--packages=external',
			'--sourcemap',
			`--outfile=${join(ROOT, 'dist', 'server', 'server.mjs')}`,
		])
	);
}
