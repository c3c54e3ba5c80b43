import { roomState } from '../../helpers/room-state.ts';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomSnapshot } from '../../../shared/src/protocol/index.ts';
import { conferenceFixture, OPUS, presentByUnit, type Ack, type Joined } from '../../helpers/conference-fixture.ts';
import { ask, nextEvent, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

/**
 * Races a real district meeting produces: rural links dropping mid-join, two windows of one
 * commune, a chair clicking twice or ending while sites arrive, and database writes failing.
 * Each request is sent without waiting for the previous one's answer, as browsers do.
 */
describe('conference state under concurrent requests', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'dongthinh', 'hailuu', 'tanlap', 'ducbac', 'yenthach']);
	});
	afterAll(async () => {
		await running?.close();
	});

	/**
	 * The room as the socket's site has it from the deltas, once it matches the server's whole state
	 * (room:resync): what a site shows after the changes so far, and proof that the deltas carried them.
	 */
	function latestSnapshot(client: TestClient): () => Promise<RoomSnapshot | undefined> {
		return async () => {
			const ack = await ask<Ack<RoomSnapshot>>(client, 'room:resync', {});
			if (!ack.ok) {
				return undefined;
			}
			await expect.poll(() => JSON.stringify({ ...roomState(client), seq: 0 }), { timeout: 5000 }).toBe(JSON.stringify({ ...ack.data, seq: 0 }));
			return roomState(client);
		};
	}

	/** Fires a request without waiting for its answer; the answer (or the lack of one) is kept. */
	function send<T>(client: TestClient, event: string, payload: object): Promise<Ack<T>> {
		return ask<Ack<T>>(client, event, payload);
	}

	/** Delivers a request to the server's handlers for `client`'s socket now, as if it had just arrived. */
	function arrive<T>(client: TestClient, event: string, payload: object): Promise<Ack<T>> {
		const serverSide = running.app.io.sockets.sockets.get(client.id!)!;
		return new Promise((resolve) => {
			EventEmitter.prototype.emit.call(serverSide, event, payload, resolve);
		});
	}

	const routers = () => running.app.workerPool.status().workers.reduce((n, w) => n + w.routers, 0);

	it('records the leave of a site whose socket drops while its join is still in progress', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const chairView = latestSnapshot(chair);
		const site = await f.as('dongthinh');
		// The link drops right after the server started handling the join (its handler is awaiting).
		const serverSide = running.app.io.sockets.sockets.get(site.id!)!;
		serverSide.on('room:join', () => serverSide.disconnect(true));
		void send(site, 'room:join', { meetingId: meeting.id }).catch(() => undefined);

		await expect.poll(async () => (await f.attendance(meeting.id)).filter((a) => a.unitId === 'dong-thinh').map((a) => `${a.kind}:${a.reason}`)).toEqual([
			'join:',
			'leave:disconnected',
		]);
		// Nothing of that site stays in the room: a later change shows the chair alone.
		await ask(chair, 'room:set-state', { audioOnly: false });
		expect((await chairView())?.participants.map((p) => p.unitId)).toEqual(['song-lo']);
	});

	it('ends two joins of one socket with one participant, never telling the socket it replaced itself', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const chairView = latestSnapshot(chair);
		const site = await f.as('dongthinh');
		const closed: string[] = [];
		site.on('room:closed', ({ reason }) => closed.push(reason));

		const [first, second] = await Promise.all([
			send<Joined>(site, 'room:join', { meetingId: meeting.id }),
			send<Joined>(site, 'room:join', { meetingId: meeting.id }),
		]);
		expect(first.ok && second.ok).toBe(true);
		await ask(chair, 'room:set-state', { audioOnly: false });
		expect((await chairView())?.participants.filter((p) => p.unitId === 'dong-thinh').map((p) => p.id)).toEqual([second.data.participantId]);
		expect(closed).toEqual([]);
		// The socket still acts as the surviving participant.
		expect((await ask<Ack<{ position: number }>>(site, 'floor:request', {})).data.position).toBe(1);
		expect(presentByUnit(await f.attendance(meeting.id))['dong-thinh']).toBe(1);
	});

	it('ends two windows of one site joining at once with exactly one participant; the other window is told', async () => {
		const meeting = await f.schedule(['hai-luu', 'dong-thinh']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const chairView = latestSnapshot(chair);
		const windows = [await running.connect(), await running.connect()];
		const replaced = windows.map((w) => nextEvent<{ reason: string }>(w, 'room:closed').then(() => w).catch(() => null));
		const acks = await Promise.all(windows.map((w) => send<Joined>(w, 'room:join', { invitationToken: meeting.links.get('hai-luu') })));
		expect(acks.every((a) => a.ok)).toBe(true);
		const loser = await Promise.race(replaced);
		const winner = windows.find((w) => w !== loser)!;
		const winnerId = acks[windows.indexOf(winner)]!.data.participantId;
		await ask(chair, 'room:set-state', { audioOnly: false });
		expect((await chairView())?.participants.filter((p) => p.unitId === 'hai-luu').map((p) => p.id)).toEqual([winnerId]);
		expect(presentByUnit(await f.attendance(meeting.id))['hai-luu']).toBe(1);

		// Once locked, a new site waits; the site inside when the chair locked comes back from a
		// reload (a third window) without waiting, replacing its earlier window.
		expect((await send(chair, 'chair:lock', { locked: true })).ok).toBe(true);
		const newcomer = await f.as('dongthinh');
		expect((await send<Joined>(newcomer, 'room:join', { meetingId: meeting.id })).data.status).toBe('waiting');
		const third = await running.connect();
		const replacedAgain = nextEvent<{ reason: string }>(winner, 'room:closed');
		const reloaded = await send<Joined>(third, 'room:join', { invitationToken: meeting.links.get('hai-luu') });
		expect(reloaded.data.status).toBe('joined');
		expect((await replacedAgain).reason).toBe('replaced');
		await ask(chair, 'room:set-state', { audioOnly: false });
		expect((await chairView())?.participants.filter((p) => p.unitId === 'hai-luu').map((p) => p.id)).toEqual([reloaded.data.participantId]);
	});

	it('leaves no participant in the room when the attendance write fails, and tells the site', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const seen = latestSnapshot(chair);
		await running.app.db.$executeRawUnsafe(
			`CREATE TRIGGER fail_join BEFORE INSERT ON "AttendanceEvent" WHEN NEW."kind" = 'join' AND NEW."unitId" = 'dong-thinh' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`
		);
		try {
			const site = await f.as('dongthinh');
			const refused = await send<Joined>(site, 'room:join', { meetingId: meeting.id });
			expect(refused.ok).toBe(false);
			expect(refused.error).toEqual({ code: 'internal', message: 'Internal server error' });
			// The next change shows who is really in the room.
			const other = await f.as('hailuu');
			await f.join(other, { meetingId: meeting.id });
			await ask(chair, 'room:set-state', { audioOnly: false });
			expect((await seen())?.participants.map((p) => p.unitId).sort()).toEqual(['hai-luu', 'song-lo']);
		} finally {
			await running.app.db.$executeRawUnsafe('DROP TRIGGER fail_join');
		}
		expect((await f.attendance(meeting.id)).filter((a) => a.unitId === 'dong-thinh')).toEqual([]);
	});

	it('changes the lock only after it is stored: a failed write leaves the meeting unlocked', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		await running.app.db.$executeRawUnsafe(`CREATE TRIGGER fail_lock BEFORE UPDATE OF "locked" ON "Meeting" BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
		try {
			const site = await f.as('dongthinh');
			const lock = send(chair, 'chair:lock', { locked: true });
			const join = send<Joined>(site, 'room:join', { meetingId: meeting.id });
			expect((await lock).error?.code).toBe('internal');
			expect((await join).data.status).toBe('joined');
			expect((await join).data.snapshot.locked).toBe(false);
		} finally {
			await running.app.db.$executeRawUnsafe('DROP TRIGGER fail_lock');
		}
		expect((await f.meeting(meeting.id)).locked).toBe(false);
	});

	it('never leaves two open microphones when the chair grants the floor twice at once', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const chairView = latestSnapshot(chair);
		const sites: { client: TestClient; id: string }[] = [];
		for (const username of ['dongthinh', 'hailuu']) {
			const client = await f.as(username);
			const { participantId } = await f.join(client, { meetingId: meeting.id });
			const producerId = await f.produceMicrophone(client);
			expect((await ask<Ack>(client, 'producer:pause', { producerId })).ok).toBe(true);
			sites.push({ client, id: participantId });
		}
		for (let round = 0; round < 3; round += 1) {
			const grants = await Promise.all(sites.map((s) => send(chair, 'floor:grant', { participantId: s.id })));
			expect(grants.every((g) => g.ok)).toBe(true);
			await ask(chair, 'room:set-state', { audioOnly: false });
			const view = (await chairView())!;
			const open = view.participants.filter((p) => !p.micMuted && p.unitId !== 'song-lo');
			expect(open.map((p) => p.id)).toEqual([sites[1]!.id]);
			expect(view.spotlight).toBe(sites[1]!.id);
			sites.reverse();
		}
	});

	it('closes a microphone whose site was replaced while the server was creating it', async () => {
		const meeting = await f.schedule(['hai-luu']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const chairView = latestSnapshot(chair);
		const producers = new Map<string, string>();
		const stop = running.app.meetingEvents.onAny((event, payload) => {
			const p = payload as { meetingId: string; producerId?: string };
			if (p.meetingId === meeting.id && p.producerId && (event === 'producer:added' || event === 'producer:removed')) {
				producers.set(p.producerId, event);
			}
		});
		try {
			const first = await running.connect();
			await f.join(first, { invitationToken: meeting.links.get('hai-luu') });
			expect((await send(first, 'transport:create', { direction: 'send' })).ok).toBe(true);
			const second = await running.connect();
			// The second window's join arrives right after the server started creating the first's microphone.
			const replacing = new Promise<Ack<Joined>>((resolve) => {
				running.app.io.sockets.sockets.get(first.id!)!.once('producer:create', () => resolve(arrive<Joined>(second, 'room:join', { invitationToken: meeting.links.get('hai-luu') })));
			});
			const produced = await send<{ producerId: string }>(first, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: OPUS });
			expect((await replacing).ok).toBe(true);
			if (!produced.ok) {
				expect(produced.error?.code).toBe('invalid_state');
			}
			await ask(chair, 'room:set-state', { audioOnly: false });
			const site = (await chairView())!.participants.filter((p) => p.unitId === 'hai-luu');
			expect(site.map((p) => p.producers.length)).toEqual([0]);
			// Whatever was announced was also withdrawn.
			expect([...producers.values()].every((last) => last === 'producer:removed')).toBe(true);
		} finally {
			stop();
		}
	});

	it('tells sites joining while the chair ends the meeting that it ended, and records every leave', async () => {
		const baseline = routers();
		const units = ['dong-thinh', 'hai-luu', 'tan-lap', 'duc-bac', 'yen-thach'];
		const meeting = await f.schedule(units);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const accounts = await Promise.all(['dongthinh', 'hailuu', 'tanlap', 'ducbac', 'yenthach'].map((u) => f.as(u)));
		const byLink = [await running.connect(), await running.connect()];
		const clients = [...accounts, ...byLink];
		const told = clients.map((c) => nextEvent<{ reason: string }>(c, 'room:closed', () => true, 15000).catch(() => null));
		// Five sites are in; two more arrive (by their join links) while the end is under way.
		const early = await Promise.all(accounts.map((c) => send<Joined>(c, 'room:join', { meetingId: meeting.id })));
		// The chair's end arrives right after the server started handling two late joins (they are
		// still checking the meeting), then two more joins arrive just after the end.
		const lateSockets = running.app.io.sockets.sockets.get(byLink[0]!.id!)!;
		const ending = new Promise<Ack>((resolve) => {
			lateSockets.once('room:join', () => resolve(arrive(chair, 'chair:end', {})));
		});
		const late = [
			send<Joined>(byLink[0]!, 'room:join', { invitationToken: meeting.links.get('dong-thinh') }),
			ending.then(() => send<Joined>(byLink[1]!, 'room:join', { invitationToken: meeting.links.get('hai-luu') })),
		];
		expect((await ending).ok).toBe(true);
		const lateJoins = Promise.all(late);
		const outcomes = [...early, ...(await lateJoins)];

		for (const [i, outcome] of outcomes.entries()) {
			if (outcome.ok) {
				// In before the end: told it ended.
				expect((await told[i])?.reason, `site ${i}`).toBe('ended');
			} else {
				expect(outcome.error?.code, `site ${i}: ${outcome.error?.message}`).toBe('invalid_state');
				expect(outcome.error?.message).toMatch(/ended/);
			}
		}
		expect((await f.meeting(meeting.id)).status).toBe('ended');
		await expect.poll(async () => Object.values(presentByUnit(await f.attendance(meeting.id))).every((n) => n === 0)).toBe(true);
		// No room was opened again for the ended meeting.
		await expect.poll(routers).toBe(baseline);
		const again = await send(accounts[0]!, 'room:join', { meetingId: meeting.id });
		expect(again.error?.code).toBe('invalid_state');
	});
});
