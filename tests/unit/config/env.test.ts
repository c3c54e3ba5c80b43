import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config/env.ts';
import { ConfigError } from '../../../server/src/lib/errors.ts';

describe('loadConfig', () => {
	it('has working defaults', () => {
		const config = loadConfig({});
		expect(config.port).toBe(8080);
		expect(config.host).toBe('0.0.0.0');
		expect(config.databaseFile).toBe(resolve('data', 'giaoban.db'));
		expect(config.mediasoup.numWorkers).toBeGreaterThanOrEqual(1);
		expect(config.sqliteSynchronous).toBe('FULL');
		expect(config.demoData).toBe(true);
	});

	it('reads overrides, treating empty values as unset', () => {
		const config = loadConfig({ PORT: '9000', HOST: '', RTC_LISTEN_IP: '127.0.0.1', DEMO_DATA: 'no', DATA_DIR: '/srv/gb' });
		expect(config.port).toBe(9000);
		expect(config.host).toBe('0.0.0.0');
		expect(config.mediasoup.announcedAddress).toBe('127.0.0.1');
		expect(config.demoData).toBe(false);
		expect(config.databaseFile).toBe('/srv/gb/giaoban.db');
	});

	it('names every bad variable in one error', () => {
		let error: unknown;
		try {
			loadConfig({ PORT: 'eighty', RTC_ANNOUNCED_ADDRESS: 'example', LOG_LEVEL: 'loud' });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const message = (error as Error).message;
		expect(message).toContain('PORT must be an integer from 0 to 65535 (got "eighty")');
		expect(message).toContain('RTC_ANNOUNCED_ADDRESS must be an IPv4 or IPv6 address');
		expect(message).toContain('LOG_LEVEL must be one of');
	});
});
