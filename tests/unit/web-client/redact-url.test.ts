import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../server/src/features/web-client/redact-url.ts';

describe('redactUrl', () => {
	it('hides the segment after /join/ and token query values', () => {
		expect(redactUrl('/join/abc_DEF-123')).toBe('/join/[redacted]');
		expect(redactUrl('/join/abc/x?y=1')).toBe('/join/[redacted]/x?y=1');
		expect(redactUrl('/a/join/abc')).toBe('/a/join/[redacted]');
		expect(redactUrl('/api/x?token=abc&b=2&invitationToken=def')).toBe('/api/x?token=[redacted]&b=2&invitationToken=[redacted]');
		expect(redactUrl('/api/x?TOKEN=abc&%69nvitationtoken=def')).toBe('/api/x?TOKEN=[redacted]&%69nvitationtoken=[redacted]');
		expect(redactUrl('/api/x?token')).toBe('/api/x?token=[redacted]');
	});

	it('hides the segment after /password-reset/, also when the path is percent-encoded', () => {
		expect(redactUrl('/password-reset/abc_DEF-123')).toBe('/password-reset/[redacted]');
		expect(redactUrl('/api/password-reset/abc_DEF-123?x=1')).toBe('/api/password-reset/[redacted]?x=1');
		expect(redactUrl('/api/password%2Dreset/abc')).toBe('/api/password-reset/[redacted]');
		expect(redactUrl('/%6Aoin/abc%zz')).toBe('/join/[redacted]');
		expect(redactUrl('/API/Password-Reset/abc')).toBe('/API/Password-Reset/[redacted]');
	});

	it('leaves other URLs alone', () => {
		for (const url of ['/', '/join', '/join/', '/password-reset', '/setup', '/api/meetings/%C3%A1?q=%20', '/api/meetings?from=2026-01-01', '/api/x?tokens=1&%zz=2', '/joined/abc']) {
			expect(redactUrl(url)).toBe(url);
		}
	});
});
