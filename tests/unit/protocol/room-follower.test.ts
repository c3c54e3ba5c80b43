import { describe, expect, it } from 'vitest';
import type { RoomDelta, RoomSnapshot } from '../../../shared/src/protocol/index.ts';
import { RoomFollower } from '../../../shared/src/room/room-follower.ts';
import { participant, snapshot } from '../client/fake-room-server.ts';

type Answer = { resolve: (state: RoomSnapshot) => void; reject: (error: Error) => void };

function delta(seq: number, change: Omit<RoomDelta, 'roomId' | 'seq'> = {}, roomId = 'room-1'): RoomDelta {
	return { roomId, seq, ...change };
}

/** A follower whose room:resync answers wait for the test. */
function follower() {
	const asked: Answer[] = [];
	const states: number[] = [];
	const room = new RoomFollower({
		resync: () => new Promise<RoomSnapshot>((resolve, reject) => asked.push({ resolve, reject })),
		onState: (state) => states.push(state.seq),
		onResyncFailed: () => undefined,
	});
	return { room, asked, states };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RoomFollower', () => {
	it('applies the deltas that overtook the join reply on top of its snapshot', () => {
		const { room, states } = follower();
		room.joining();
		room.onDelta(delta(3, { locked: true }));
		room.onDelta(delta(2, { participants: [participant('third')] }));
		room.onDelta(delta(1, { spotlight: 'stale: the reply holds it' }));
		room.joined(snapshot(1));
		expect(room.state).toMatchObject({ seq: 3, locked: true, spotlight: null });
		expect(room.state?.participants.map((p) => p.id)).toEqual(['me', 'other', 'third']);
		expect(states).toEqual([1, 3]);
		expect(room.gaps).toBe(0);
	});

	it('keeps the deltas that arrive during a resync and applies those its answer lacks', async () => {
		const { room, asked } = follower();
		room.joining();
		room.joined(snapshot(1));
		room.onDelta(delta(3, { locked: true })); // 2 lost
		room.onDelta(delta(4, { spotlight: 'other' }));
		room.onDelta(delta(5, { recentSpeakers: ['other'] }));
		expect(asked).toHaveLength(1);
		expect(room.state?.seq).toBe(1);
		asked[0]!.resolve({ ...snapshot(4), locked: true, spotlight: 'other' });
		await settle();
		expect(room.state).toMatchObject({ seq: 5, locked: true, spotlight: 'other', recentSpeakers: ['other'] });
		expect(asked).toHaveLength(1);
		expect(room.gaps).toBe(1);
	});

	it('drops a resync answer asked before a rejoin, whose room the meeting may have left', async () => {
		const { room, asked } = follower();
		room.joining();
		room.joined(snapshot(1));
		room.onDelta(delta(3));
		expect(asked).toHaveLength(1);
		room.joining();
		room.joined({ ...snapshot(1), roomId: 'room-2' });
		room.onDelta(delta(2, { locked: true }, 'room-2'));
		asked[0]!.resolve(snapshot(7));
		await settle();
		expect(room.state).toMatchObject({ roomId: 'room-2', seq: 2, locked: true });
		expect(asked).toHaveLength(1);
	});

	it('asks again after a failed resync only when the next gap comes, and stops when closed', async () => {
		const { room, asked } = follower();
		room.joining();
		room.joined(snapshot(1));
		room.onDelta(delta(3));
		asked[0]!.reject(new Error('no answer'));
		await settle();
		expect(asked).toHaveLength(1);
		expect(room.state?.seq).toBe(1);
		room.onDelta(delta(5));
		expect(asked).toHaveLength(2);
		asked[1]!.resolve(snapshot(4));
		await settle();
		expect(room.state?.seq).toBe(5);

		room.close();
		room.onDelta(delta(7));
		expect(asked).toHaveLength(2);
		room.onDelta(delta(6));
		expect(room.state?.seq).toBe(5);
	});
});
