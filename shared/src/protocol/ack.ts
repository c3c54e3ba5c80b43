/** Machine-readable error codes carried by socket acks and HTTP error bodies. */
export const ERROR_CODES = [
	'invalid_payload',
	'unauthorized',
	'forbidden',
	'not_found',
	'invalid_state',
	'conflict',
	'rate_limited',
	'payload_too_large',
	'unavailable',
	'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type AckError = { code: ErrorCode; message: string };

/** Every client→server request is answered with exactly one Ack. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

export function ok<T>(data: T): Ack<T> {
	return { ok: true, data };
}

export function fail(code: ErrorCode, message: string): Ack<never> {
	return { ok: false, error: { code, message } };
}
