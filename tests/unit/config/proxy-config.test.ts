import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config/env.ts';
import { ConfigError } from '../../../server/src/lib/errors.ts';

describe('TRUST_PROXY', () => {
	it('trusts nothing unless told', () => {
		expect(loadConfig({}).trustProxy).toBe(false);
		expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toBe(false);
		expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
		expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
	});

	it('reads true, or a list of addresses and CIDR ranges', () => {
		expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
		expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
		expect(loadConfig({ TRUST_PROXY: ' loopback, 10.0.0.0/8 ,fd00::/8,::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '::1']);
	});

	it('refuses a hop count, which would trust any peer that connects directly', () => {
		for (const value of ['1', '2']) {
			expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY takes no hop count: name the proxy/);
		}
	});

	it('refuses anything else, naming the variable', () => {
		for (const value of ['nginx', '10.0.0.0/33', '10.0.0.1/8/2', '300.1.1.1', '10.0.0.0/', 'fd00::/129', '127.0.0.1,bad']) {
			expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(ConfigError);
			expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY must be/);
		}
	});
});

describe('PUBLIC_URL', () => {
	it('is required in production, with a message naming it', () => {
		expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
		expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL is required when NODE_ENV=production/);
		expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://giaoban.songlo.gov.vn/' }).publicUrl).toBe('https://giaoban.songlo.gov.vn');
	});

	it('is optional elsewhere', () => {
		expect(loadConfig({ NODE_ENV: 'development' }).publicUrl).toBeNull();
		expect(loadConfig({}).publicUrl).toBeNull();
	});
});
