import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../shared/src/protocol/index.ts';
import { ask, startApp, type RunningApp } from '../../helpers/start-app.ts';
import { migratedDataDir, testEnv, type TestDataDir } from '../../helpers/test-env.ts';

const BUNDLE = join(import.meta.dirname, '..', '..', '..', 'dist', 'server', 'server.mjs');

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('shutdown', () => {
	let running: RunningApp | undefined;
	let child: ChildProcess | undefined;
	let data: TestDataDir | undefined;
	afterEach(async () => {
		await running?.close();
		running = undefined;
		if (child?.exitCode === null) {
			child.kill('SIGKILL');
		}
		child = undefined;
		data?.remove();
		data = undefined;
	});

	it('app.close() completes while a socket is connected, and the client is told why', async () => {
		running = await startApp();
		const client = await running.connect();
		await ask(client, 'echo:start', {});
		const notice = new Promise((resolve) => client.once('server:shutting-down', resolve));
		const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
		await running.close();
		expect(await notice).toEqual({ reconnectAfterMs: 3000 });
		expect(await disconnected).toBe('io server disconnect');
		expect(running.app.workerPool.closed).toBe(true);
	});

	it('SIGTERM stops the real server process: sockets, workers and database closed, exit code 0', async () => {
		expect(existsSync(BUNDLE), 'run the setup first: dist/server/server.mjs').toBe(true);
		data = migratedDataDir();
		child = spawn(process.execPath, [BUNDLE], { env: testEnv(data.dir, { LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
		await expect.poll(() => /GiaoBan is running: http:\/\/127\.0\.0\.1:(\d+)\//.exec(output), { timeout: 20000 }).not.toBeNull();
		const port = /GiaoBan is running: http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)![1];

		const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { mediasoup: { workers: { pid: number }[] } };
		const workerPids = ready.mediasoup.workers.map((w) => w.pid);
		expect(workerPids).toHaveLength(2);

		const client = io(`http://127.0.0.1:${port}`, { auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false });
		await new Promise<void>((resolve, reject) => {
			client.once('connect', () => resolve());
			client.once('connect_error', reject);
		});
		await ask(client, 'echo:start', {});
		const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));

		child.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(await disconnected).toBe('io server disconnect');
		expect(output).toContain('shutting down');
		await expect.poll(() => workerPids.filter(alive), { timeout: 5000 }).toEqual([]);
		// SQLite checkpointed and removed its WAL on a clean close.
		expect(existsSync(join(data.dir, 'giaoban.db-wal'))).toBe(false);
		client.close();
	});
});
