import { describe, expect, it } from 'vitest';
import { findUnsafeText } from '../../../server/src/lib/unsafe-text.ts';

describe('findUnsafeText', () => {
	it('names the first field with NUL or a lone surrogate, and passes real Vietnamese and emoji', () => {
		expect(findUnsafeText({ title: 'Giao ban xã Đồng Thịnh 👍', agenda: [{ title: 'ok' }, { title: 'a\u0000b' }] })).toBe('/agenda/1/title');
		expect(findUnsafeText({ note: 'x\uD800' })).toBe('/note');
		expect(findUnsafeText({ note: '\uDC00x' })).toBe('/note');
		expect(findUnsafeText({ ['k\uD83D']: 'v' })).toBe('/k?');
		expect(findUnsafeText({ title: 'Đồng Thịnh 👍', n: 1, b: true, z: null })).toBeNull();
	});

	it('counts nesting deeper than any payload of ours as unsafe instead of skipping it', () => {
		let deep: unknown = 'clean';
		for (let i = 0; i < 40; i += 1) {
			deep = { x: deep };
		}
		expect(findUnsafeText({ dtlsParameters: deep })).not.toBeNull();
		let shallow: unknown = 'clean';
		for (let i = 0; i < 10; i += 1) {
			shallow = { x: shallow };
		}
		expect(findUnsafeText({ dtlsParameters: shallow })).toBeNull();
	});
});
