import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../shared/src/protocol/index.ts';
import { conferenceFixture, type Ack, type Joined } from '../../helpers/conference-fixture.ts';
import { ask, startApp, type RunningApp } from '../../helpers/start-app.ts';

describe('socket handshakes need the session’s CSRF token to act for its cookie', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'dongthinh']);
	});
	afterAll(async () => {
		await running?.close();
	});

	it('treats a cookie without its token, or with another session’s, as anonymous', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = f.signed.get('chutri')!;
		const cases: [string, object][] = [
			['no token', { protocolVersion: PROTOCOL_VERSION }],
			['another session’s token', { protocolVersion: PROTOCOL_VERSION, csrfToken: f.signed.get('dongthinh')!.csrf }],
			['a wrong token', { protocolVersion: PROTOCOL_VERSION, csrfToken: 'x'.repeat(43) }],
			['a token of the wrong type', { protocolVersion: PROTOCOL_VERSION, csrfToken: 42 }],
		];
		for (const [label, auth] of cases) {
			const socket = await running.connect(auth, { cookie: chair.cookie });
			const ack = await ask<Ack>(socket, 'room:join', { meetingId: meeting.id });
			expect(ack.error?.code, label).toBe('unauthorized');
			socket.close();
		}
		const withToken = await running.connect({ protocolVersion: PROTOCOL_VERSION, csrfToken: chair.csrf }, { cookie: chair.cookie });
		const joined = await ask<Ack<Joined>>(withToken, 'room:join', { meetingId: meeting.id });
		expect(joined.ok, JSON.stringify(joined.error)).toBe(true);
		expect(joined.data.snapshot.participants.find((p) => p.id === joined.data.participantId)).toMatchObject({ chair: true, host: true });
	});

	it('still lets a room PC whose browser holds a cookie join with its unit’s link, as the unit', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const pc = await running.connect({ protocolVersion: PROTOCOL_VERSION }, { cookie: f.signed.get('dongthinh')!.cookie });
		const joined = await ask<Ack<Joined>>(pc, 'room:join', { invitationToken: meeting.links.get('dong-thinh') });
		expect(joined.ok, JSON.stringify(joined.error)).toBe(true);
		// The unit's name, not the person's: the cookie's user did not count.
		expect(joined.data.snapshot.participants.find((p) => p.id === joined.data.participantId)).toMatchObject({ displayName: 'Xã Đồng Thịnh' });
	});
});
