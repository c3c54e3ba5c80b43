import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvents } from '../../../server/src/domain/access-events.ts';
import { hashToken } from '../../../server/src/lib/secrets.ts';
import { login, type Signed } from '../../helpers/accounts.ts';
import { conferenceFixture, type Ack } from '../../helpers/conference-fixture.ts';
import { ask, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';

/** The stored id of a signed-in session (the cookie holds the raw token). */
function sessionId(signed: Signed): string {
	return hashToken(signed.cookie.split('=')[1]!);
}

function disconnected(client: TestClient): Promise<string> {
	return new Promise((resolve) => {
		if (!client.connected) {
			resolve('already');
		}
		client.once('disconnect', resolve);
	});
}

describe('sessions end everywhere', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const ended: AccessEvents['sessions:ended'][] = [];

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'dongthinh']);
		accounts = f.accounts;
		running.app.accessEvents.on('sessions:ended', (event) => {
			ended.push(event);
		});
	});
	afterAll(async () => {
		await running?.close();
	});

	/** Sign-in is rate-limited per address; each sign-in here comes from another one. */
	let addresses = 0;
	const nextAddress = () => `10.78.0.${(addresses += 1)}`;

	it('sign-out disconnects that session’s sockets at once, records the site’s leave as a disconnect, and leaves other sessions alone', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const first = await login(running.app, accounts, 'chutri', nextAddress());
		const second = await login(running.app, accounts, 'chutri', nextAddress());
		const inRoom = await running.connect(undefined, { cookie: first.cookie });
		const joined = await ask<Ack>(inRoom, 'room:join', { meetingId: meeting.id });
		expect(joined.ok, JSON.stringify(joined.error)).toBe(true);
		const elsewhere = await running.connect(undefined, { cookie: second.cookie });
		const gone = disconnected(inRoom);

		const out = await running.app.inject({ method: 'POST', url: '/api/auth/logout', headers: first.headers });
		expect(out.statusCode).toBe(204);
		// The reply comes after the socket's cleanup: the leave is already on record.
		const rows = await f.attendance(meeting.id);
		expect(rows.filter((r) => r.unitId === 'song-lo').map((r) => `${r.kind}:${r.reason}`)).toEqual(['join:', 'leave:disconnected']);
		expect(await gone).toBe('io server disconnect');
		expect(ended.at(-1)).toMatchObject({ sessionIds: [sessionId(first)], reason: 'logout' });

		expect((await ask<Ack>(elsewhere, 'echo:stop', {})).ok).toBe(true);
		expect((await running.app.inject({ url: '/api/auth/session', headers: { cookie: second.cookie } })).statusCode).toBe(200);
	});

	it('refuses the next request of a socket whose session ended unseen, then closes the socket', async () => {
		const signed = await login(running.app, accounts, 'thuky', nextAddress());
		const socket = await running.connect(undefined, { cookie: signed.cookie });
		expect((await ask<Ack>(socket, 'echo:stop', {})).ok).toBe(true);
		// Ended behind the server's back (another process, a restore): no event, only the database knows.
		await running.app.db.session.updateMany({ where: { id: sessionId(signed) }, data: { expiresAt: new Date(Date.now() - 1000) } });
		// An answer may be reused for a second; after that the database is asked again.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const gone = disconnected(socket);
		const ack = await ask<Ack>(socket, 'echo:stop', {});
		expect(ack.ok).toBe(false);
		expect(ack.error?.code).toBe('unauthorized');
		expect(await gone).toBe('io server disconnect');
	});

	it('sweeps expired sessions: deleted, their sockets disconnected, one event per user', async () => {
		const a = await login(running.app, accounts, 'dongthinh', nextAddress());
		const b = await login(running.app, accounts, 'dongthinh', nextAddress());
		const live = await login(running.app, accounts, 'chutri', nextAddress());
		const sockets = [await running.connect(undefined, { cookie: a.cookie }), await running.connect(undefined, { cookie: b.cookie })];
		const other = await running.connect(undefined, { cookie: live.cookie });
		const gone = sockets.map(disconnected);
		// Sessions earlier tests let expire go first, so that this sweep sees only these two.
		await running.app.auth.endExpiredSessions();
		await running.app.db.session.updateMany({ where: { id: { in: [sessionId(a), sessionId(b)] } }, data: { expiresAt: new Date(Date.now() - 1000) } });
		const before = ended.length;

		expect(await running.app.auth.endExpiredSessions()).toBe(2);
		expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
		const swept = ended.slice(before);
		expect(swept).toHaveLength(1);
		expect(swept[0]!.reason).toBe('expired');
		expect([...swept[0]!.sessionIds].sort()).toEqual([sessionId(a), sessionId(b)].sort());
		expect(await running.app.db.session.count({ where: { id: { in: [sessionId(a), sessionId(b)] } } })).toBe(0);
		expect(other.connected).toBe(true);
		expect(await running.app.auth.endExpiredSessions()).toBe(0);
	});
});
