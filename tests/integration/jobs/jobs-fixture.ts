import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../../../server/src/db/open-database.ts';
import { JobRunner, type JobLog, type JobRunnerOptions } from '../../../server/src/features/jobs/job-runner.ts';
import { createJobsRepository, type JobsRepository } from '../../../server/src/features/jobs/jobs.repository.ts';
import { migratedDataDir, type TestDataDir } from '../../helpers/test-env.ts';

/** Polls `check` until it holds; a throw from it fails the wait at once. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const started = Date.now();
	while (!(await check())) {
		if (Date.now() - started > timeoutMs) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await sleep(20);
	}
}

/** A runner in another process (runner-process.ts): what it printed, and how to stop it. */
export type RunnerProcess = {
	messages: Record<string, unknown>[];
	kill: (signal: NodeJS.Signals) => Promise<void>;
};

export type LogEntry = { level: string; obj: object; msg: string };

/** A logger that keeps what it is told, so that a test can check an error was logged. */
export function recordingLog(entries: LogEntry[] = []): JobLog & { entries: LogEntry[] } {
	const at = (level: string) => (obj: object, msg: string) => void entries.push({ level, obj, msg });
	const log = { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
	return log;
}

/**
 * Short durations so that the tests run fast; no test asserts on how long anything took. The lease
 * is long: no test here wants it to expire, and a loaded machine can stall a heartbeat for seconds.
 */
export const FAST = { leaseMs: 15_000, heartbeatMs: 50, pollMs: 20, retryBaseMs: 20, retryMaxMs: 80, closeTimeoutMs: 5000 } as const;

/**
 * One migrated database file and as many connections to it as a test asks for: each connection
 * stands for a separate server process (a runner with its own PrismaClient and SQLite handle).
 * Everything opened is closed by close(), runners first.
 */
export class JobsFixture {
	readonly #data: TestDataDir = migratedDataDir();
	readonly #connections: Database[] = [];
	readonly #runners: JobRunner[] = [];
	readonly #children: ChildProcess[] = [];

	get file(): string {
		return join(this.#data.dir, 'giaoban.db');
	}

	async connect(): Promise<{ db: Database; repository: JobsRepository }> {
		const db = await openDatabase({ file: this.file, synchronous: 'NORMAL' });
		this.#connections.push(db);
		return { db, repository: createJobsRepository(db) };
	}

	runner(repository: JobsRepository, options: Partial<Omit<JobRunnerOptions, 'repository'>> = {}): JobRunner {
		const runner = new JobRunner({ ...FAST, log: recordingLog(), ...options, repository });
		this.#runners.push(runner);
		return runner;
	}

	/** Starts runner-process.ts on this database and resolves once it takes jobs. */
	async spawnRunner(owner: string, mode: 'complete' | 'hang', leaseMs: number): Promise<RunnerProcess> {
		const script = join(dirname(fileURLToPath(import.meta.url)), 'runner-process.ts');
		const child = spawn(process.execPath, [script, this.file, owner, mode, String(leaseMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
		this.#children.push(child);
		const messages: Record<string, unknown>[] = [];
		let buffered = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			buffered += chunk.toString();
			const lines = buffered.split('\n');
			buffered = lines.pop()!;
			messages.push(...lines.filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>));
		});
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit');
		await waitFor(() => {
			if (child.exitCode !== null) {
				throw new Error(`runner ${owner} exited: ${stderr}`);
			}
			return messages.some((message) => message['ready']);
		}, 20000, `runner process ${owner} to start`);
		return {
			messages,
			kill: async (signal) => {
				if (child.exitCode === null && child.signalCode === null) {
					child.kill(signal);
					await exited;
				}
			},
		};
	}

	async close(): Promise<void> {
		await Promise.allSettled(
			this.#children.map(async (child) => {
				if (child.exitCode === null && child.signalCode === null) {
					const exited = once(child, 'exit');
					child.kill('SIGKILL');
					await exited;
				}
			})
		);
		await Promise.allSettled(this.#runners.map((runner) => runner.close()));
		await Promise.allSettled(this.#connections.map((db) => db.$disconnect()));
		this.#data.remove();
	}
}

/** A promise and its resolve, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
	let open: () => void = () => undefined;
	const promise = new Promise<void>((resolve) => {
		open = resolve;
	});
	return { promise, open };
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
