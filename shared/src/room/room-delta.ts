import type { ParticipantView, RoomDelta, RoomSnapshot } from '../protocol/room.ts';

/**
 * The outcome of applying a delta: the new state, `stale` (an older or same seq of this room, or
 * another room's: ignore it) or `gap` (a seq is missing: ask room:resync for the whole state).
 */
export type DeltaResult = { kind: 'applied'; snapshot: RoomSnapshot } | { kind: 'stale' } | { kind: 'gap' };

function upsert<T>(list: readonly T[], changed: readonly T[] | undefined, key: (item: T) => string): T[] {
	if (!changed || changed.length === 0) {
		return [...list];
	}
	const byKey = new Map(changed.map((item) => [key(item), item]));
	const result = list.map((item) => {
		const replacement = byKey.get(key(item));
		if (replacement) {
			byKey.delete(key(item));
			return replacement;
		}
		return item;
	});
	return [...result, ...byKey.values()];
}

/**
 * The order of the room's participants everywhere: by arrival (joinedAt, then id). The server
 * lists them so, and a client that learned of them in another order (its join reply, then deltas)
 * ends with the same list.
 */
export function byArrival(a: ParticipantView, b: ParticipantView): number {
	return a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Applies a room:delta on top of the state the client has. The server sends the delta of seq N
 * to every site whose state is at N - 1; a snapshot built between two flushes may already hold
 * some of the next delta's changes, which is why every part of a delta replaces whole entries.
 */
export function applyRoomDelta(current: RoomSnapshot, delta: RoomDelta): DeltaResult {
	if (delta.roomId !== current.roomId || delta.seq <= current.seq) {
		return { kind: 'stale' };
	}
	if (delta.seq !== current.seq + 1) {
		return { kind: 'gap' };
	}
	const left = new Set(delta.left ?? []);
	const participants = upsert(current.participants, delta.participants, (p) => p.id)
		.filter((p) => !left.has(p.id))
		.sort(byArrival);
	let roster = upsert(current.roster, delta.roster, (r) => r.unitId);
	if (delta.rosterOrder) {
		const byUnit = new Map(roster.map((r) => [r.unitId, r]));
		roster = delta.rosterOrder.flatMap((unitId) => byUnit.get(unitId) ?? []);
	}
	return {
		kind: 'applied',
		snapshot: {
			...current,
			seq: delta.seq,
			participants,
			roster,
			waiting: delta.waiting ?? current.waiting,
			locked: delta.locked ?? current.locked,
			floorQueue: delta.floorQueue ?? current.floorQueue,
			spotlight: delta.spotlight !== undefined ? delta.spotlight : current.spotlight,
			activeSpeaker: delta.activeSpeaker !== undefined ? delta.activeSpeaker : current.activeSpeaker,
			recording: delta.recording ?? current.recording,
			settings: delta.settings ?? current.settings,
			recentSpeakers: delta.recentSpeakers ?? current.recentSpeakers,
		},
	};
}
