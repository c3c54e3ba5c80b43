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
		return {
			statusCode: error.statusCode,
			error: {
				code: error.code,
				message: error.message,
				...(error.reason ? { reason: error.reason } : {}),
				...(error.field ? { field: error.field } : {}),
			},
		};
	}
	// mediasoup 3.12 raises InvalidStateError only when its channel to the worker closed: the worker
	// died. The pool replaces it and the meeting moves to a new room, so the client may try again.
	if (error instanceof mediasoupTypes.InvalidStateError) {
		return { statusCode: 503, error: { code: 'unavailable', message: 'The media server restarted; try again' } };
	}
	log.error({ err: error }, 'unexpected error');
	return { statusCode: 500, error: { code: 'internal', message: 'Internal server error' } };
}

/** Longest field path sent back: it comes from the client's own input and may be as long as it. */
const MAX_FIELD = 64;

/**
 * The input a schema refused, as AckError.field ("endsAt", "agenda/0/title"): the first failing
 * path, or the missing property for `required`. Undefined when the whole body is at fault.
 */
export function validationField(errors: readonly { instancePath?: string; keyword?: string; params?: unknown }[] | undefined): string | undefined {
	const first = errors?.[0];
	if (!first) {
		return undefined;
	}
	// Ajv (HTTP schemas) names the missing property in missingProperty, TypeBox (socket) in requiredProperties.
	const params = first.keyword === 'required' ? (first.params as { missingProperty?: unknown; requiredProperties?: unknown[] } | undefined) : undefined;
	const missing = params?.missingProperty ?? params?.requiredProperties?.[0];
	const path = [first.instancePath ?? '', typeof missing === 'string' ? missing : ''].join('/');
	const field = path.split('/').filter(Boolean).join('/');
	return field === '' || field.length > MAX_FIELD ? undefined : field;
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
