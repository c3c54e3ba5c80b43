import { describe, expect, it } from 'vitest';
import { publicOrigin, trustedRequestOrigin, UntrustedHostError, type OriginConfig } from '../../../server/src/lib/public-origin.ts';

const config: OriginConfig = {
	publicUrl: null,
	allowedOrigins: ['https://giaoban.example.vn'],
	host: '0.0.0.0',
	mediasoup: { announcedAddress: '192.0.2.10' },
};
const at = (host: string, protocol = 'http') => ({ protocol, host });

describe('publicOrigin', () => {
	it('is PUBLIC_URL whenever that is set', () => {
		expect(publicOrigin(at('evil.example'), { ...config, publicUrl: 'https://giaoban.songlo.gov.vn' })).toBe('https://giaoban.songlo.gov.vn');
	});

	it('otherwise takes the request origin for loopback, own addresses and ALLOWED_ORIGINS', () => {
		for (const [host, protocol] of [
			['localhost', 'http'],
			['localhost:5173', 'http'],
			['app.localhost:8080', 'http'],
			['127.0.0.1:8080', 'http'],
			['127.8.9.10', 'http'],
			['[::1]:8080', 'http'],
			['192.0.2.10:8080', 'http'],
			['giaoban.example.vn', 'https'],
			['GIAOBAN.example.vn:443', 'https'],
		] as const) {
			expect(trustedRequestOrigin(at(host, protocol), config), host).toBe(`${protocol}://${host.toLowerCase()}`);
		}
	});

	it('refuses any other Host, and anything that is not a plain host[:port]', () => {
		for (const [host, protocol] of [
			['evil.example', 'http'],
			['giaoban.example.vn', 'http'],
			['giaoban.example.vn:8443', 'https'],
			['localhost.evil.example', 'http'],
			['localhost@evil.example', 'http'],
			['localhost:80@evil.example', 'http'],
			['localhost/evil.example', 'http'],
			['localhost:99999', 'http'],
			['localhost', 'javascript'],
			['', 'http'],
			['192.0.2.11', 'http'],
		] as const) {
			expect(trustedRequestOrigin(at(host, protocol), config), host).toBeNull();
			expect(() => publicOrigin(at(host, protocol), config), host).toThrow(UntrustedHostError);
		}
	});

	it('answers 421 without repeating the Host', () => {
		const error = (() => {
			try {
				publicOrigin(at('evil.example'), config);
			} catch (e) {
				return e as UntrustedHostError;
			}
			return null;
		})();
		expect(error).toMatchObject({ statusCode: 421, code: 'invalid_payload' });
		expect(error?.message).not.toContain('evil');
	});
});
