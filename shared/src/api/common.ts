import { Type, type Static } from 'typebox';
import { ERROR_CODES } from '../protocol/ack.ts';

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });

/** The body of every HTTP error reply: the same codes and messages as a failed socket ack. */
export const ApiError = Type.Object({ code: Type.Enum(ERROR_CODES), message: Type.String() });
export type ApiError = Static<typeof ApiError>;
