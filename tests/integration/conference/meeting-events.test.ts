import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingEventName, MeetingEventOf } from '../../../server/src/domain/meeting-events.ts';
import { conferenceFixture, type Ack } from '../../helpers/conference-fixture.ts';
import { ask, startApp, type RunningApp } from '../../helpers/start-app.ts';

type Recorded = { event: MeetingEventName; payload: MeetingEventOf<MeetingEventName> };

/** One line per event: its name and the unit (and source, reason) it concerns. */
function describeEvent({ event, payload }: Recorded): string {
	const p = payload as { unitId?: string; source?: string; reason?: string };
	return [event, p.unitId, p.source, p.reason].filter(Boolean).join(' ');
}

describe('meeting events', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'dongthinh', 'hailuu']);
	});
	afterAll(async () => {
		await running?.close();
	});

	/** Every event of one meeting, in order, but the active speaker (it depends on audio levels; these scripts send none). */
	function record(meetingId: string): { recorded: Recorded[]; stop: () => void } {
		const recorded: Recorded[] = [];
		const stop = running.app.meetingEvents.onAny((event, payload) => {
			if (payload.meetingId === meetingId && event !== 'active-speaker') {
				recorded.push({ event, payload });
			}
		});
		return { recorded, stop };
	}

	it('reports a scripted meeting as the exact sequence of its changes, on the meeting clock', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		const { recorded, stop } = record(meeting.id);
		try {
			const chair = await f.as('chutri');
			const chairJoined = await f.join(chair, { meetingId: meeting.id });
			const dong = await f.as('dongthinh');
			const dongJoined = await f.join(dong, { meetingId: meeting.id });
			const dongMic = await f.produceMicrophone(dong);
			expect((await ask<Ack>(dong, 'producer:pause', { producerId: dongMic })).ok).toBe(true);
			const hai = await f.as('hailuu');
			await f.join(hai, { meetingId: meeting.id });
			const haiMic = await f.produceMicrophone(hai);
			expect((await ask<Ack>(hai, 'producer:pause', { producerId: haiMic })).ok).toBe(true);
			expect((await ask<Ack>(chair, 'floor:grant', { participantId: dongJoined.participantId })).ok).toBe(true);
			// Hải Lựu's link drops.
			hai.disconnect();
			await expect.poll(() => recorded.some((r) => r.event === 'site:left')).toBe(true);
			expect((await ask<Ack>(chair, 'chair:end', {})).ok).toBe(true);

			expect(recorded.map(describeEvent)).toEqual([
				'meeting:started',
				'site:joined song-lo',
				'site:joined dong-thinh',
				'producer:added dong-thinh microphone',
				'producer:paused dong-thinh microphone',
				'site:joined hai-luu',
				'producer:added hai-luu microphone',
				'producer:paused hai-luu microphone',
				'producer:resumed dong-thinh microphone',
				'producer:removed hai-luu microphone',
				'site:left hai-luu disconnected',
				'site:left song-lo ended',
				'producer:removed dong-thinh microphone',
				'site:left dong-thinh ended',
				'meeting:ended chair',
			]);

			// Every event names its meeting and carries the meeting clock, which starts at 0 and never goes back.
			const clocks = recorded.map((r) => r.payload.clockMs);
			expect(clocks[0]).toBe(0);
			expect(clocks.every((c, i) => c !== null && c >= (clocks[i - 1] ?? 0))).toBe(true);
			const started = recorded[0]!.payload.at.getTime();
			expect(recorded.every((r) => r.payload.clockMs === r.payload.at.getTime() - started)).toBe(true);
			// Participants are named as the sites saw them.
			expect(recorded[1]!.payload).toMatchObject({ participantId: chairJoined.participantId, unitName: 'Huyện Sông Lô', host: true, chair: true });
			const added = recorded.find((r) => r.event === 'producer:added')!.payload as MeetingEventOf<'producer:added'>;
			expect(added).toMatchObject({ producerId: dongMic, kind: 'audio', paused: false });
			expect(added.router.closed).toBe(true);
		} finally {
			stop();
		}
	});

	it('keeps the contract when the worker dies while the chair ends the meeting: one leave per site, all before the end', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		const { recorded, stop } = record(meeting.id);
		try {
			const routersBefore = running.app.workerPool.status().workers.map((w) => w.routers);
			const chair = await f.as('chutri');
			await f.join(chair, { meetingId: meeting.id });
			// The worker that opened this meeting's room.
			const victim = running.app.workerPool.status().workers.find((w, i) => w.routers === routersBefore[i]! + 1);
			expect(victim).toBeDefined();
			for (const username of ['dongthinh', 'hailuu']) {
				const site = await f.as(username);
				await f.join(site, { meetingId: meeting.id });
				await f.produceMicrophone(site);
			}
			running.app.io.sockets.sockets.get(chair.id!)!.once('chair:end', () => process.kill(victim!.pid!, 'SIGKILL'));
			expect((await ask<Ack>(chair, 'chair:end', {})).ok).toBe(true);
			await expect.poll(() => recorded.filter((r) => r.event === 'site:left').length).toBe(3);
			await expect.poll(async () => (await f.meeting(meeting.id)).status).toBe('ended');
			const names = recorded.map((r) => r.event);
			expect(names.filter((n) => n === 'meeting:ended')).toHaveLength(1);
			expect(names.lastIndexOf('site:left')).toBeLessThan(names.indexOf('meeting:ended'));
			const left = recorded.filter((r) => r.event === 'site:left').map((r) => (r.payload as { unitId: string }).unitId);
			expect(left.sort()).toEqual(['dong-thinh', 'hai-luu', 'song-lo']);
			await expect.poll(() => running.app.workerPool.ready, { timeout: 15000 }).toBe(true);
		} finally {
			stop();
		}
	});

	it('pairs every join with a leave when the worker under the meeting dies, and the meeting goes on', async () => {
		const meeting = await f.schedule(['dong-thinh']);
		const { recorded, stop } = record(meeting.id);
		try {
			const chair = await f.as('chutri');
			await f.join(chair, { meetingId: meeting.id });
			const site = await f.as('dongthinh');
			await f.join(site, { meetingId: meeting.id });
			await f.produceMicrophone(site);
			const [victim, ...others] = running.app.workerPool.status().workers.filter((w) => w.routers > 0);
			expect(others).toEqual([]);
			process.kill(victim!.pid!, 'SIGKILL');
			await expect.poll(() => recorded.filter((r) => r.event === 'site:left').length).toBe(2);
			expect(recorded.map(describeEvent)).toEqual([
				'meeting:started',
				'site:joined song-lo',
				'site:joined dong-thinh',
				'producer:added dong-thinh microphone',
				'producer:removed dong-thinh microphone',
				'site:left song-lo media-failure',
				'site:left dong-thinh media-failure',
			]);
			expect((await f.meeting(meeting.id)).status).toBe('live');
			await expect.poll(() => running.app.workerPool.ready, { timeout: 15000 }).toBe(true);
		} finally {
			stop();
		}
	});
});
