import type { RoomDelta, RoomSnapshot } from '../../shared/src/protocol/index.ts';
import { applyRoomDelta } from '../../shared/src/room/room-delta.ts';
import { ask, type TestClient } from './start-app.ts';

type Watcher = { match: (state: RoomSnapshot) => boolean; resolve: (state: RoomSnapshot) => void };

/** A signalling test client's copy of the room state, kept like the browser keeps it (deltas, resync on a gap). */
class RoomCopy {
	#state: RoomSnapshot | null = null;
	/**
	 * Deltas that came before the join reply was handled: an ack and the deltas right behind it can
	 * arrive in one network read, and the events of one read are all dispatched before the code
	 * awaiting the ack runs. Applied on top of the reply's snapshot.
	 */
	#early: RoomDelta[] = [];
	readonly watchers = new Set<Watcher>();
	/** Deltas that arrived with a gap, and resyncs asked: a test can assert both. */
	gaps = 0;
	#resyncing = false;

	constructor(readonly client: TestClient) {}

	get state(): RoomSnapshot {
		if (!this.#state) {
			throw new Error('this client has not joined yet');
		}
		return this.#state;
	}

	get started(): boolean {
		return this.#state !== null;
	}

	/** The join reply's snapshot: starts over from it, then applies the deltas that overtook it. */
	start(snapshot: RoomSnapshot): void {
		this.#state = snapshot;
		const early = this.#early.filter((d) => d.roomId === snapshot.roomId && d.seq > snapshot.seq).sort((a, b) => a.seq - b.seq);
		this.#early = [];
		this.set(snapshot);
		for (const delta of early) {
			this.onDelta(delta);
		}
	}

	set(state: RoomSnapshot): void {
		this.#state = state;
		for (const watcher of [...this.watchers]) {
			if (watcher.match(state)) {
				this.watchers.delete(watcher);
				watcher.resolve(state);
			}
		}
	}

	onDelta(delta: RoomDelta): void {
		if (!this.#state) {
			this.#early.push(delta);
			return;
		}
		const result = applyRoomDelta(this.state, delta);
		if (result.kind === 'applied') {
			this.set(result.snapshot);
		} else if (result.kind === 'gap' && !this.#resyncing) {
			this.gaps += 1;
			this.#resyncing = true;
			void ask<{ ok: boolean; data: RoomSnapshot }>(this.client, 'room:resync', {})
				.then((ack) => {
					if (ack.ok) {
						this.onSnapshot(ack.data);
					}
				})
				.finally(() => {
					this.#resyncing = false;
				});
		}
	}

	onSnapshot(snapshot: RoomSnapshot): void {
		if (snapshot.roomId !== this.state.roomId || snapshot.seq > this.state.seq) {
			this.set(snapshot);
		}
	}
}

const copies = new WeakMap<TestClient, RoomCopy>();

/** Starts listening before a join is sent, so that no delta is missed (see RoomCopy). */
export function listenRoom(client: TestClient): void {
	if (copies.has(client)) {
		return;
	}
	const copy = new RoomCopy(client);
	copies.set(client, copy);
	client.on('room:delta', (delta) => copy.onDelta(delta));
	client.on('room:snapshot', (s) => {
		if (copy.started) {
			copy.onSnapshot(s);
		}
	});
}

/** Starts (or restarts, after a rejoin) following the room state from a join reply's snapshot. */
export function trackRoom(client: TestClient, snapshot: RoomSnapshot): void {
	listenRoom(client);
	copies.get(client)!.start(snapshot);
}

/** The client's room state now. */
export function roomState(client: TestClient): RoomSnapshot {
	const copy = copies.get(client);
	if (!copy) {
		throw new Error('this client has not joined (trackRoom)');
	}
	return copy.state;
}

/** How many delta gaps this client had to resync. */
export function roomGaps(client: TestClient): number {
	return copies.get(client)?.gaps ?? 0;
}

/** Resolves with the room state once `match` holds for it (now or after later deltas). */
export function nextState(client: TestClient, match: (state: RoomSnapshot) => boolean, timeoutMs = 10000): Promise<RoomSnapshot> {
	const copy = copies.get(client);
	if (!copy?.started) {
		return Promise.reject(new Error('this client has not joined (trackRoom)'));
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
