import { describe, expect, it, vi } from 'vitest';
import { types as mediasoupTypes } from 'mediasoup';
import { ForbiddenError, InvalidPayloadError, InvalidStateError } from '../../../server/src/lib/errors.ts';
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

	it('treats a TypeError as our bug: logged, answered internal without its message', () => {
		log.error.mockClear();
		expect(toPublicError(new TypeError("Cannot read properties of undefined (reading 'peer')"), log)).toEqual({
			statusCode: 500,
			error: { code: 'internal', message: 'Internal server error' },
		});
		expect(log.error).toHaveBeenCalledOnce();
	});

	it("maps mediasoup's InvalidStateError (its worker died under the request) to unavailable without logging", () => {
		log.error.mockClear();
		expect(toPublicError(new mediasoupTypes.InvalidStateError('Channel closed'), log)).toEqual({
			statusCode: 503,
			error: { code: 'unavailable', message: 'The media server restarted; try again' },
		});
		expect(log.error).not.toHaveBeenCalled();
	});

	it('reports bad RTP/DTLS input caught at the Peer as invalid_payload', () => {
		expect(toPublicError(new InvalidPayloadError('invalid codec'), log).error).toEqual({ code: 'invalid_payload', message: 'invalid codec' });
	});

	it('hides the message of anything else and logs it', () => {
		log.error.mockClear();
		const result = toPublicError(new Error('SQLITE_CORRUPT at /secret/path'), log);
		expect(result).toEqual({ statusCode: 500, error: { code: 'internal', message: 'Internal server error' } });
		expect(log.error).toHaveBeenCalledOnce();
	});
});
