import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

describe('OpenAPI document', () => {
	let running: RunningApp;
	beforeAll(async () => {
		running = await startApp();
	});
	afterAll(async () => {
		await running?.close();
	});

	it('describes the REST API at /docs/json and serves the viewer at /docs', async () => {
		const doc = await running.app.inject('/docs/json');
		expect(doc.statusCode).toBe(200);
		const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
		expect(paths).toEqual(expect.arrayContaining(['/api/auth/login', '/api/meetings', '/api/meetings/{id}', '/api/calendar.ics']));
		const viewer = await running.app.inject('/docs/');
		expect(viewer.statusCode).toBe(200);
		expect(viewer.body).toContain('swagger');
	});
});
