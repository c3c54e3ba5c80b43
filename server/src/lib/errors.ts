import type { ErrorCode } from '#shared/protocol/index.ts';

/**
 * An error the client may see: its code and message are sent as they are. Any other thrown value
 * becomes `internal` with the message hidden (see toAckError and the HTTP error handler).
 */
export class AppError extends Error {
	readonly code: ErrorCode;
	readonly statusCode: number;

	constructor(code: ErrorCode, message: string, statusCode: number, options?: ErrorOptions) {
		super(message, options);
		this.name = new.target.name;
		this.code = code;
		this.statusCode = statusCode;
	}
}

export class InvalidPayloadError extends AppError {
	constructor(message: string, options?: ErrorOptions) {
		super('invalid_payload', message, 400, options);
	}
}

export class UnauthorizedError extends AppError {
	constructor(message = 'Sign in first') {
		super('unauthorized', message, 401);
	}
}

export class ForbiddenError extends AppError {
	constructor(message: string) {
		super('forbidden', message, 403);
	}
}

export class NotFoundError extends AppError {
	constructor(message: string) {
		super('not_found', message, 404);
	}
}

export class InvalidStateError extends AppError {
	constructor(message: string) {
		super('invalid_state', message, 409);
	}
}

export class RateLimitedError extends AppError {
	constructor(message: string) {
		super('rate_limited', message, 429);
	}
}

export class UnavailableError extends AppError {
	constructor(message: string) {
		super('unavailable', message, 503);
	}
}

/** Configuration that cannot start the server; the message names the variable. */
export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}
