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

/**
 * An external program (ffmpeg, whisper.cpp) that ended with a non-zero exit code or a signal. Not
 * an AppError: a background job records the message, no client request sees it.
 */
export class ProgramFailedError extends Error {
	readonly program: string;
	readonly exitCode: number | null;
	readonly signal: string | null;
	readonly stderrTail: string;

	constructor(program: string, exitCode: number | null, signal: string | null, stderrTail: string) {
		const how = exitCode === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${exitCode}`;
		const tail = stderrTail.trim();
		super(`${program} ${how}${tail ? `: ${tail.slice(-500)}` : ''}`);
		this.name = 'ProgramFailedError';
		this.program = program;
		this.exitCode = exitCode;
		this.signal = signal;
		this.stderrTail = stderrTail;
	}
}
