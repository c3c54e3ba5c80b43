import type { RoomSnapshot } from '../../shared/src/protocol/index.ts';
import { RoomFollower } from '../../shared/src/room/room-follower.ts';
import { ask, type TestClient } from './start-app.ts';

type Watcher = { match: (state: RoomSnapshot) => boolean; resolve: (state: RoomSnapshot) => void };

/** A signalling test client's copy of the room state, followed exactly as the browser follows it. */
class RoomCopy {
	readonly watchers = new Set<Watcher>();
	readonly follower: RoomFollower;

	constructor(client: TestClient) {
		this.follower = new RoomFollower({
			resync: async () => {
				const ack = await ask<{ ok: boolean; data: RoomSnapshot; error?: unknown }>(client, 'room:resync', {});
				if (!ack.ok) {
					throw new Error(`room:resync failed: ${JSON.stringify(ack.error)}`);
				}
				return ack.data;
			},
			onState: (state) => {
				for (const watcher of [...this.watchers]) {
					if (watcher.match(state)) {
						this.watchers.delete(watcher);
						watcher.resolve(state);
					}
				}
			},
		});
		client.on('room:delta', (delta) => this.follower.onDelta(delta));
	}

	get state(): RoomSnapshot {
		const state = this.follower.state;
		if (!state) {
			throw new Error('this client has not joined yet');
		}
		return state;
	}
}

const copies = new WeakMap<TestClient, RoomCopy>();

export type Joined = { status: 'joined' | 'waiting'; participantId: string; snapshot: RoomSnapshot };
type JoinAck = { ok: boolean; data: Joined; error?: { code: string; message: string } };

/**
 * Sends room:join and follows the room state from its reply (again after a rejoin), keeping the
 * deltas that overtake the reply, as the browser does.
 */
export async function joinRoom(client: TestClient, payload: object, timeoutMs?: number): Promise<JoinAck> {
	let copy = copies.get(client);
	if (!copy) {
		copy = new RoomCopy(client);
		copies.set(client, copy);
	}
	copy.follower.joining();
	let ack: JoinAck | undefined;
	try {
		ack = await ask<JoinAck>(client, 'room:join', payload, timeoutMs);
	} finally {
		copy.follower.joined(ack?.ok && ack.data.status === 'joined' ? ack.data.snapshot : null);
	}
	return ack;
}

/** The client's room state now. */
export function roomState(client: TestClient): RoomSnapshot {
	const copy = copies.get(client);
	if (!copy) {
		throw new Error('this client has not joined (joinRoom)');
	}
	return copy.state;
}

/** How many delta gaps this client had to resync. */
export function roomGaps(client: TestClient): number {
	return copies.get(client)?.follower.gaps ?? 0;
}

/** Resolves with the room state once `match` holds for it (now or after later deltas). */
export function nextState(client: TestClient, match: (state: RoomSnapshot) => boolean, timeoutMs = 10000): Promise<RoomSnapshot> {
	const copy = copies.get(client);
	if (!copy?.follower.state) {
		return Promise.reject(new Error('this client has not joined (joinRoom)'));
	}
	if (match(copy.state)) {
		return Promise.resolve(copy.state);
	}
	return new Promise((resolve, reject) => {
		const watcher: Watcher = {
			match,
			resolve: (state) => {
				clearTimeout(timer);
				resolve(state);
			},
		};
		const timer = setTimeout(() => {
			copy.watchers.delete(watcher);
			reject(new Error(`room state did not match within ${timeoutMs} ms; last: ${JSON.stringify(copy.state).slice(0, 400)}`));
		}, timeoutMs);
		copy.watchers.add(watcher);
	});
}
