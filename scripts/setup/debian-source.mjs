// Downloads a Debian source package through a private apt configuration, leaving the system's
// apt sources untouched (the machine's sources list has no deb-src entries).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, run } from './steps.mjs';

function codename() {
	const match = /^VERSION_CODENAME=(.+)$/m.exec(readFileSync('/etc/os-release', 'utf8'));
	return match?.[1]?.trim() ?? 'bookworm';
}

/** Returns the path of the upstream tarball (*.orig.tar.*) of `pkg` and its Debian version. */
export async function fetchDebianSource(pkg) {
	const base = join(CACHE_DIR, 'apt-src');
	const dl = join(base, 'download', pkg);
	mkdirSync(join(base, 'lists', 'partial'), { recursive: true });
	mkdirSync(join(base, 'cache', 'archives', 'partial'), { recursive: true });
	mkdirSync(dl, { recursive: true });
	const mirror = process.env.GIAOBAN_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
	const sources = join(base, 'sources.list');
	writeFileSync(sources, `deb-src ${mirror} ${codename()} main\n`);
	const options = [
		'-o', `Dir::Etc::SourceList=${sources}`,
		'-o', 'Dir::Etc::SourceParts=/dev/null',
		'-o', `Dir::State::Lists=${join(base, 'lists')}`,
		'-o', `Dir::Cache=${join(base, 'cache')}`,
		'-o', 'Debug::NoLocking=1',
	];
	await run('apt-get', [...options, 'update']);
	await run('apt-get', [...options, 'source', '--download-only', pkg], { cwd: dl });
	const files = readdirSync(dl);
	const orig = files.filter((f) => f.startsWith(`${pkg}_`) && /\.orig\.tar\.(gz|xz|bz2)$/.test(f)).sort().pop();
	const dsc = files.filter((f) => f.endsWith('.dsc')).sort().pop();
	if (!orig || !dsc) {
		throw new Error(`apt-get source ${pkg} left no upstream tarball in ${dl}`);
	}
	return { tarball: join(dl, orig), version: dsc.replace(/^.*?_/, '').replace(/\.dsc$/, '') };
}
