// Shared helpers for the setup steps. Node built-ins only: this runs before node_modules exists.
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = process.env.GIAOBAN_CACHE_DIR ?? join(ROOT, '.cache');

export class SetupError extends Error {
	constructor(message, hint) {
		super(message);
		this.name = 'SetupError';
		this.hint = hint;
	}
}

/** Runs a command, streaming its output only when it fails (or when verbose). */
export function run(cmd, args, { cwd = ROOT, env = process.env, quiet = true } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
		const chunks = [];
		child.stdout?.on('data', (c) => chunks.push(c));
		child.stderr?.on('data', (c) => chunks.push(c));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			const output = Buffer.concat(chunks).toString();
			if (code === 0) {
				resolve(output);
				return;
			}
			reject(
				new SetupError(
					`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`,
					output.split('\n').slice(-40).join('\n')
				)
			);
		});
	});
}

/** Hash of files (content and relative path) under the given paths; missing paths hash as absent. */
export function hashPaths(paths, extra = '') {
	const hash = createHash('sha256');
	hash.update(extra);
	const visit = (p) => {
		if (!existsSync(p)) {
			hash.update(`missing:${relative(ROOT, p)}`);
			return;
		}
		const st = statSync(p);
		if (st.isDirectory()) {
			for (const name of readdirSync(p).sort()) {
				if (name === 'node_modules' || name === 'dist') {
					continue;
				}
				visit(join(p, name));
			}
			return;
		}
		hash.update(`file:${relative(ROOT, p)}\0`);
		hash.update(readFileSync(p));
	};
	for (const p of paths) {
		visit(p);
	}
	return hash.digest('hex').slice(0, 16);
}

/** A small key/value file remembering which inputs each step last built from. */
export function stamps(file = join(CACHE_DIR, 'setup-stamps.json')) {
	let data = {};
	try {
		data = JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		data = {};
	}
	return {
		get: (key) => data[key],
		set: (key, value) => {
			data[key] = value;
			mkdirSync(dirname(file), { recursive: true });
			writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
		},
	};
}

export function log(line) {
	process.stdout.write(`[setup] ${line}\n`);
}

/**
 * Hands over to a child that carries on this command (the same setup under another Node, or the
 * server or tests after it) and exits with its exit code, or 128 + the signal that ended it.
 * SIGTERM and SIGHUP sent to this process alone are passed on. Ctrl-C already reaches the child
 * from the terminal (same process group); passing SIGINT on too would make the server see two and
 * skip its graceful shutdown, so this process only waits for the child.
 */
export function handOver(cmd, args, options = {}) {
	const child = spawn(cmd, args, { ...options, stdio: 'inherit' });
	process.on('SIGINT', () => undefined);
	for (const signal of ['SIGTERM', 'SIGHUP']) {
		process.on(signal, () => child.kill(signal));
	}
	child.on('close', (code, signal) => process.exit(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 15) : 0)));
}
