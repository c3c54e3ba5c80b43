import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ParticipantView, RoomDelta, RoomSnapshot } from '../../../shared/src/protocol/index.ts';
import { applyRoomDelta } from '../../../shared/src/room/room-delta.ts';
import { RoomBroadcast, type Recipient } from '../../../server/src/features/conference/room-broadcast.ts';

function participant(id: string, micMuted = true): ParticipantView {
	return {
		id,
		unitId: id,
		unitName: `Xã ${id}`,
		displayName: `Xã ${id}`,
		host: false,
		chair: false,
		micMuted,
		mutedByChair: false,
		cameraOff: false,
		audioOnly: false,
		screenSharing: false,
		joinedAt: '2026-12-04T08:00:00.000Z',
		producers: [],
	};
}

/** A room whose state the test changes by hand, broadcast to recipients that keep their copy like a client. */
function room() {
	let participants: ParticipantView[] = [];
	let locked = false;
	let builds = 0;
	const build = (seq: number): RoomSnapshot => {
		builds += 1;
		return {
		roomId: 'room',
		seq,
		meetingId: 'm',
		title: 't',
		locked,
		participants: participants.map((p) => ({ ...p })),
		floorQueue: [],
		spotlight: null,
		activeSpeaker: null,
		waiting: [],
		roster: [],
		recording: { enabled: false, paused: false },
		settings: { joinMuted: false, lastN: 4, maxThumbnails: 12, downlinkKbps: 3200 },
		recentSpeakers: [],
		};
	};
	const forChair = (plain: RoomSnapshot): RoomSnapshot => ({
		...plain,
		roster: plain.participants.map((p) => ({ unitId: p.unitId, unitName: p.unitName, host: false, state: 'present' as const, since: null, firstJoinedAt: null, disconnections: 0, participantIds: [p.id], waitingIds: [] })),
	});
	const clients: { chair: boolean; state: RoomSnapshot | null; deltas: RoomDelta[]; gaps: number }[] = [];
	const recipients: Recipient[] = [];
	const broadcast = new RoomBroadcast({ build, forChair, recipients: () => recipients, delayMs: 50 });
	return {
		broadcast,
		set: (next: ParticipantView[]) => {
			participants = next;
			broadcast.changed();
		},
		lock: (value: boolean) => {
			locked = value;
			broadcast.changed();
		},
		/** A site joins: it is a recipient from now on, and gets the snapshot as its join reply does. */
		join: (chair = false) => {
			const client = { chair, state: null as RoomSnapshot | null, deltas: [] as RoomDelta[], gaps: 0 };
			clients.push(client);
			recipients.push({
				chair,
				notify: (_event, delta) => {
					// Deltas sent before the reply (the flush the reply itself caused) are held by real clients; here they come first and are stale.
					client.deltas.push(delta);
					if (!client.state) {
						return;
					}
					const result = applyRoomDelta(client.state, delta);
					if (result.kind === 'applied') {
						client.state = result.snapshot;
					} else if (result.kind === 'gap') {
						client.gaps += 1;
					}
				},
			});
			client.state = broadcast.snapshot(chair);
			return client;
		},
		truth: (chair = false) => (chair ? forChair(build(0)) : build(0)),
		builds: () => builds,
	};
}

describe('RoomBroadcast', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('coalesces changes into one delta per window with seq + 1, carrying only what changed', () => {
		vi.useFakeTimers();
		const r = room();
		r.set([participant('a')]);
		const a = r.join();
		const seq = a.state!.seq;
		r.set([participant('a'), participant('b')]);
		r.set([participant('a'), participant('b'), participant('c')]);
		vi.advanceTimersByTime(60);
		const deltas = a.deltas.filter((d) => d.seq > seq);
		expect(deltas).toHaveLength(1);
		expect(deltas[0]!.seq).toBe(seq + 1);
		expect(deltas[0]!.participants?.map((p) => p.id)).toEqual(['b', 'c']);
		expect(deltas[0]!.locked).toBeUndefined();
		expect(a.state!.participants.map((p) => p.id)).toEqual(['a', 'b', 'c']);
		r.broadcast.close();
	});

	it('builds the room once per flush for chairs and everyone else; chairs also get the roll call', () => {
		vi.useFakeTimers();
		const r = room();
		r.set([participant('a')]);
		const site = r.join();
		const chair = r.join(true);
		const before = r.builds();
		r.set([participant('a'), participant('b')]);
		vi.advanceTimersByTime(60);
		expect(r.builds()).toBe(before + 1);
		const [plainDelta, chairDelta] = [site, chair].map((c) => c.deltas.at(-1)!);
		expect(plainDelta!.seq).toBe(chairDelta!.seq);
		expect(plainDelta!.participants?.map((p) => p.id)).toEqual(['b']);
		expect(chairDelta!.participants?.map((p) => p.id)).toEqual(['b']);
		expect(plainDelta!.roster).toBeUndefined();
		expect(chairDelta!.roster?.map((e) => e.unitId)).toEqual(['b']);
		expect(site.state).toEqual({ ...r.truth(), seq: site.state!.seq });
		expect(chair.state).toEqual({ ...r.truth(true), seq: chair.state!.seq });
		r.broadcast.close();
	});

	it('a site that joins between two flushes ends with the true state, even when a site came and went in between', () => {
		vi.useFakeTimers();
		const r = room();
		r.set([participant('a')]);
		const a = r.join();
		vi.advanceTimersByTime(60);
		// x joins (flush pending), b joins and gets its reply, x leaves before the next flush.
		r.set([participant('a'), participant('x')]);
		const b = r.join();
		r.set([participant('a')]);
		vi.advanceTimersByTime(60);
		expect(b.state!.participants.map((p) => p.id)).toEqual(['a']);
		expect(a.state!.participants.map((p) => p.id)).toEqual(['a']);
		// A value that changes and changes back within one window.
		r.set([participant('a', false)]);
		const c = r.join(true);
		r.set([participant('a', true)]);
		r.lock(true);
		vi.advanceTimersByTime(60);
		for (const client of [a, b, c]) {
			expect({ ...client.state, seq: 0 }).toEqual({ ...r.truth(client.chair), seq: 0 });
			expect(client.gaps).toBe(0);
		}
		r.broadcast.close();
	});

	it('a chair arriving after a time without chairs gets a roll call that follows later changes', () => {
		vi.useFakeTimers();
		const r = room();
		const chair1 = r.join(true);
		r.set([participant('a'), participant('x')]);
		vi.advanceTimersByTime(60);
		expect(chair1.state!.roster.map((e) => e.unitId)).toEqual(['a', 'x']);
		// The only chair leaves the recipients: the chair baseline stops moving.
		const plain = r.join();
		r.set([participant('a')]);
		vi.advanceTimersByTime(60);
		r.set([participant('a'), participant('y')]);
		vi.advanceTimersByTime(60);
		const chair2 = r.join(true);
		r.set([participant('a')]);
		vi.advanceTimersByTime(60);
		expect({ ...chair2.state, seq: 0 }).toEqual({ ...r.truth(true), seq: 0 });
		expect({ ...plain.state, seq: 0 }).toEqual({ ...r.truth(false), seq: 0 });
		r.broadcast.close();
	});

	it('sends nothing once closed', () => {
		vi.useFakeTimers();
		const r = room();
		const a = r.join();
		const before = a.deltas.length;
		r.set([participant('a')]);
		r.broadcast.close();
		vi.advanceTimersByTime(200);
		expect(a.deltas).toHaveLength(before);
	});
});

describe('applyRoomDelta', () => {
	const base = (seq: number): RoomSnapshot => ({
		roomId: 'r',
		seq,
		meetingId: 'm',
		title: 't',
		locked: false,
		participants: [participant('a'), participant('b')],
		floorQueue: [],
		spotlight: null,
		activeSpeaker: 'a',
		waiting: [],
		roster: [],
		recording: { enabled: false, paused: false },
		settings: { joinMuted: false, lastN: 4, maxThumbnails: 12, downlinkKbps: 3200 },
		recentSpeakers: [],
	});

	it('applies on seq - 1 only: older or other rooms are stale, a skipped seq is a gap', () => {
		expect(applyRoomDelta(base(5), { roomId: 'r', seq: 5 }).kind).toBe('stale');
		expect(applyRoomDelta(base(5), { roomId: 'other', seq: 6 }).kind).toBe('stale');
		expect(applyRoomDelta(base(5), { roomId: 'r', seq: 7 }).kind).toBe('gap');
		const result = applyRoomDelta(base(5), { roomId: 'r', seq: 6, participants: [participant('b', false), participant('c')], left: ['a'], activeSpeaker: null, locked: true });
		expect(result.kind).toBe('applied');
		const next = (result as { snapshot: RoomSnapshot }).snapshot;
		expect(next.participants.map((p) => [p.id, p.micMuted])).toEqual([
			['b', false],
			['c', true],
		]);
		expect(next.activeSpeaker).toBeNull();
		expect(next.locked).toBe(true);
		expect(next.seq).toBe(6);
	});

	it('orders the roll call by rosterOrder and drops units no longer in it', () => {
		const entry = (unitId: string) => ({ unitId, unitName: unitId, host: false, state: 'absent' as const, since: null, firstJoinedAt: null, disconnections: 0, participantIds: [], waitingIds: [] });
		const withRoster = { ...base(1), roster: [entry('a'), entry('b')] };
		const result = applyRoomDelta(withRoster, { roomId: 'r', seq: 2, roster: [entry('c')], rosterOrder: ['c', 'a'] });
		expect((result as { snapshot: RoomSnapshot }).snapshot.roster.map((e) => e.unitId)).toEqual(['c', 'a']);
	});
});
