import { io, type Socket } from 'socket.io-client';
import {
	PROTOCOL_VERSION,
	type ClientToServerEvents,
	type AckError,
	type ErrorCode,
	type ErrorReason,
	type HandshakeAuth,
	type RequestName,
	type RequestOf,
	type ResponseOf,
	type ServerToClientEvents,
} from '#shared/protocol/index.ts';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A request the server answered with { ok: false }, or that timed out ('unavailable'). */
export class RequestError extends Error {
	readonly code: ErrorCode;
	readonly reason: ErrorReason | undefined;
	readonly field: string | undefined;

	constructor(code: ErrorCode, message: string, detail: { reason?: ErrorReason | undefined; field?: string | undefined } = {}) {
		super(message);
		this.name = 'RequestError';
		this.code = code;
		this.reason = detail.reason;
		this.field = detail.field;
	}
}

/**
 * Opens the page's socket. `csrfToken` is the signed-in session's ('' when signed out): the server
 * acts for the session cookie only when the handshake carries its token, so a socket opened before
 * sign-in, or with another session's token, is anonymous.
 */
export function connectSocket(csrfToken: string): AppSocket {
	const auth: HandshakeAuth = csrfToken === '' ? { protocolVersion: PROTOCOL_VERSION } : { protocolVersion: PROTOCOL_VERSION, csrfToken };
	return io({ auth, transports: ['websocket', 'polling'] });
}

const REQUEST_TIMEOUT_MS = 10000;

/** Sends a request and resolves with its ack data, or rejects with a RequestError. */
export async function request<K extends RequestName>(socket: AppSocket, event: K, payload: RequestOf<K>): Promise<ResponseOf<K>> {
	let response: { ok: true; data: ResponseOf<K> } | { ok: false; error: AckError };
	try {
		// The generic event name defeats socket.io's overloads; the protocol types still hold.
		const timed = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as {
			emitWithAck: (e: K, p: RequestOf<K>) => Promise<typeof response>;
		};
		response = await timed.emitWithAck(event, payload);
	} catch {
		throw new RequestError('unavailable', `${event}: no answer from the server`);
	}
	if (!response.ok) {
		throw new RequestError(response.error.code, response.error.message, { reason: response.error.reason, field: response.error.field });
	}
	return response.data;
}
