// Debian packages the project needs, checked with dpkg-query and installed with apt-get as root.
import { execFileSync } from 'node:child_process';
import { run, SetupError } from './steps.mjs';

/** Needed to build the mediasoup worker (meson, ninja, libraries) and whisper.cpp (cmake) from source. */
export const BUILD_PACKAGES = [
	'cmake',
	'meson',
	'ninja-build',
	'pkg-config',
	'libssl-dev',
	'libuv1-dev',
	'libusrsctp-dev',
	'libabsl-dev',
	'nlohmann-json3-dev',
];

/**
 * Needed by tests and at run time (headless browser tests, fonts for documents; ffmpeg records
 * meetings and turns recordings into the 16 kHz WAV whisper.cpp reads).
 */
export const RUNTIME_PACKAGES = ['chromium', 'fonts-liberation2', 'ca-certificates', 'ffmpeg'];

/**
 * Needed by tests only: `ip` for the network-namespace tests that cut a site's media path;
 * espeak-ng speaks the Vietnamese sentences the transcription tests feed whisper.cpp; poppler-utils
 * (pdftotext, pdffonts, pdfsig) and LibreOffice Writer check the minutes' PDF, signatures and DOCX
 * as an office would open them; libnss3-tools' certutil makes the empty NSS database pdfsig reads.
 */
export const TEST_PACKAGES = ['iproute2', 'espeak-ng', 'poppler-utils', 'libnss3-tools', 'libreoffice-writer-nogui'];

export function missingPackages(packages) {
	return packages.filter((pkg) => {
		try {
			const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], {
				stdio: ['ignore', 'pipe', 'ignore'],
			}).toString();
			return !status.includes('install ok installed');
		} catch {
			return true;
		}
	});
}

export async function ensureDebianPackages(packages) {
	const missing = missingPackages(packages);
	if (missing.length === 0) {
		return `all ${packages.length} packages present`;
	}
	const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
	if (process.getuid?.() !== 0) {
		throw new SetupError(
			`missing Debian packages: ${missing.join(' ')}`,
			`Run as root:\n  apt-get update && ${command}\nthen run this command again.`
		);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update'], { env });
	await run('apt-get', command.split(' ').slice(1), { env });
	return `installed ${missing.join(' ')}`;
}
