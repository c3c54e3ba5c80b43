import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgramFailedError } from '../../../server/src/lib/errors.ts';
import { runNiced, spawnNiced, type SpawnResult } from '../../../server/src/lib/spawn-niced.ts';

/** State (field 3) and niceness (field 19) from /proc/<pid>/stat, or null once the process is reaped. */
function procStat(pid: number): { state: string; nice: number } | null {
	let text: string;
	try {
		text = readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return null;
	}
	return statFields(text);
}

function statFields(text: string): { state: string; nice: number } {
	// The command name (field 2) is in parentheses and may hold spaces: count fields after it.
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	return { state: fields[0]!, nice: Number(fields[16]) };
}

/** Dead: reaped, or a zombie waiting for a parent (init in a container may reap late). */
function dead(pid: number): boolean {
	const stat = procStat(pid);
	return stat === null || stat.state === 'Z' || stat.state === 'X';
}

async function until(condition: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Starts `sh -c script` (the script prints pids on its first line) and resolves once that line is in. */
async function startShell(script: string, controller: AbortController, killGraceMs?: number): Promise<{ pids: number[]; done: Promise<SpawnResult> }> {
	let out = '';
	const done = spawnNiced('sh', ['-c', script], { signal: controller.signal, onStdout: (chunk) => (out += chunk.toString()), ...(killGraceMs ? { killGraceMs } : {}) });
	// Observed, so that a rejection before the test awaits it is not reported as unhandled.
	done.catch(() => undefined);
	await until(() => out.includes('\n'), 'the shell to print its pids');
	return { pids: out.trim().split(/\s+/).map(Number), done };
}

describe('spawnNiced', { timeout: 30000 }, () => {
	const leftovers: number[] = [];
	afterEach(() => {
		// Whatever a failed test left running, and only that: a pid may have been reused since.
		for (const pid of leftovers.splice(0)) {
			try {
				const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
				if (cmdline.includes('sleep\u0000300') || cmdline.includes('; wait')) {
					process.kill(pid, 'SIGKILL');
				}
			} catch {
				// Already gone.
			}
		}
	});

	it('runs the program at niceness 19 and resolves with its exit code', async () => {
		let out = '';
		const result = await spawnNiced('cat', ['/proc/self/stat'], { onStdout: (chunk) => (out += chunk.toString()) });
		expect(result).toMatchObject({ exitCode: 0, signal: null, niced: true });
		expect(statFields(out).nice).toBe(19);
	});

	it('runs at the server’s own priority when no nice is on PATH', async () => {
		let out = '';
		const script = "process.stdout.write(require('node:fs').readFileSync('/proc/self/stat', 'utf8'))";
		const result = await spawnNiced(process.execPath, ['-e', script], { env: { PATH: '/nonexistent' }, onStdout: (chunk) => (out += chunk.toString()) });
		expect(result).toMatchObject({ exitCode: 0, niced: false });
		expect(statFields(out).nice).toBe(getPriority());
	});

	it('on abort kills the program and the processes it started, then rejects with the abort reason', async () => {
		const controller = new AbortController();
		const { pids, done } = await startShell('sleep 300 & echo $$ $!; wait', controller);
		leftovers.push(...pids);
		expect(pids).toHaveLength(2);
		for (const pid of pids) {
			expect(procStat(pid)).toMatchObject({ nice: 19 });
		}
		controller.abort(new Error('cancelled by test'));
		await expect(done).rejects.toThrow('cancelled by test');
		await until(() => pids.every(dead), 'the shell and its sleep to be gone');
	});

	it('kills with SIGKILL after the grace a group that ignores SIGTERM', async () => {
		const controller = new AbortController();
		const { pids, done } = await startShell('trap "" TERM; sleep 300 & echo $$ $!; wait', controller, 200);
		leftovers.push(...pids);
		controller.abort(new Error('stop'));
		await expect(done).rejects.toThrow('stop');
		await until(() => pids.every(dead), 'the stubborn shell and its sleep to be gone');
	});

	it('does not start when the signal is already aborted', async () => {
		const controller = new AbortController();
		controller.abort(new Error('too late'));
		let started = false;
		await expect(spawnNiced('sh', ['-c', 'echo started'], { signal: controller.signal, onStdout: () => (started = true) })).rejects.toThrow('too late');
		expect(started).toBe(false);
	});

	it('keeps the tail of stderr, and runNiced throws it with the exit code', async () => {
		const script = 'printf "%0500d" 0 >&2; echo " last words" >&2; exit 3';
		const result = await spawnNiced('sh', ['-c', script], { stderrTailChars: 12 });
		expect(result).toMatchObject({ exitCode: 3, stderrTail: ' last words\n' });

		const failure = await runNiced('sh', ['-c', script]).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(ProgramFailedError);
		expect(failure).toMatchObject({ exitCode: 3, program: 'sh', message: expect.stringMatching(/^sh exited with code 3: 0+ last words$/) as unknown });
		await expect(runNiced('sh', ['-c', 'exit 0'])).resolves.toMatchObject({ exitCode: 0 });
	});
});
