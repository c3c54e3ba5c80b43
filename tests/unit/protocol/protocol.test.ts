import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { clientRequests, EVENT_NAME_PATTERN, serverNotifications } from '../../../shared/src/protocol/index.ts';

describe('socket protocol', () => {
	it('names every event noun:verb in lower case (event names are public API)', () => {
		const names = [...Object.keys(clientRequests), ...Object.keys(serverNotifications)];
		expect(names.length).toBeGreaterThan(5);
		for (const name of names) {
			expect(name).toMatch(EVENT_NAME_PATTERN);
		}
	});

	it('rejects unknown fields in every request', () => {
		for (const [name, spec] of Object.entries(clientRequests)) {
			const validator = Compile(spec.request);
			expect(validator.Check({ unexpected: true }), name).toBe(false);
		}
	});

	it('accepts a well-formed producer request and rejects a wrong kind or source', () => {
		const validator = Compile(clientRequests['producer:create'].request);
		const good = { kind: 'video', source: 'camera', rtpParameters: { codecs: [] } };
		expect(validator.Check(good)).toBe(true);
		expect(validator.Check({ ...good, kind: 'data' })).toBe(false);
		expect(validator.Check({ ...good, source: 'desktop' })).toBe(false);
		expect(validator.Check({ ...good, rtpParameters: 'x' })).toBe(false);
	});

	it('bounds ids so a client cannot send megabyte strings as ids', () => {
		const validator = Compile(clientRequests['consumer:resume'].request);
		expect(validator.Check({ consumerId: 'a'.repeat(64) })).toBe(true);
		expect(validator.Check({ consumerId: 'a'.repeat(65) })).toBe(false);
		expect(validator.Check({ consumerId: '../../etc' })).toBe(false);
	});
});
