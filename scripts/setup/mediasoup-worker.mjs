// Builds mediasoup's C++ worker from node_modules/mediasoup/worker against Debian's libraries.
// mediasoup's own postinstall would download a prebuilt binary or the subprojects from GitHub,
// neither of which is reachable here: see shared/notes/offline-toolchain.md and the README.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchDebianSource } from './debian-source.mjs';
import { CACHE_DIR, hashPaths, log, ROOT, run } from './steps.mjs';

const SUBPROJECTS = join(ROOT, 'scripts', 'mediasoup-worker', 'subprojects');
const MEDIASOUP_DIR = join(ROOT, 'node_modules', 'mediasoup');
const BUILD_OPTIONS = ['--buildtype=release', '-Db_ndebug=true'];

/** Where mediasoup looks for its worker when MEDIASOUP_WORKER_BIN is not set. */
export const INSTALLED_WORKER = join(MEDIASOUP_DIR, 'worker', 'out', 'Release', 'mediasoup-worker');

export function workerCacheKey() {
	const { version } = JSON.parse(readFileSync(join(MEDIASOUP_DIR, 'package.json'), 'utf8'));
	const key = hashPaths([SUBPROJECTS], `mediasoup@${version};libsrtp2-from-debian-source;${BUILD_OPTIONS.join(' ')}`);
	return { version, key, binary: join(CACHE_DIR, 'mediasoup-worker', `${version}-${key}`, 'mediasoup-worker') };
}

/** Path the npm install step gives mediasoup's postinstall so that it neither downloads nor builds. */
export function workerBinForInstall() {
	return join(CACHE_DIR, 'mediasoup-worker', 'installing', 'mediasoup-worker');
}

function sameFile(a, b) {
	if (!existsSync(a) || !existsSync(b)) {
		return false;
	}
	const sa = statSync(a);
	const sb = statSync(b);
	return sa.size === sb.size && readFileSync(a).equals(readFileSync(b));
}

function install(binary) {
	if (sameFile(binary, INSTALLED_WORKER)) {
		return;
	}
	mkdirSync(join(INSTALLED_WORKER, '..'), { recursive: true });
	copyFileSync(binary, INSTALLED_WORKER);
}

async function build({ version, key, binary }) {
	const buildRoot = join(CACHE_DIR, 'mediasoup-build', `${version}-${key}`);
	const src = join(buildRoot, 'worker');
	const out = join(buildRoot, 'out');
	rmSync(buildRoot, { recursive: true, force: true });
	cpSync(join(MEDIASOUP_DIR, 'worker'), src, { recursive: true, filter: (p) => !p.includes(`${join('worker', 'out')}`) });

	// A .wrap file takes precedence over a folder of the same name, so the wraps must go.
	const subprojects = join(src, 'subprojects');
	for (const name of readdirSync(subprojects)) {
		if (name.endsWith('.wrap')) {
			rmSync(join(subprojects, name));
		}
	}
	cpSync(SUBPROJECTS, subprojects, { recursive: true });

	// libsrtp is compiled from Debian's source package with OpenSSL as its crypto back end:
	// Debian's binary libsrtp2 uses NSS, measured 1.7x more worker CPU per SRTP packet.
	const srtp = await fetchDebianSource('libsrtp2');
	const srtpDir = join(subprojects, 'libsrtp2');
	mkdirSync(srtpDir, { recursive: true });
	await run('tar', ['-xf', srtp.tarball, '-C', srtpDir, '--strip-components=1']);

	// Debian 12's meson is 1.0.1; the worker declares >= 1.1.0 but builds with 1.0.1 (verified).
	const mesonBuild = join(src, 'meson.build');
	writeFileSync(mesonBuild, readFileSync(mesonBuild, 'utf8').replace(/meson_version:\s*'[^']*'/, "meson_version: '>= 1.0.1'"));

	log(`  building mediasoup ${version} worker with libsrtp2 ${srtp.version} (about 5 minutes on 2 cores)`);
	await run('meson', ['setup', out, src, ...BUILD_OPTIONS]);
	await run('ninja', ['-C', out, 'mediasoup-worker']);

	mkdirSync(join(binary, '..'), { recursive: true });
	copyFileSync(join(out, 'mediasoup-worker'), `${binary}.tmp`);
	renameSync(`${binary}.tmp`, binary);
	writeFileSync(join(binary, '..', 'build-info.json'), `${JSON.stringify({ mediasoup: version, libsrtp2: srtp.version, builtAt: new Date().toISOString() }, null, 2)}\n`);
	rmSync(buildRoot, { recursive: true, force: true });
}

export async function ensureMediasoupWorker() {
	const target = workerCacheKey();
	if (existsSync(target.binary)) {
		install(target.binary);
		return `cached (mediasoup ${target.version}, key ${target.key})`;
	}
	await build(target);
	install(target.binary);
	return `built mediasoup ${target.version} worker (key ${target.key})`;
}
