import { describe, expect, it, vi } from 'vitest';
import { types as mediasoupTypes } from 'mediasoup';
import { ForbiddenError, InvalidPayloadError, InvalidStateError } from '../../../server/src/lib/errors.ts';
import { toPublicError, validationField } from '../../../server/src/lib/error-mapping.ts';

describe('toPublicError', () => {
	const log = { error: vi.fn() };

	it('passes an AppError code, message and status through', () => {
		expect(toPublicError(new ForbiddenError('not your meeting'), log)).toEqual({
			statusCode: 403,
			error: { code: 'forbidden', message: 'not your meeting' },
		});
		expect(toPublicError(new InvalidStateError('join first'), log).error.code).toBe('invalid_state');
	});

	it('sends the reason and field of an AppError, and no empty keys when it has none', () => {
		expect(toPublicError(new InvalidPayloadError('endsAt must be after startsAt', { reason: 'ends_before_start', field: 'endsAt' }), log).error).toEqual({
			code: 'invalid_payload',
			message: 'endsAt must be after startsAt',
			reason: 'ends_before_start',
			field: 'endsAt',
		});
		expect(Object.keys(toPublicError(new ForbiddenError('no'), log).error)).toEqual(['code', 'message']);
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

describe('validationField', () => {
	it('names the first failing input of an Ajv or TypeBox error list', () => {
		expect(validationField([{ instancePath: '/endsAt', keyword: 'format', params: {} }])).toBe('endsAt');
		expect(validationField([{ instancePath: '/agenda/0/title', keyword: 'maxLength', params: {} }])).toBe('agenda/0/title');
		expect(validationField([{ instancePath: '', keyword: 'required', params: { missingProperty: 'title' } }])).toBe('title');
		expect(validationField([{ instancePath: '/agenda/1', keyword: 'required', params: { requiredProperties: ['presenter'] } }])).toBe('agenda/1/presenter');
	});

	it('names none for the whole body, no errors, or a path too long to echo', () => {
		expect(validationField([{ instancePath: '', keyword: 'type', params: {} }])).toBeUndefined();
		expect(validationField(undefined)).toBeUndefined();
		expect(validationField([{ instancePath: `/${'x'.repeat(100)}`, keyword: 'type', params: {} }])).toBeUndefined();
	});
});
