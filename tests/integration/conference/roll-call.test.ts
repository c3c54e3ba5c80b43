import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RollCallEntry } from '../../../shared/src/api/meetings.ts';
import type { RoomSnapshot, RosterEntry } from '../../../shared/src/protocol/index.ts';
import { conferenceFixture, type Ack, type Joined } from '../../helpers/conference-fixture.ts';
import { ask, nextEvent, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';
import { nextState } from '../../helpers/room-state.ts';

const entry = (snapshot: RoomSnapshot, unitId: string): RosterEntry | undefined => snapshot.roster.find((r) => r.unitId === unitId);

/**
 * The chair's live roll call (every unit of the meeting and where it stands), a dropped site
 * coming back into a locked room, the floor queue's skip and decline, and the roll call after the
 * meeting (JSON and CSV), also across a server restart.
 */
describe('roll call', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const clients: TestClient[] = [];

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'dongthinh', 'hailuu']);
	});
	afterEach(() => {
		for (const client of clients.splice(0)) {
			client.disconnect();
		}
	});
	afterAll(async () => {
		await running?.close();
	});

	async function joinAs(username: string | null, payload: object, app: RunningApp = running): Promise<{ client: TestClient; joined: Joined }> {
		const client = username ? await app.connect(undefined, { cookie: f.signed.get(username)!.cookie }) : await app.connect();
		clients.push(client);
		return { client, joined: await f.join(client, payload) };
	}

	/** The chair's next snapshot in which the unit's roll-call entry satisfies `match`. */
	function rosterChange(chair: TestClient, unitId: string, match: (e: RosterEntry) => boolean): Promise<RoomSnapshot> {
		return nextState(chair, (s) => {
			const e = entry(s, unitId);
			return e !== undefined && match(e);
		});
	}

	it('lists every unit for the chair only, keeps a dropped site as lost, and lets it back into a locked room without waiting', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu', 'tan-lap']);
		const chair = await joinAs('chutri', { meetingId: meeting.id });
		expect(chair.joined.snapshot.roster.map((r) => [r.unitId, r.state])).toEqual([
			['song-lo', 'present'],
			['dong-thinh', 'absent'],
			['hai-luu', 'absent'],
			['tan-lap', 'absent'],
		]);

		const presentSeen = rosterChange(chair.client, 'dong-thinh', (e) => e.state === 'present');
		const site = await joinAs('dongthinh', { meetingId: meeting.id });
		expect(site.joined.snapshot.roster).toEqual([]);
		const present = entry(await presentSeen, 'dong-thinh')!;
		expect(present.participantIds).toEqual([site.joined.participantId]);
		expect(present.firstJoinedAt).not.toBeNull();

		// Joined while the room was open, then the chair locks: the site is in the meeting.
		expect((await ask<Ack>(chair.client, 'chair:lock', { locked: true })).ok).toBe(true);
		const lostSeen = rosterChange(chair.client, 'dong-thinh', (e) => e.state === 'lost');
		site.client.disconnect();
		const lost = entry(await lostSeen, 'dong-thinh')!;
		expect(lost.disconnections).toBe(1);
		expect(lost.since).not.toBeNull();
		expect(lost.participantIds).toEqual([]);

		const back = await joinAs('dongthinh', { meetingId: meeting.id });
		expect(back.joined.status).toBe('joined');

		// A unit never in the meeting waits; the chair sees it waiting in the roll call.
		const waitingSeen = rosterChange(chair.client, 'hai-luu', (e) => e.state === 'waiting');
		const link = await joinAs(null, { invitationToken: meeting.links.get('hai-luu') });
		expect(link.joined.status).toBe('waiting');
		expect(entry(await waitingSeen, 'hai-luu')!.waitingIds).toEqual([link.joined.participantId]);

		// A removed one waits too, and is shown as removed until it knocks.
		const removedSeen = rosterChange(chair.client, 'dong-thinh', (e) => e.state === 'removed');
		expect((await ask<Ack>(chair.client, 'chair:remove', { participantId: back.joined.participantId })).ok).toBe(true);
		expect(entry(await removedSeen, 'dong-thinh')!.disconnections).toBe(1);
		expect((await joinAs('dongthinh', { meetingId: meeting.id })).joined.status).toBe('waiting');

		// A site that leaves by itself is "left", not lost.
		expect((await ask<Ack>(chair.client, 'waiting:deny', { participantId: link.joined.participantId })).ok).toBe(true);
		expect((await ask<Ack>(chair.client, 'chair:lock', { locked: false })).ok).toBe(true);
		const again = await joinAs(null, { invitationToken: meeting.links.get('hai-luu') });
		expect(again.joined.status).toBe('joined');
		const leftSeen = rosterChange(chair.client, 'hai-luu', (e) => e.state === 'left');
		expect((await ask<Ack>(again.client, 'room:leave', {})).ok).toBe(true);
		expect(entry(await leftSeen, 'hai-luu')!.disconnections).toBe(0);
	});

	it('a site that was in before the lock, and dropped before it, still comes back without waiting', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = await joinAs('chutri', { meetingId: meeting.id });
		const site = await joinAs('dongthinh', { meetingId: meeting.id });
		const lostSeen = rosterChange(chair.client, 'dong-thinh', (e) => e.state === 'lost');
		site.client.disconnect();
		await lostSeen;
		// Locked while the commune is out: the lock keeps out units that were never in, not this one.
		expect((await ask<Ack>(chair.client, 'chair:lock', { locked: true })).ok).toBe(true);
		expect((await joinAs('dongthinh', { meetingId: meeting.id })).joined.status).toBe('joined');
	});

	it('lists a unit invited during the meeting at once, and drops a withdrawn one that never came', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = await joinAs('chutri', { meetingId: meeting.id });
		const put = async (invitedUnitIds: string[]) => {
			const current = (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: f.admin })).json<{ title: string; startsAt: string; endsAt: string; chair: { id: string } }>();
			const response = await running.app.inject({
				method: 'PUT',
				url: `/api/meetings/${meeting.id}`,
				headers: f.admin,
				payload: { title: current.title, description: '', location: '', startsAt: current.startsAt, endsAt: current.endsAt, chairId: current.chair.id, agenda: [], invitedUnitIds },
			});
			expect(response.statusCode, response.body).toBe(200);
		};
		const added = nextState(chair.client, (s) => entry(s, 'tan-lap')?.state === 'absent');
		await put(['dong-thinh', 'tan-lap']);
		await added;
		const withdrawn = nextState(chair.client, (s) => entry(s, 'dong-thinh') === undefined);
		await put(['tan-lap']);
		expect((await withdrawn).roster.map((r) => r.unitId)).toEqual(['song-lo', 'tan-lap']);
	});

	it('the chair skips and declines requests for the floor; the declined site is told', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		const chair = await joinAs('chutri', { meetingId: meeting.id });
		const a = await joinAs('dongthinh', { meetingId: meeting.id });
		const b = await joinAs(null, { invitationToken: meeting.links.get('hai-luu') });
		expect((await ask<Ack>(a.client, 'floor:request', {})).ok).toBe(true);
		expect((await ask<Ack>(b.client, 'floor:request', {})).ok).toBe(true);

		const skipped = nextState(chair.client, (s) => s.floorQueue[0]?.participantId === b.joined.participantId);
		expect((await ask<Ack>(chair.client, 'floor:skip', { participantId: a.joined.participantId })).ok).toBe(true);
		expect((await skipped).floorQueue.map((q) => q.participantId)).toEqual([b.joined.participantId, a.joined.participantId]);

		const told = nextEvent(b.client, 'floor:declined');
		expect((await ask<Ack>(chair.client, 'floor:decline', { participantId: b.joined.participantId })).ok).toBe(true);
		await told;
		const declinedAgain = await ask<Ack>(chair.client, 'floor:decline', { participantId: b.joined.participantId });
		expect(declinedAgain.error?.code).toBe('not_found');
		// Only the chair skips or declines.
		expect((await ask<Ack>(b.client, 'floor:skip', { participantId: a.joined.participantId })).error?.code).toBe('forbidden');

		const actions = (await running.app.inject({ url: `/api/meetings/${meeting.id}/actions`, headers: f.admin })).json<{ action: string; targetUnitId: string }[]>();
		expect(actions.filter((x) => x.action.startsWith('floor.')).map((x) => `${x.action}:${x.targetUnitId}`)).toEqual(['floor.skipped:dong-thinh', 'floor.declined:hai-luu']);
	});

	it('after the meeting, the roll call per unit and its CSV; a restart keeps who was in and who was removed', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu', 'tan-lap']);
		const chair = await joinAs('chutri', { meetingId: meeting.id });
		const site = await joinAs('dongthinh', { meetingId: meeting.id });
		const link = await joinAs(null, { invitationToken: meeting.links.get('hai-luu') });
		expect((await ask<Ack>(chair.client, 'chair:lock', { locked: true })).ok).toBe(true);
		expect((await ask<Ack>(chair.client, 'chair:remove', { participantId: link.joined.participantId })).ok).toBe(true);
		site.client.disconnect();
		await expect.poll(async () => (await f.attendance(meeting.id)).filter((r) => r.unitId === 'dong-thinh' && r.kind === 'leave').length).toBe(1);

		// The server restarts with the meeting live and locked: Đồng Thịnh (in before) comes straight back, Hải Lựu (removed) waits.
		const crashed = mkdtempSync(join(tmpdir(), 'giaoban-rollcall-'));
		let restarted: RunningApp | undefined;
		try {
			await running.app.db.$executeRawUnsafe(`VACUUM INTO '${join(crashed, 'giaoban.db')}'`);
			restarted = await startApp({ DATA_DIR: crashed });
			expect((await joinAs('dongthinh', { meetingId: meeting.id }, restarted)).joined.status).toBe('joined');
			expect((await joinAs(null, { invitationToken: meeting.links.get('hai-luu') }, restarted)).joined.status).toBe('waiting');
			const chairAgain = await joinAs('chutri', { meetingId: meeting.id }, restarted);
			expect(entry(chairAgain.joined.snapshot, 'hai-luu')!.state).toBe('waiting');
			expect(entry(chairAgain.joined.snapshot, 'dong-thinh')!).toMatchObject({ state: 'present', disconnections: 1 });
			expect(entry(chairAgain.joined.snapshot, 'tan-lap')!.state).toBe('absent');
		} finally {
			await restarted?.close();
			rmSync(crashed, { recursive: true, force: true });
		}

		expect((await ask<Ack>(chair.client, 'chair:end', {})).ok).toBe(true);
		const response = await running.app.inject({ url: `/api/meetings/${meeting.id}/roll-call`, headers: f.admin });
		expect(response.statusCode).toBe(200);
		const rows = response.json<RollCallEntry[]>();
		expect(rows.map((r) => [r.unitId, r.host, r.present])).toEqual([
			['song-lo', true, true],
			['dong-thinh', false, true],
			['hai-luu', false, true],
			['tan-lap', false, false],
		]);
		const dongThinh = rows.find((r) => r.unitId === 'dong-thinh')!;
		expect(dongThinh.disconnections).toBe(1);
		expect(dongThinh.lastLeftAt).not.toBeNull();
		expect(Date.parse(dongThinh.lastLeftAt!)).toBeGreaterThanOrEqual(Date.parse(dongThinh.firstJoinedAt!));
		const tanLap = rows.find((r) => r.unitId === 'tan-lap')!;
		expect(tanLap).toMatchObject({ firstJoinedAt: null, lastLeftAt: null, attendedMinutes: 0, disconnections: 0 });

		const csv = await running.app.inject({ url: `/api/meetings/${meeting.id}/roll-call.csv`, headers: f.admin });
		expect(csv.statusCode).toBe(200);
		expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
		expect(csv.body.startsWith('\uFEFF"Đơn vị"')).toBe(true);
		const lines = csv.body.trimEnd().split('\r\n');
		expect(lines).toHaveLength(5);
		expect(lines[4]).toBe('"Xã Tân Lập","","Vắng","","","0","0"');
		expect(lines[2]).toMatch(/^"Xã Đồng Thịnh","","Có mặt","\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}","\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}","\d+","1"$/);

		// An invited commune reads the roll call like the attendance.
		expect((await running.app.inject({ url: `/api/meetings/${meeting.id}/roll-call`, headers: f.signed.get('hailuu')!.headers })).statusCode).toBe(200);
	});
});
