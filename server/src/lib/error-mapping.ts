import type { AckError, ErrorCode } from '#shared/protocol/index.ts';
import { AppError } from './errors.ts';

type Logger = { error: (obj: object, msg: string) => void };

/**
 * The one place where thrown values become what a client sees, for socket acks and HTTP replies.
 * mediasoup validates the RTP/DTLS structures it is given and throws TypeError for bad ones,
 * so a TypeError raised while handling a request is the client's bad input.
 */
export function toPublicError(error: unknown, log: Logger): { statusCode: number; error: AckError } {
	if (error instanceof AppError) {
		return { statusCode: error.statusCode, error: { code: error.code, message: error.message } };
	}
	if (error instanceof TypeError) {
		return { statusCode: 400, error: { code: 'invalid_payload', message: error.message } };
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
