import { Type, type TSchema, type TUnsafe } from 'typebox';

/**
 * A request schema and the schema of the data its successful ack carries. The request schemas
 * are the single source of truth: event types are derived from them, and the server compiles
 * them to validate every inbound payload.
 */
export type RequestSpec = { request: TSchema; response: TSchema };

export function defineRequests<const T extends Record<string, RequestSpec>>(specs: T): T {
	return specs;
}

export function defineNotifications<const T extends Record<string, TSchema>>(specs: T): T {
	return specs;
}

/**
 * A mediasoup structure (RTP parameters, capabilities, DTLS parameters) checked only for being an
 * object here: mediasoup validates its content deeply and throws TypeError, which the server
 * reports as invalid_payload.
 */
export function Opaque<T>(description: string): TUnsafe<T> {
	return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description }));
}

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const Empty = Type.Object({}, { additionalProperties: false });
