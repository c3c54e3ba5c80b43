import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../server/src/app.ts';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/src/protocol/index.ts';
import { migratedDataDir, testConfig, type TestDataDir } from './test-env.ts';

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export type RunningApp = {
	app: FastifyInstance;
	url: string;
	dataDir: string;
	/**
	 * A socket like the web client's: with a `cookie` header and no `auth`, the handshake carries that
	 * session's CSRF token (read from GET /api/auth/session), as the browser's does. Pass `auth` to
	 * send exactly that instead.
	 */
	connect: (auth?: object, headers?: Record<string, string>) => Promise<TestClient>;
	/** What the server printed for the operator's console (the first-run setup link), instead of stdout. */
	printed: string[];
	/** Closes clients, the app (workers, sockets, database) and removes the data folder; idempotent. */
	close: () => Promise<void>;
};

export type StartOptions = {
	/** An existing data folder to start on (a restart); close() leaves it for the caller to remove. */
	dataDir?: string;
};

async function listening(overrides: Record<string, string>, options: StartOptions, printed: string[]): Promise<{ app: FastifyInstance; data: TestDataDir }> {
	const data = options.dataDir === undefined ? migratedDataDir() : { dir: options.dataDir, remove: () => undefined };
	const app = await buildApp(testConfig(data.dir, overrides), { logger: { level: 'silent' }, print: (text) => printed.push(text) });
	try {
		await app.listen({ host: '127.0.0.1', port: 0 });
		return { app, data };
	} catch (error) {
		await app.close();
		data.remove();
		throw error;
	}
}

/** `{ csrfToken }` of the session a cookie header names, or nothing when it names none. */
async function csrfOf(app: FastifyInstance, cookie: string | undefined): Promise<{ csrfToken?: string }> {
	if (!cookie) {
		return {};
	}
	const response = await app.inject({ url: '/api/auth/session', headers: { cookie } });
	return response.statusCode === 200 ? { csrfToken: response.json<{ csrfToken: string }>().csrfToken } : {};
}

/**
 * Builds the real application on a migrated copy of the database and listens on a free port. The
 * WebRTC ports are random; another process may hold one, so a start on a taken port is retried
 * on new random ports (unless the test chose RTC_PORT).
 */
export async function startApp(overrides: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningApp> {
	let started: { app: FastifyInstance; data: TestDataDir } | undefined;
	const printed: string[] = [];
	for (let attempt = 1; !started; attempt += 1) {
		try {
			started = await listening(overrides, options, printed);
		} catch (error) {
			if (attempt >= 3 || overrides['RTC_PORT'] || !String(error).includes('address already in use')) {
				throw error;
			}
		}
	}
	const { app, data } = started;
	const clients: TestClient[] = [];
	let closed = false;
	const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
	return {
		app,
		url,
		dataDir: data.dir,
		printed,
		connect: async (auth, headers = {}) => {
			const handshake = auth ?? { protocolVersion: PROTOCOL_VERSION, ...(await csrfOf(app, headers['cookie'])) };
			return new Promise((resolve, reject) => {
				const client: TestClient = io(url, { auth: handshake, extraHeaders: headers, transports: ['websocket'], reconnection: false, forceNew: true });
				clients.push(client);
				client.once('connect', () => resolve(client));
				client.once('connect_error', reject);
			});
		},
		close: async () => {
			if (closed) {
				return;
			}
			closed = true;
			// Server first: clients still connected is the case shutdown must handle.
			await app.close();
			clients.forEach((client) => client.close());
			data.remove();
		},
	};
}

/** Emits a request and resolves with the ack, failing the test if none comes. */
export function ask<T = unknown>(client: TestClient, event: string, payload: unknown, timeoutMs = 10000): Promise<T> {
	const emitter = client.timeout(timeoutMs) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<T> };
	return emitter.emitWithAck(event, payload);
}

/** Resolves with the next `event` payload that satisfies `match`. */
export function nextEvent<T>(client: TestClient, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 10000): Promise<T> {
	return new Promise((resolve, reject) => {
		const socket = client as unknown as { on: (e: string, l: (p: T) => void) => void; off: (e: string, l: (p: T) => void) => void };
		const timer = setTimeout(() => {
			socket.off(event, listener);
			reject(new Error(`no ${event} within ${timeoutMs} ms`));
		}, timeoutMs);
		const listener = (payload: T): void => {
			if (match(payload)) {
				clearTimeout(timer);
				socket.off(event, listener);
				resolve(payload);
			}
		};
		socket.on(event, listener);
	});
}
