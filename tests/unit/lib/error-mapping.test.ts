import { describe, expect, it, vi } from 'vitest';
import { ForbiddenError, InvalidStateError } from '../../../server/src/lib/errors.ts';
import { toPublicError } from '../../../server/src/lib/error-mapping.ts';

describe('toPublicError', () => {
	const log = { error: vi.fn() };

	it('passes an AppError code, message and status through', () => {
		expect(toPublicError(new ForbiddenError('not your meeting'), log)).toEqual({
			statusCode: 403,
			error: { code: 'forbidden', message: 'not your meeting' },
		});
		expect(toPublicError(new InvalidStateError('join first'), log).error.code).toBe('invalid_state');
	});

	it('reports mediasoup TypeErrors (bad RTP/DTLS input) as invalid_payload', () => {
		expect(toPublicError(new TypeError('invalid codec'), log)).toEqual({
			statusCode: 400,
			error: { code: 'invalid_payload', message: 'invalid codec' },
		});
	});

	it('hides the message of anything else and logs it', () => {
		const result = toPublicError(new Error('SQLITE_CORRUPT at /secret/path'), log);
		expect(result).toEqual({ statusCode: 500, error: { code: 'internal', message: 'Internal server error' } });
		expect(log.error).toHaveBeenCalledOnce();
	});
});
