import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingEventOf } from '../../../server/src/domain/meeting-events.ts';
import { openDatabase } from '../../../server/src/db/open-database.ts';
import { conferenceFixture, presentByUnit } from '../../helpers/conference-fixture.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

/** Short enough for a test: a meeting empty for 3 s ends; past its planned end it ends as soon as it is empty. */
const LIFECYCLE = { MEETING_EMPTY_END_MINUTES: '0.05', MEETING_END_GRACE_MINUTES: '0' };

describe('a live meeting always ends', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const ended: MeetingEventOf<'meeting:ended'>[] = [];

	beforeAll(async () => {
		running = await startApp(LIFECYCLE);
		f = await conferenceFixture(running, ['chutri', 'dongthinh', 'hailuu']);
		running.app.meetingEvents.on('meeting:ended', (event) => ended.push(event));
	});
	afterAll(async () => {
		await running?.close();
	});

	const endReason = (meetingId: string) => ended.find((e) => e.meetingId === meetingId)?.reason;

	it('ends a meeting everyone left, once it has been empty for MEETING_EMPTY_END_MINUTES', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const site = await f.as('dongthinh');
		await f.join(site, { meetingId: meeting.id });
		expect((await f.meeting(meeting.id)).status).toBe('live');
		site.disconnect();
		chair.disconnect();
		const leftAt = Date.now();

		await expect.poll(() => endReason(meeting.id), { timeout: 15000, interval: 200 }).toBe('empty');
		// Not before the empty time (the sweep may add a little).
		expect(ended.find((e) => e.meetingId === meeting.id)!.at.getTime() - leftAt).toBeGreaterThanOrEqual(2900);
		const detail = await f.meeting(meeting.id);
		expect(detail.status).toBe('ended');
		expect(detail.endedAt).not.toBeNull();
		expect(presentByUnit(await f.attendance(meeting.id))).toEqual({ 'song-lo': 0, 'dong-thinh': 0 });
		// An ended meeting cannot be joined again.
		const again = await f.as('dongthinh');
		const ack = await (again.timeout(10000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }> }).emitWithAck('room:join', { meetingId: meeting.id });
		expect(ack.error?.code).toBe('invalid_state');
	});

	it('after its planned end, ends an empty meeting at once and leaves an occupied one running', async () => {
		const past = { startsAt: new Date(Date.now() - 2 * 3600_000), endsAt: new Date(Date.now() - 3600_000) };
		const over = await f.schedule(['dong-thinh'], past).catch(async () => {
			// Scheduling in the past may be refused; move a fresh meeting's times back instead.
			const fresh = await f.schedule(['dong-thinh']);
			await running.app.db.meeting.update({ where: { id: fresh.id }, data: past });
			return fresh;
		});
		const occupied = await f.schedule(['hai-luu']);
		await running.app.db.meeting.update({ where: { id: occupied.id }, data: past });

		const chairOfOver = await f.as('chutri');
		await f.join(chairOfOver, { meetingId: over.id });
		const chairOfOccupied = await f.as('chutri');
		await f.join(chairOfOccupied, { meetingId: occupied.id });
		chairOfOver.disconnect();

		// The planned end decides, not the 3 s empty time (that would say 'empty').
		await expect.poll(() => endReason(over.id), { interval: 100 }).toBe('planned-end');
		// The same sweep saw the occupied meeting and left it live.
		expect((await f.meeting(occupied.id)).status).toBe('live');
		expect(endReason(occupied.id)).toBeUndefined();
		chairOfOccupied.disconnect();
		await expect.poll(() => endReason(occupied.id), { interval: 100 }).toBe('planned-end');
	});

	it('after a crash, records the leaves of the sites the database still shows present, keeps the meeting live and lets it be rejoined', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const site = await f.as('dongthinh');
		await f.join(site, { meetingId: meeting.id });

		// The database as a crash would leave it: the meeting live, both sites present.
		const crashed = mkdtempSync(join(tmpdir(), 'giaoban-crash-'));
		let restarted: RunningApp | undefined;
		try {
			await running.app.db.$executeRawUnsafe(`VACUUM INTO '${join(crashed, 'giaoban.db')}'`);
			restarted = await startApp({ ...LIFECYCLE, MEETING_EMPTY_END_MINUTES: '60', DATA_DIR: crashed });
			const attendance = await restarted.app.inject({ url: `/api/meetings/${meeting.id}/attendance`, headers: f.admin });
			const rows = attendance.json<{ unitId: string; kind: string; reason: string }[]>();
			expect(rows.filter((r) => r.kind === 'leave').map((r) => `${r.unitId}:${r.reason}`).sort()).toEqual(['dong-thinh:server-restart', 'song-lo:server-restart']);
			expect(presentByUnit(rows)).toEqual({ 'song-lo': 0, 'dong-thinh': 0 });
			const detail = await restarted.app.inject({ url: `/api/meetings/${meeting.id}`, headers: f.admin });
			expect(detail.json<{ status: string }>().status).toBe('live');

			// Sites reconnect to the restarted server and carry on in a fresh room (sessions survived the crash).
			const back = await restarted.connect(undefined, { cookie: f.signed.get('dongthinh')!.cookie });
			const rejoined = await (back.timeout(10000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean; data: { status: string } }> }).emitWithAck('room:join', { meetingId: meeting.id });
			expect(rejoined.data.status).toBe('joined');

			// A graceful shutdown records the leave as a restart, and says so on the bus.
			const left: MeetingEventOf<'site:left'>[] = [];
			restarted.app.meetingEvents.on('site:left', (event) => left.push(event));
			await restarted.close();
			expect(left.map((e) => `${e.unitId}:${e.reason}`)).toEqual(['dong-thinh:server-restart']);
			const db = await openDatabase({ file: join(crashed, 'giaoban.db'), synchronous: 'FULL' });
			try {
				const rows = await db.attendanceEvent.findMany({ where: { meetingId: meeting.id, unitId: 'dong-thinh' }, select: { kind: true, reason: true }, orderBy: { at: 'asc' } });
				expect(rows.map((r) => `${r.kind}:${r.reason}`)).toEqual(['join:', 'leave:server-restart', 'join:', 'leave:server-restart']);
			} finally {
				await db.$disconnect();
			}
		} finally {
			await restarted?.close();
			rmSync(crashed, { recursive: true, force: true });
		}
	});
});
