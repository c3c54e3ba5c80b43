import { Type, type Static } from 'typebox';
import { ERROR_CODES, ERROR_REASONS } from '../protocol/ack.ts';

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });

/**
 * The body of every HTTP error reply: the same codes and messages as a failed socket ack. The
 * message is English, for logs and API users; a client shows `reason` (else `code`) in its
 * user's language, beside the input `field` names when there is one.
 */
export const ApiError = Type.Object({
	code: Type.Enum(ERROR_CODES),
	message: Type.String(),
	reason: Type.Optional(Type.Enum(ERROR_REASONS)),
	field: Type.Optional(Type.String()),
});
export type ApiError = Static<typeof ApiError>;
