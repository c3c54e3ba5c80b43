import { Compile, type Validator } from 'typebox/compile';
import {
	clientRequests,
	fail,
	ok,
	type RequestName,
	type RequestOf,
	type ResponseOf,
} from '#shared/protocol/index.ts';
import type { AppSocket } from '../plugins/app/socket-io.ts';
import { toPublicError, validationField } from './error-mapping.ts';
import { SerialQueue } from './serial-queue.ts';
import { findUnsafeText } from './unsafe-text.ts';

// Compiled once per process: validation runs on every inbound message.
const validators = new Map<string, Validator>(
	Object.entries(clientRequests).map(([name, spec]): [string, Validator] => [name, Compile(spec.request)])
);

/** Sustained requests per second and burst a socket may send; signalling needs a few per second. */
const RATE = 20;
const BURST = 60;

/** Longest client-chosen name (event, field path) echoed back or logged: it may be as long as the message. */
const MAX_ECHOED_NAME = 64;

function shortName(value: unknown): string {
	const name = String(value);
	return name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name;
}

const noted = new WeakMap<AppSocket, Set<string>>();

/**
 * Logs a client's protocol misuse the first time only: a socket repeating it must not be able to
 * write a log line per message (the rate limit bounds the messages, not the log).
 */
function noteOnce(socket: AppSocket, kind: string, event: unknown): void {
	let kinds = noted.get(socket);
	if (!kinds) {
		kinds = new Set();
		noted.set(socket, kinds);
	}
	if (!kinds.has(kind)) {
		kinds.add(kind);
		socket.data.log.warn({ event: shortName(event) }, `${kind}; further ones from this socket are not logged`);
	}
}

function rateLimited(): ReturnType<typeof fail> {
	return fail('rate_limited', 'Too many requests; slow down');
}

function takeToken(socket: AppSocket): boolean {
	const now = Date.now();
	const bucket = socket.data.bucket ?? { tokens: BURST, updatedAt: now };
	bucket.tokens = Math.min(BURST, bucket.tokens + ((now - bucket.updatedAt) / 1000) * RATE);
	bucket.updatedAt = now;
	socket.data.bucket = bucket;
	if (bucket.tokens < 1) {
		return false;
	}
	bucket.tokens -= 1;
	return true;
}

function describeErrors(validator: Validator, payload: unknown): string {
	const errors = validator.Errors(payload).slice(0, 3);
	if (errors.length === 0) {
		return 'payload does not match the schema';
	}
	return errors.map((e) => `${shortName(e.instancePath || '(payload)')} ${e.message}`).join('; ');
}

const queues = new WeakMap<AppSocket, SerialQueue>();
/** Queues with work in them, so that shutdown can wait for the cleanup of disconnected sockets. */
const busy = new Set<SerialQueue>();

/**
 * Every request of one socket runs after the previous one finished, as the client sent them: a
 * room:join still awaiting the database cannot be overtaken by the same window's leave or
 * second join, and a disconnect is handled after everything the socket asked before it.
 */
function queueOf(socket: AppSocket): SerialQueue {
	let queue = queues.get(socket);
	if (!queue) {
		queue = new SerialQueue();
		queues.set(socket, queue);
	}
	return queue;
}

function push<T>(socket: AppSocket, task: () => Promise<T> | T): Promise<T> {
	const queue = queueOf(socket);
	busy.add(queue);
	return queue.push(task).finally(() => {
		if (queue.pending === 0) {
			busy.delete(queue);
		}
	});
}

/** Runs `task` when the socket disconnects, after the requests it sent before; errors are logged. */
export function onDisconnect(socket: AppSocket, task: () => Promise<void> | void): void {
	socket.on('disconnect', () => {
		push(socket, task).catch((error: unknown) => socket.data.log.error({ err: error }, 'cleanup after disconnect failed'));
	});
}

/** How long a caller waits for a disconnected socket's pending work (settleSocket). */
const SETTLE_TIMEOUT_MS = 5000;

/**
 * Resolves once the requests and disconnect cleanup this socket queued so far have finished. Never
 * await it from inside one of the socket's own requests: that request is in the queue it waits for.
 */
export async function settleSocket(socket: AppSocket, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
	const queue = queues.get(socket);
	if (!queue) {
		return;
	}
	// Bounded: a request stuck on a worker that never answers must not hold a sign-out forever.
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<void>((resolve) => {
		timer = setTimeout(() => {
			socket.data.log.warn({ timeoutMs }, 'socket cleanup still pending; carrying on');
			resolve();
		}, timeoutMs);
	});
	await Promise.race([queue.drain(), late]).finally(() => clearTimeout(timer));
}

/** Resolves once every socket's requests and disconnect cleanups received so far have finished. */
export async function drainSocketQueues(): Promise<void> {
	while (busy.size > 0) {
		const queues = [...busy];
		await Promise.allSettled(queues.map((queue) => queue.drain()));
		for (const queue of queues) {
			if (queue.pending === 0) {
				busy.delete(queue);
			}
		}
	}
}

/**
 * Whether the socket's session (if it was opened with one) still stands: sign-out elsewhere,
 * expiry, a password change or a disabled account end it, and the socket must stop acting for it
 * even if the disconnect that follows those is missed.
 */
async function sessionStands(socket: AppSocket): Promise<boolean> {
	const check = socket.data.sessionCheck;
	return check === undefined || (await check());
}

/**
 * Registers a request handler: the payload is validated against the event's schema from
 * shared/, the result or error is sent in the ack, and errors are mapped in one place.
 */
export function onRequest<K extends RequestName>(
	socket: AppSocket,
	event: K,
	handler: (payload: RequestOf<K>) => Promise<ResponseOf<K>>
): void {
	const validator = validators.get(event);
	if (!validator) {
		throw new TypeError(`no schema for socket event "${event}"`);
	}
	const listener = async (payload: unknown, ack: unknown): Promise<void> => {
		// Every message costs a token, answered or not: a client cannot flood by leaving out the ack.
		const allowed = takeToken(socket);
		if (typeof ack !== 'function') {
			noteOnce(socket, 'request without ack callback ignored', event);
			return;
		}
		const reply = ack as (response: unknown) => void;
		if (!allowed) {
			reply(rateLimited());
			return;
		}
		if (!validator.Check(payload)) {
			const field = validationField(validator.Errors(payload).slice(0, 1));
			reply(fail('invalid_payload', `${event}: ${describeErrors(validator, payload)}`, field ? { field } : {}));
			return;
		}
		const unsafe = findUnsafeText(payload);
		if (unsafe !== null) {
			reply(fail('invalid_payload', `${event}: ${shortName(unsafe)} holds a NUL character or an unpaired UTF-16 surrogate`));
			return;
		}
		await push(socket, async () => {
			try {
				// Asked in the queue, right before the handler: the session may end while earlier
				// requests of the socket run.
				if (!(await sessionStands(socket))) {
					reply(fail('unauthorized', 'Your session has ended; sign in again'));
					socket.disconnect(true);
					return;
				}
				reply(ok(await handler(payload as RequestOf<K>)));
			} catch (error) {
				reply({ ok: false, error: toPublicError(error, socket.data.log).error });
			}
		});
	};
	(socket as unknown as { on: (e: string, l: (...args: unknown[]) => void) => void }).on(event, (payload, ack) => {
		void listener(payload, ack);
	});
}

/**
 * Answers requests for events no feature handles, instead of leaving the client waiting. They
 * cost a rate-limit token like any request, and are not logged one by one.
 */
export function rejectUnknownEvents(socket: AppSocket): void {
	socket.onAny((event: unknown, ...args: unknown[]) => {
		if (typeof event === 'string' && validators.has(event)) {
			return;
		}
		const allowed = takeToken(socket);
		const ack = args.at(-1);
		if (typeof ack !== 'function') {
			noteOnce(socket, 'unknown event without ack callback ignored', event);
			return;
		}
		const reply = ack as (response: unknown) => void;
		if (!allowed) {
			reply(rateLimited());
			return;
		}
		noteOnce(socket, 'unknown event refused', event);
		reply(fail('invalid_payload', `unknown event "${shortName(event)}"`));
	});
}
