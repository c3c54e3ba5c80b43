import type { RoomDelta, RoomSnapshot } from '../protocol/room.ts';
import { applyRoomDelta } from './room-delta.ts';

export type RoomFollowerOptions = {
	/** Asks the server for the whole state (room:resync); rejects when it cannot answer. */
	resync: () => Promise<RoomSnapshot>;
	/** Every new state, in order. */
	onState: (state: RoomSnapshot) => void;
	onResyncFailed?: (error: unknown) => void;
	/**
	 * Deltas kept while a join or a resync is under way (default 200), to apply on top of its answer
	 * instead of finding a gap again at once: at 170 sites a join or a mute arrives every few
	 * hundred ms. More are dropped; the gap they leave asks again.
	 */
	maxHeld?: number;
};

/**
 * A site's copy of the room state: a snapshot (the join reply or a room:resync answer), then the
 * room:delta broadcasts in seq order. On a gap it asks room:resync, one at a time, and keeps the
 * deltas that arrive meanwhile for the answer. The browser's RoomClient and the signalling tests
 * follow the room with this one class, so the tests check the state exactly as sites keep it.
 */
export class RoomFollower {
	readonly #options: RoomFollowerOptions;
	readonly #maxHeld: number;
	#state: RoomSnapshot | null = null;
	#held: RoomDelta[] = [];
	#joining = false;
	#resyncing = false;
	/** Bumped by every join: a resync answer asked before it may be of the room the meeting left. */
	#epoch = 0;
	#gaps = 0;
	#closed = false;

	constructor(options: RoomFollowerOptions) {
		this.#options = options;
		this.#maxHeld = options.maxHeld ?? 200;
	}

	get state(): RoomSnapshot | null {
		return this.#state;
	}

	/** How many gaps made it ask room:resync. */
	get gaps(): number {
		return this.#gaps;
	}

	/**
	 * A room:join is on its way. Deltas wait for its reply: the reply and the deltas right behind
	 * it can arrive in one network read, whose events are all dispatched before the code awaiting
	 * the reply runs.
	 */
	joining(): void {
		this.#joining = true;
		this.#epoch += 1;
	}

	/**
	 * The join's reply: its snapshot, then the deltas that overtook it. Null when the join failed
	 * or the site waits to be admitted: the deltas held are of no use then.
	 */
	joined(snapshot: RoomSnapshot | null): void {
		this.#joining = false;
		if (snapshot === null) {
			this.#held = [];
			return;
		}
		this.#apply(snapshot);
		this.#replayHeld(true);
	}

	onDelta(delta: RoomDelta): void {
		if (this.#closed) {
			return;
		}
		// Before any snapshot there is nothing to apply a delta to: the coming reply is its base.
		if (this.#joining || this.#resyncing || !this.#state) {
			if (this.#held.length < this.#maxHeld) {
				this.#held.push(delta);
			}
			return;
		}
		const result = applyRoomDelta(this.#state, delta);
		if (result.kind === 'applied') {
			this.#set(result.snapshot);
		} else if (result.kind === 'gap') {
			this.#held = [delta];
			void this.#resync();
		}
	}

	close(): void {
		this.#closed = true;
		this.#held = [];
	}

	async #resync(): Promise<void> {
		const epoch = this.#epoch;
		this.#resyncing = true;
		this.#gaps += 1;
		let snapshot: RoomSnapshot | null = null;
		try {
			snapshot = await this.#options.resync();
		} catch (error) {
			// The next gap asks again; a rejoin brings the whole state anyway.
			this.#options.onResyncFailed?.(error);
		}
		this.#resyncing = false;
		if (this.#closed || this.#joining) {
			// A join under way replays the held deltas on top of its own snapshot.
			return;
		}
		if (snapshot && epoch === this.#epoch) {
			this.#apply(snapshot);
		}
		this.#replayHeld(snapshot !== null);
	}

	/**
	 * Applies the held deltas in seq order on top of the state, skipping what it holds already. A
	 * gap left asks room:resync, unless `mayResync` is false (a resync just failed: then the next
	 * delta asks, rather than a loop against a failing server).
	 */
	#replayHeld(mayResync: boolean): void {
		const held = [...this.#held].sort((a, b) => a.seq - b.seq);
		this.#held = [];
		const base = this.#state;
		if (!base || this.#closed) {
			return;
		}
		let state = base;
		let gapAt = -1;
		for (const [index, delta] of held.entries()) {
			const result = applyRoomDelta(state, delta);
			if (result.kind === 'applied') {
				state = result.snapshot;
			} else if (result.kind === 'gap') {
				gapAt = index;
				break;
			}
		}
		if (state !== base) {
			this.#set(state);
		}
		if (gapAt >= 0) {
			if (this.#resyncing) {
				// The answer under way replays them.
				this.#held = held.slice(gapAt);
			} else if (mayResync) {
				this.#held = held.slice(gapAt);
				void this.#resync();
			}
		}
	}

	/**
	 * Keeps the newest state of the current room. A broadcast can overtake the join reply that
	 * carries an older snapshot; a snapshot of another room (the meeting moved to a new one after
	 * a media failure, seq starting again) always wins.
	 */
	#apply(snapshot: RoomSnapshot): void {
		if (this.#state?.roomId === snapshot.roomId && snapshot.seq <= this.#state.seq) {
			return;
		}
		this.#set(snapshot);
	}

	#set(state: RoomSnapshot): void {
		this.#state = state;
		this.#options.onState(state);
	}
}
