import type { RoomDelta, RoomSnapshot } from '#shared/protocol/index.ts';

/** One recipient of the room's state: chairs get the waiting room and the roll call too. */
export type Recipient = { chair: boolean; notify: (event: 'room:delta', payload: RoomDelta) => void };

/** What one class of recipients (chairs, everyone else) was last sent, as JSON per entry. */
type Sent = {
	participants: Map<string, string>;
	roster: Map<string, string>;
	rosterOrder: string;
	fields: Map<string, string>;
};

/** The parts of the state sent whole when they change. */
const FIELDS = ['locked', 'floorQueue', 'spotlight', 'activeSpeaker', 'recording', 'settings', 'recentSpeakers', 'waiting'] as const;

/**
 * The JSON of each entry of `snapshot`. `base` is another class's snapshot of the same flush: the
 * parts both share (the same objects) are not serialised twice.
 */
function sentOf(snapshot: RoomSnapshot, base?: { snapshot: RoomSnapshot; sent: Sent }): Sent {
	return {
		participants: base?.snapshot.participants === snapshot.participants ? base.sent.participants : new Map(snapshot.participants.map((p) => [p.id, JSON.stringify(p)])),
		roster: new Map(snapshot.roster.map((r) => [r.unitId, JSON.stringify(r)])),
		rosterOrder: snapshot.roster.map((r) => r.unitId).join(' '),
		fields: new Map(FIELDS.map((field) => [field, base?.snapshot[field] === snapshot[field] ? base.sent.fields.get(field)! : JSON.stringify(snapshot[field])])),
	};
}

/**
 * What changed between `before` (null: nothing sent yet) and `now`, with every changed entry
 * whole. Computed against the last state sent to the recipient's class; a recipient whose state
 * is newer (it joined in between) finds entries it already has, which replace themselves.
 */
function deltaOf(before: Sent | null, now: RoomSnapshot, nowSent: Sent): RoomDelta {
	const delta: RoomDelta = { roomId: now.roomId, seq: now.seq };
	const changed = now.participants.filter((p) => before?.participants.get(p.id) !== nowSent.participants.get(p.id));
	if (changed.length > 0) {
		delta.participants = changed;
	}
	const left = before ? [...before.participants.keys()].filter((id) => !nowSent.participants.has(id)) : [];
	if (left.length > 0) {
		delta.left = left;
	}
	const roster = now.roster.filter((r) => before?.roster.get(r.unitId) !== nowSent.roster.get(r.unitId));
	if (roster.length > 0) {
		delta.roster = roster;
	}
	if (before?.rosterOrder !== nowSent.rosterOrder && (before !== null || now.roster.length > 0)) {
		delta.rosterOrder = now.roster.map((r) => r.unitId);
	}
	for (const field of FIELDS) {
		if (before?.fields.get(field) !== nowSent.fields.get(field)) {
			Object.assign(delta, { [field]: now[field] });
		}
	}
	return delta;
}

/**
 * Sends the room's changes as deltas with an increasing seq, at most one per `delayMs` however
 * many changes came (a join storm of 170 sites is a few dozen small deltas, not 170 snapshots to
 * 170 sites). The join reply and room:resync carry the whole state at the last seq sent.
 */
export class RoomBroadcast {
	readonly #build: (seq: number) => RoomSnapshot;
	readonly #forChair: (plain: RoomSnapshot) => RoomSnapshot;
	readonly #recipients: () => Iterable<Recipient>;
	readonly #delayMs: number;
	#seq = 0;
	#timer: NodeJS.Timeout | null = null;
	#sent: { plain: Sent | null; chair: Sent | null } = { plain: null, chair: null };
	/** The snapshots of the last flush, per class (handed out until the next one). */
	#built: { plain: RoomSnapshot | null; chair: RoomSnapshot | null } = { plain: null, chair: null };
	#closed = false;

	/**
	 * `build`: the state everyone sees at `seq`; `forChair`: that state with what only chairs see
	 * (waiting room, roll call), sharing the rest, so that a flush builds the participants once.
	 */
	constructor(options: {
		build: (seq: number) => RoomSnapshot;
		forChair: (plain: RoomSnapshot) => RoomSnapshot;
		recipients: () => Iterable<Recipient>;
		delayMs: number;
	}) {
		this.#build = options.build;
		this.#forChair = options.forChair;
		this.#recipients = options.recipients;
		this.#delayMs = options.delayMs;
	}

	get seq(): number {
		return this.#seq;
	}

	/**
	 * The whole state for one recipient (join reply, resync): the state of its class at the last
	 * flush, exactly what the next delta is computed from. A snapshot ahead of that baseline could
	 * keep an entry that came and went before the next flush; and building a fresh one per join
	 * would flush per join, which a join storm of 170 sites turns into 170 broadcasts to 170 sites.
	 * A class that had nobody at the last flush (the first chair) is flushed now, which builds it.
	 * `own` (the asking site) is put in whole: it is in the next delta anyway. `fresh` (room:resync,
	 * rare) flushes pending changes first, so the state handed out is the newest.
	 */
	snapshot(forChair: boolean, options: { own?: (snapshot: RoomSnapshot) => RoomSnapshot; fresh?: boolean } = {}): RoomSnapshot {
		const kind = forChair ? 'chair' : 'plain';
		if (this.#built[kind]?.seq !== this.#seq || (options.fresh === true && this.#timer !== null)) {
			this.flush();
		}
		const built = this.#built[kind] ?? this.#buildClass(forChair);
		return options.own ? options.own(built) : built;
	}

	changed(): void {
		if (this.#closed || this.#timer) {
			return;
		}
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.flush();
		}, this.#delayMs);
	}

	/** Sends what changed now. */
	flush(): void {
		if (this.#closed) {
			return;
		}
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = null;
		}
		this.#seq += 1;
		const recipients = [...this.#recipients()];
		this.#built = { plain: null, chair: null };
		const deltas = { plain: undefined as RoomDelta | undefined, chair: undefined as RoomDelta | undefined };
		let base: { snapshot: RoomSnapshot; sent: Sent } | undefined;
		let plain: RoomSnapshot | undefined;
		for (const kind of ['plain', 'chair'] as const) {
			// A class with nobody in it keeps its old baseline: its next delta carries everything since.
			if (!recipients.some((r) => r.chair === (kind === 'chair'))) {
				continue;
			}
			plain ??= this.#build(this.#seq);
			const snapshot = kind === 'chair' ? this.#forChair(plain) : plain;
			this.#built[kind] = snapshot;
			const sent = sentOf(snapshot, base);
			base ??= { snapshot, sent };
			deltas[kind] = deltaOf(this.#sent[kind], snapshot, sent);
			this.#sent[kind] = sent;
		}
		for (const recipient of recipients) {
			const delta = recipient.chair ? deltas.chair : deltas.plain;
			if (delta) {
				recipient.notify('room:delta', delta);
			}
		}
	}

	#buildClass(forChair: boolean): RoomSnapshot {
		const plain = this.#build(this.#seq);
		return forChair ? this.#forChair(plain) : plain;
	}

	close(): void {
		this.#closed = true;
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = null;
		}
	}
}
