import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/src/app.ts';
import { migratedDataDir, testConfig, type TestDataDir } from '../../helpers/test-env.ts';

describe('the request log', () => {
	const lines: string[] = [];
	let app: FastifyInstance | undefined;
	let data: TestDataDir | undefined;
	beforeAll(async () => {
		data = migratedDataDir();
		// The app's own logger configuration, at info, written to a stream this test reads.
		app = await buildApp(testConfig(data.dir, { MEDIASOUP_WORKERS: '1' }), { logger: { level: 'info', stream: { write: (line) => lines.push(line) } } });
		await app.ready();
	});
	afterAll(async () => {
		await app?.close();
		data?.remove();
	});

	const logged = () => lines.map((line) => JSON.parse(line) as { msg: string; req?: { url: string; method: string } });

	it('never writes a join token, in the path or in a query parameter', async () => {
		lines.length = 0;
		const requests = [
			'/join/SECRET-PATH-TOKEN',
			'/join/SECRET-PATH-TOKEN/?x=1',
			'/JOIN/SECRET-PATH-TOKEN',
			'/api/nothing?token=SECRET-QUERY-TOKEN&page=2',
			'/api/nothing?invitationToken=SECRET-QUERY-TOKEN',
			'/api/nothing?%74oken=SECRET-QUERY-TOKEN',
		];
		for (const url of requests) {
			await app!.inject({ url, headers: { accept: 'text/html' } });
		}
		const incoming = logged().filter((entry) => entry.msg === 'incoming request');
		expect(incoming.map((entry) => entry.req?.url)).toEqual([
			'/join/[redacted]',
			'/join/[redacted]/?x=1',
			'/JOIN/[redacted]',
			'/api/nothing?token=[redacted]&page=2',
			'/api/nothing?invitationToken=[redacted]',
			'/api/nothing?%74oken=[redacted]',
		]);
		expect(lines.join('\n')).not.toContain('SECRET');
	});
});
