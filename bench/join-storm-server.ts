/**
 * The application for bench/join-storm.ts, in its own process so that its CPU time is its own:
 * the real buildApp on the migrated database in DATA_DIR (configuration from the environment, as
 * server/src/server.ts reads it), the demo district seeded, BENCH_STORM_UNITS communes imported
 * through POST /api/units/import and invited to one meeting scheduled through POST /api/meetings.
 * Prints one JSON line (port, meeting, join tokens, the chair's session) and serves until SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config/env.ts';
import { createDemoDataRepository } from '../server/src/features/demo-data/demo-data.repository.ts';
import { seedDemoData } from '../server/src/features/demo-data/seed-demo-data.ts';

const units = Number(process.env['BENCH_STORM_UNITS']);
const app = await buildApp(loadConfig(), { logger: { level: 'silent' }, print: () => undefined });
await app.listen({ host: '127.0.0.1', port: 0 });
const accounts = await seedDemoData(createDemoDataRepository(app.db));
if (!accounts) {
	throw new Error('the database was not empty');
}

async function login(username: string): Promise<{ cookie: string; csrf: string }> {
	const account = accounts!.find((a) => a.username === username)!;
	const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: account.password } });
	if (response.statusCode !== 200) {
		throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
	}
	const cookie = response.cookies.find((c) => c.name === 'giaoban_session')!;
	return { cookie: `giaoban_session=${cookie.value}`, csrf: response.json<{ csrfToken: string }>().csrfToken };
}

const admin = await login('admin');
const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
const csv = ['Tên đơn vị,Cấp,Mã', ...Array.from({ length: units }, (_, i) => `Xã Thử Tải ${String(i + 1).padStart(3, '0')},xã,${80000 + i}`)].join('\n');
const imported = await app.inject({ method: 'POST', url: '/api/units/import', headers, payload: { parentId: 'song-lo', csv, confirm: true } });
if (imported.statusCode !== 200) {
	throw new Error(`units import: ${imported.statusCode} ${imported.body}`);
}
const invited = (await app.inject({ url: '/api/units', headers })).json<{ id: string; name: string }[]>().filter((u) => u.name.startsWith('Xã Thử Tải'));
const chairId = (await app.inject({ url: '/api/accounts/chairs', headers })).json<{ id: string }[]>()[0]!.id;
const startsAt = new Date();
const scheduled = await app.inject({
	method: 'POST',
	url: '/api/meetings',
	headers,
	payload: {
		title: 'Giao ban toàn tỉnh (thử tải)',
		description: '',
		location: 'Hội trường tỉnh',
		startsAt: startsAt.toISOString(),
		endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
		chairId,
		agenda: [],
		invitedUnitIds: invited.map((u) => u.id),
		recordingEnabled: false,
	},
});
if (scheduled.statusCode !== 201) {
	throw new Error(`schedule: ${scheduled.statusCode} ${scheduled.body}`);
}
const body = scheduled.json<{ meeting: { id: string }; joinLinks: { unitId: string; url: string }[] }>();
const chair = await login('chutri');
process.stdout.write(
	`${JSON.stringify({
		port: (app.server.address() as AddressInfo).port,
		meetingId: body.meeting.id,
		tokens: body.joinLinks.map((l) => l.url.split('/join/')[1]!),
		chair,
	})}\n`
);
process.once('SIGTERM', () => {
	void app.close().finally(() => process.exit(0));
});
