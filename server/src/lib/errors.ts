import type { ErrorCode, ErrorReason } from '#shared/protocol/index.ts';

/** `reason`: the finer cause a client translates; `field`: the input field at fault (a form shows the message beside it). */
export type AppErrorOptions = ErrorOptions & { reason?: ErrorReason; field?: string };

/**
 * An error the client may see: its code and message are sent as they are. Any other thrown value
 * becomes `internal` with the message hidden (see toAckError and the HTTP error handler).
 */
export class AppError extends Error {
	readonly code: ErrorCode;
	readonly statusCode: number;
	readonly reason: ErrorReason | undefined;
	readonly field: string | undefined;

	constructor(code: ErrorCode, message: string, statusCode: number, options?: AppErrorOptions) {
		super(message, options);
		this.name = new.target.name;
		this.code = code;
		this.statusCode = statusCode;
		this.reason = options?.reason;
		this.field = options?.field;
	}
}

export class InvalidPayloadError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('invalid_payload', message, 400, options);
	}
}

export class UnauthorizedError extends AppError {
	constructor(message = 'Sign in first', options?: AppErrorOptions) {
		super('unauthorized', message, 401, options);
	}
}

export class ForbiddenError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('forbidden', message, 403, options);
	}
}

export class NotFoundError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('not_found', message, 404, options);
	}
}

export class InvalidStateError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('invalid_state', message, 409, options);
	}
}

export class RateLimitedError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('rate_limited', message, 429, options);
	}
}

export class UnavailableError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('unavailable', message, 503, options);
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
