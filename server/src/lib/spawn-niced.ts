import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ProgramFailedError } from './errors.ts';

export type SpawnNicedOptions = {
	/** Aborting kills the program's whole process group: SIGTERM, then SIGKILL after killGraceMs. */
	signal?: AbortSignal;
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Default 5000. */
	killGraceMs?: number;
	/** How much of the end of stderr to keep for error messages; default 4096 characters. */
	stderrTailChars?: number;
	/** Without it stdout is discarded rather than buffered. */
	onStdout?: (chunk: Buffer) => void;
	onStderr?: (chunk: Buffer) => void;
};

export type SpawnResult = {
	/** Null when a signal ended the program. */
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stderrTail: string;
	/** False when `nice` was not found and the program ran at the server's own priority. */
	niced: boolean;
};

/** The `nice` on PATH (coreutils on Debian), or null: looked up per PATH, since env may differ. */
function findNice(path: string | undefined): string | null {
	for (const dir of (path ?? '').split(delimiter)) {
		if (dir === '') {
			continue;
		}
		const candidate = join(dir, 'nice');
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// Not in this directory.
		}
	}
	return null;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// ESRCH: the group is already gone.
	}
}

/**
 * Runs a program (an argument array, never a shell line) at the lowest CPU priority, so that
 * transcription or mixing on a 2-core machine never takes time from the SFU. The program leads its
 * own process group: an abort ends it together with whatever it started (ffmpeg filters, scripts),
 * and the promise settles only once the program has exited. Resolves with the exit code, whatever
 * it is (see runNiced for "non-zero is an error"); rejects with the abort reason after an abort,
 * or with the spawn error (e.g. ENOENT).
 */
export function spawnNiced(program: string, args: readonly string[], options: SpawnNicedOptions = {}): Promise<SpawnResult> {
	const { signal, killGraceMs = 5000, stderrTailChars = 4096 } = options;
	if (signal?.aborted) {
		return Promise.reject(signal.reason as Error);
	}
	const nice = findNice((options.env ?? process.env)['PATH']);
	const [command, argv] = nice ? [nice, ['-n', '19', program, ...args]] : [program, [...args]];
	return new Promise((resolve, reject) => {
		const child = spawn(command, argv, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', options.onStdout ? 'pipe' : 'ignore', 'pipe'],
			// Its own process group, so that kill(-pid) reaches its children too.
			detached: true,
		});
		let stderrTail = '';
		let graceTimer: NodeJS.Timeout | undefined;
		let aborted = false;
		child.stdout?.on('data', (chunk: Buffer) => options.onStdout?.(chunk));
		child.stderr?.on('data', (chunk: Buffer) => {
			options.onStderr?.(chunk);
			stderrTail = (stderrTail + chunk.toString('utf8')).slice(-stderrTailChars);
		});
		const onAbort = (): void => {
			if (aborted || child.pid === undefined) {
				return;
			}
			aborted = true;
			killGroup(child.pid, 'SIGTERM');
			graceTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), killGraceMs);
			graceTimer.unref();
		};
		signal?.addEventListener('abort', onAbort, { once: true });
		child.once('error', (error) => {
			signal?.removeEventListener('abort', onAbort);
			clearTimeout(graceTimer);
			reject(error);
		});
		// 'close' rather than 'exit': stderr is read to its end, so the tail is complete.
		child.once('close', (exitCode, exitSignal) => {
			signal?.removeEventListener('abort', onAbort);
			clearTimeout(graceTimer);
			if (aborted && child.pid !== undefined) {
				// The leader is gone; children that ignored SIGTERM must not outlive it.
				killGroup(child.pid, 'SIGKILL');
			}
			if (aborted) {
				reject(signal?.reason as Error);
				return;
			}
			resolve({ exitCode, signal: exitSignal, stderrTail, niced: nice !== null });
		});
	});
}

/** spawnNiced, with anything but exit code 0 thrown as a ProgramFailedError carrying stderr's tail. */
export async function runNiced(program: string, args: readonly string[], options: SpawnNicedOptions = {}): Promise<SpawnResult> {
	const result = await spawnNiced(program, args, options);
	if (result.exitCode !== 0) {
		throw new ProgramFailedError(program, result.exitCode, result.signal, result.stderrTail);
	}
	return result;
}
