import { types as mediasoupTypes } from 'mediasoup';
import type { AckError, ErrorCode } from '#shared/protocol/index.ts';
import { AppError } from './errors.ts';

type Logger = { error: (obj: object, msg: string) => void };

/**
 * The one place where thrown values become what a client sees, for socket acks and HTTP replies.
 * Bad client input is refused as an AppError where it is checked (schemas, and the Peer for the
 * RTP/DTLS structures mediasoup validates), so any other TypeError is our bug: logged, and
 * answered `internal` without its message.
 */
export function toPublicError(error: unknown, log: Logger): { statusCode: number; error: AckError } {
	if (error instanceof AppError) {
		return { statusCode: error.statusCode, error: { code: error.code, message: error.message } };
	}
	// mediasoup 3.12 raises InvalidStateError only when its channel to the worker closed: the worker
	// died. The pool replaces it and the meeting moves to a new room, so the client may try again.
	if (error instanceof mediasoupTypes.InvalidStateError) {
		return { statusCode: 503, error: { code: 'unavailable', message: 'The media server restarted; try again' } };
	}
	log.error({ err: error }, 'unexpected error');
	return { statusCode: 500, error: { code: 'internal', message: 'Internal server error' } };
}

/** Codes for the 4xx errors Fastify raises itself (validation, body limit, malformed JSON). */
export function fastifyErrorCode(error: { statusCode?: number; validation?: unknown }): ErrorCode {
	switch (error.statusCode ?? 400) {
		case 401: {
			return 'unauthorized';
		}
		case 403: {
			return 'forbidden';
		}
		case 404: {
			return 'not_found';
		}
		case 413: {
			return 'payload_too_large';
		}
		case 429: {
			return 'rate_limited';
		}
		default: {
			return 'invalid_payload';
		}
	}
}
