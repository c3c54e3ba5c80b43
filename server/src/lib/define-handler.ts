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
import { RateLimitedError } from './errors.ts';
import { toPublicError } from './error-mapping.ts';
import { SerialQueue } from './serial-queue.ts';

// Compiled once per process: validation runs on every inbound message.
const validators = new Map<string, Validator>(
	Object.entries(clientRequests).map(([name, spec]): [string, Validator] => [name, Compile(spec.request)])
);

/** Sustained requests per second and burst a socket may send; signalling needs a few per second. */
const RATE = 20;
const BURST = 60;

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
	return errors.map((e) => `${e.instancePath || '(payload)'} ${e.message}`).join('; ');
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
		if (typeof ack !== 'function') {
			socket.data.log.warn({ event }, 'request without ack callback ignored');
			return;
		}
		const reply = ack as (response: unknown) => void;
		if (!takeToken(socket)) {
			const { error } = toPublicError(new RateLimitedError('Too many requests; slow down'), socket.data.log);
			reply({ ok: false, error });
			return;
		}
		if (!validator.Check(payload)) {
			reply(fail('invalid_payload', `${event}: ${describeErrors(validator, payload)}`));
			return;
		}
		await push(socket, async () => {
			try {
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

/** Answers requests for events no feature handles, instead of leaving the client waiting. */
export function rejectUnknownEvents(socket: AppSocket): void {
	socket.onAny((event: string, ...args: unknown[]) => {
		if (validators.has(event)) {
			return;
		}
		const ack = args.at(-1);
		if (typeof ack === 'function') {
			(ack as (response: unknown) => void)(fail('invalid_payload', `unknown event "${event}"`));
		}
	});
}
