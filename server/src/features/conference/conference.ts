import { randomUUID } from 'node:crypto';
import type { LeaveReason } from '#shared/api/meetings.ts';
import type { NotificationName, NotificationOf, RoomSnapshot } from '#shared/protocol/index.ts';
import type { MeetingEndReason, SiteRef } from '../../domain/meeting-events.ts';
import { ForbiddenError, InvalidStateError, NotFoundError, UnavailableError } from '../../lib/errors.ts';
import { SerialQueue } from '../../lib/serial-queue.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import type { MediaRoom } from '../../sfu/media-room.ts';
import type { Peer, Source } from '../../sfu/peer.ts';
import type { AttendanceLedger } from '../../domain/attendance-ledger.ts';
import { buildRoster, sortRosterUnits, type RosterUnit } from './conference-roster.ts';
import { buildSnapshot } from './conference-snapshot.ts';
import type { MeetingJournal } from './meeting-journal.ts';

/** Sends one notification to one site; the socket layer provides it. */
export type Notify = <K extends NotificationName>(event: K, payload: NotificationOf<K>) => void;

/** Who is joining: a unit's site, optionally a signed-in person of it. */
export type Identity = {
	unitId: string;
	unitName: string;
	userId: string | null;
	displayName: string;
	host: boolean;
	chair: boolean;
};

/**
 * The window a request comes from (its socket): a window never replaces itself. `address` is the
 * client's network address, written with the chair's actions.
 */
export type Connection = { id: string; notify: Notify; address: string };

/**
 * Re-checks, inside the meeting's queue, that the site may still join: a link renewed or a unit
 * uninvited between the request's first check and its turn must not let the site in. Throws if not.
 */
export type JoinRecheck = () => Promise<void>;

export type Participant = Identity & {
	id: string;
	key: string;
	connectionId: string;
	address: string;
	joinedAt: Date;
	peer: Peer;
	notify: Notify;
	audioOnly: boolean;
};

export type Waiting = Identity & { id: string; key: string; connectionId: string; address: string; since: Date; notify: Notify };

/**
 * The chair's decisions about sites, by access key (see accessKey), kept by the registry for the
 * whole meeting: a rejoin after a media failure or a reload lands in a new room and must be
 * treated alike.
 */
export type SiteAccess = {
	/**
	 * In the meeting already (joined at any time, or admitted from the waiting room): a site that
	 * only lost its connection comes back into a locked room without waiting.
	 */
	admitted: Set<string>;
	/** Removed by the chair: they wait for admission to come back. */
	removed: Set<string>;
	/** Muted by the chair: their microphone stays off until the floor or an unmute request. */
	muted: Set<string>;
};

/**
 * Whom the chair's decisions apply to. A member unit is one site, however it joins: removing or
 * muting it holds for its join link and its operators' accounts alike, so switching between them
 * changes nothing. Host-unit staff are several people in one unit (chair, secretary, admin), so
 * there the decision is per person.
 */
export function accessKey(identity: Pick<Identity, 'unitId' | 'userId' | 'host'>): string {
	return identity.host ? `${identity.unitId}:${identity.userId ?? 'link'}` : identity.unitId;
}

export type JoinResult = { status: 'joined'; participant: Participant } | { status: 'waiting'; id: string };

/**
 * The room is gone but the meeting goes on (its media failed, or it was closed while empty):
 * joining again opens a new room. The registry retries on this error.
 */
export class RoomClosedError extends UnavailableError {
	constructor() {
		super('The meeting moved to a new media room; join again');
	}
}

export type ConferenceEvents = {
	closed: [];
	/** Sites connected or waiting, after each change of that number. */
	occupancy: [size: number];
};

type Log = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

type CloseCause = 'ended' | 'cancelled' | 'media-failure' | 'idle' | 'shutdown';

/**
 * The roll call's sources: the meeting's units (re-read when a unit not listed joins, or units
 * were withdrawn) and the attendance so far, which the room keeps up to date as sites come and go.
 */
export type RosterSource = { units: RosterUnit[]; ledger: AttendanceLedger; readUnits: () => Promise<RosterUnit[]> };

function siteOf(p: Participant): SiteRef {
	return { participantId: p.id, unitId: p.unitId, unitName: p.unitName };
}

/**
 * A live meeting: its sites, waiting room, floor queue, spotlight and lock, over one MediaRoom.
 *
 * Every change runs in one queue, one at a time in arrival order: a change that awaits (a
 * database write, a mediasoup request) finishes before the next one reads the state, so checks
 * cannot go stale across an await. Changes that must be durable are written before memory
 * changes (join, lock) or recorded right after (leave); the journal publishes the meeting
 * events after each write. Every change is broadcast as a snapshot with an increasing seq.
 */
export class Conference extends TypedEmitter<ConferenceEvents> {
	readonly meetingId: string;
	readonly title: string;
	readonly #media: MediaRoom;
	readonly #journal: MeetingJournal;
	readonly #log: Log;
	readonly #queue = new SerialQueue();
	readonly #participants = new Map<string, Participant>();
	readonly #waiting = new Map<string, Waiting>();
	readonly #access: SiteAccess;
	readonly #roster: RosterSource | undefined;
	#floorQueue: { participantId: string; since: Date }[] = [];
	#spotlight: string | null = null;
	#activeSpeaker: string | null = null;
	#locked: boolean;
	#recording: { enabled: boolean; paused: boolean };
	readonly #readRecording: (() => Promise<{ enabled: boolean; paused: boolean }>) | undefined;
	readonly #roomId = randomUUID();
	#seq = 0;
	#lastSize = 0;
	#closeCause: CloseCause | null = null;

	constructor(options: {
		meetingId: string;
		title: string;
		locked: boolean;
		recording: { enabled: boolean; paused: boolean };
		/** Reads the recording setting again when the host starts the meeting (it may have been edited while communes waited). */
		readRecording?: () => Promise<{ enabled: boolean; paused: boolean }>;
		access: SiteAccess;
		/** Without one (the benchmark's rooms) the chair's roll call is empty. */
		roster?: RosterSource;
		media: MediaRoom;
		journal: MeetingJournal;
		log: Log;
	}) {
		super((event, error) => options.log.error({ err: error, event }, 'Conference listener threw'));
		this.meetingId = options.meetingId;
		this.title = options.title;
		this.#locked = options.locked;
		this.#recording = { ...options.recording };
		this.#readRecording = options.readRecording;
		this.#access = options.access;
		this.#roster = options.roster && { ...options.roster, units: sortRosterUnits(options.roster.units) };
		this.#media = options.media;
		this.#journal = options.journal;
		this.#log = options.log;
		this.#followMedia();
	}

	get closed(): boolean {
		return this.#closeCause !== null;
	}

	/** Closed because the meeting is over (ended or cancelled), not because its media failed or it was freed while empty. */
	get ended(): boolean {
		return this.#closeCause === 'ended' || this.#closeCause === 'cancelled';
	}

	get size(): number {
		return this.#participants.size + this.#waiting.size;
	}

	get routerRtpCapabilities(): MediaRoom['routerRtpCapabilities'] {
		return this.#media.routerRtpCapabilities;
	}

	participant(id: string): Participant | undefined {
		return this.#participants.get(id);
	}

	/** Producers a site should consume: everyone's but its own. */
	producersFor(participantId: string): { participantId: string; producerId: string; kind: 'audio' | 'video'; source: Source }[] {
		return this.#media
			.producers()
			.filter((p) => p.participantId !== participantId)
			.map((p) => ({ participantId: p.participantId, producerId: p.producer.id, kind: p.producer.kind, source: p.source }));
	}

	/** Joins or queues a site. Another window of the same site is replaced by this one. */
	join(identity: Identity, connection: Connection, recheck?: JoinRecheck): Promise<JoinResult> {
		return this.#queue.push(async () => {
			this.#assertOpen();
			await recheck?.();
			return this.#join(identity, connection);
		});
	}

	leave(participantId: string, reason: LeaveReason): Promise<void> {
		return this.#queue.push(() => this.#leave(participantId, reason));
	}

	setState(participantId: string, state: { audioOnly?: boolean | undefined }): Promise<void> {
		return this.#queue.push(() => {
			const participant = this.#require(participantId);
			if (state.audioOnly !== undefined) {
				participant.audioOnly = state.audioOnly;
			}
			this.#changed();
		});
	}

	/**
	 * The site pauses or resumes one of its own producers (its microphone button, its camera). A
	 * microphone the chair muted stays off until the chair gives the floor or asks to unmute.
	 */
	setOwnProducerPaused(participantId: string, producerId: string, paused: boolean): Promise<void> {
		return this.#queue.push(async () => {
			const participant = this.#require(participantId);
			if (paused) {
				await participant.peer.pauseProducer(producerId);
				return;
			}
			if (participant.peer.producerBySource('microphone')?.id === producerId && this.#mutedByChair(participant)) {
				throw new ForbiddenError('The chair muted this site; ask for the floor to speak', { reason: 'chair_muted' });
			}
			await participant.peer.resumeProducer(producerId);
		});
	}

	requestFloor(participantId: string): Promise<number> {
		return this.#queue.push(() => {
			this.#require(participantId);
			const index = this.#floorQueue.findIndex((f) => f.participantId === participantId);
			if (index >= 0) {
				return index + 1;
			}
			this.#floorQueue.push({ participantId, since: new Date() });
			this.#changed();
			return this.#floorQueue.length;
		});
	}

	cancelFloor(participantId: string): Promise<void> {
		return this.#queue.push(() => {
			this.#require(participantId);
			this.#floorQueue = this.#floorQueue.filter((f) => f.participantId !== participantId);
			this.#changed();
		});
	}

	/** The chair lets others go first: the site moves to the end of the queue. */
	skipFloor(chairId: string, targetId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const entry = this.#queuedEntry(targetId);
			this.#floorQueue = [...this.#floorQueue.filter((f) => f !== entry), entry];
			this.#changed();
			await this.#journal.action(chair, 'floor.skipped', this.#participants.get(targetId)?.unitId ?? null);
		});
	}

	/** The chair declines a request for the floor: off the queue, and the site is told. */
	declineFloor(chairId: string, targetId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const entry = this.#queuedEntry(targetId);
			this.#floorQueue = this.#floorQueue.filter((f) => f !== entry);
			const target = this.#participants.get(targetId);
			target?.notify('floor:declined', {});
			this.#changed();
			await this.#journal.action(chair, 'floor.declined', target?.unitId ?? null);
		});
	}

	grantFloor(chairId: string, targetId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const target = this.#require(targetId);
			const previous = this.#spotlight;
			if (previous && previous !== targetId) {
				await this.#muteMicrophone(previous);
			}
			this.#floorQueue = this.#floorQueue.filter((f) => f.participantId !== targetId);
			this.#spotlight = targetId;
			this.#access.muted.delete(accessKey(target));
			const mic = target.peer.producerBySource('microphone');
			if (mic?.paused) {
				await mic.resume();
			}
			target.notify('floor:granted', {});
			this.#changed();
			await this.#journal.action(chair, 'floor.granted', target.unitId);
		});
	}

	endFloor(chairId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const speaker = this.#spotlight;
			if (!speaker) {
				throw new InvalidStateError('Nobody has the floor', { reason: 'no_floor' });
			}
			await this.#muteMicrophone(speaker);
			this.#spotlight = null;
			this.#changed();
			await this.#journal.action(chair, 'floor.ended', this.#participants.get(speaker)?.unitId ?? null);
		});
	}

	mute(chairId: string, targetId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const target = this.#require(targetId);
			await this.#muteMicrophone(targetId);
			this.#changed();
			await this.#journal.action(chair, 'site.muted', target.unitId);
		});
	}

	muteAll(chairId: string): Promise<number> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			let muted = 0;
			for (const p of [...this.#participants.values()]) {
				if (p.id !== chairId && (await this.#muteMicrophone(p.id))) {
					muted += 1;
				}
			}
			this.#changed();
			await this.#journal.action(chair, 'all.muted', null, `${muted}`);
			return muted;
		});
	}

	askUnmute(chairId: string, targetId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const target = this.#require(targetId);
			// The site accepts by turning its microphone on, which the chair's mute no longer blocks.
			this.#access.muted.delete(accessKey(target));
			target.notify('chair:unmute-requested', {});
			this.#changed();
			await this.#journal.action(chair, 'unmute.requested', target.unitId);
		});
	}

	remove(chairId: string, targetId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const target = this.#require(targetId);
			if (target.id === chair.id) {
				throw new InvalidStateError('The chair cannot remove itself');
			}
			if (target.chair) {
				throw new InvalidStateError('The chair cannot be removed');
			}
			const key = accessKey(target);
			this.#access.removed.add(key);
			this.#access.admitted.delete(key);
			// Every window of the removed site goes: its link and its operators' accounts are one site.
			for (const p of [...this.#participants.values()]) {
				if (accessKey(p) === key) {
					p.notify('room:closed', { reason: 'removed' });
					await this.#leave(p.id, 'removed');
				}
			}
			await this.#journal.action(chair, 'site.removed', target.unitId);
		});
	}

	/** The lock changes in memory only once it is on disk, so a failed write leaves the room as it was. */
	lock(chairId: string, locked: boolean): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			await this.#journal.locked(locked);
			this.#locked = locked;
			if (locked) {
				// Sites inside when the chair locks are in the meeting: a reload or a rejoin after a
				// media failure brings them back without waiting.
				for (const p of this.#participants.values()) {
					this.#access.admitted.add(accessKey(p));
				}
			}
			this.#changed();
			await this.#journal.action(chair, locked ? 'meeting.locked' : 'meeting.unlocked', null);
		});
	}

	/** Like the lock: on disk first, then the room and the recorders (through recording:changed). */
	pauseRecording(chairId: string, paused: boolean): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			if (!this.#recording.enabled) {
				throw new InvalidStateError('This meeting is not recorded');
			}
			if (this.#recording.paused === paused) {
				return;
			}
			await this.#journal.recordingPaused(paused);
			this.#recording.paused = paused;
			this.#changed();
			await this.#journal.action(chair, paused ? 'recording.paused' : 'recording.resumed', null);
		});
	}

	admit(chairId: string, waitingId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const waiting = this.#takeWaiting(waitingId);
			this.#access.admitted.add(accessKey(waiting));
			this.#access.removed.delete(accessKey(waiting));
			waiting.notify('room:admitted', { meetingId: this.meetingId });
			this.#changed();
			await this.#journal.action(chair, 'waiting.admitted', waiting.unitId);
		});
	}

	deny(chairId: string, waitingId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			const waiting = this.#takeWaiting(waitingId);
			waiting.notify('room:closed', { reason: 'denied' });
			this.#changed();
			await this.#journal.action(chair, 'waiting.denied', waiting.unitId);
		});
	}

	/** The chair ends the meeting for everyone. */
	end(chairId: string): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			await this.#journal.action(chair, 'meeting.ended', null);
			await this.#end('chair');
		});
	}

	/** Ends the meeting if nobody is connected or waiting; false if somebody is. */
	endIfIdle(reason: Exclude<MeetingEndReason, 'chair'>): Promise<boolean> {
		return this.#queue.push(async () => {
			if (this.closed || this.size > 0) {
				return false;
			}
			await this.#end(reason);
			return true;
		});
	}

	/** Frees the media of a room left empty; the meeting stays live and the next join opens a new room. */
	closeIfEmpty(): Promise<void> {
		return this.#queue.push(() => {
			if (!this.closed && this.size === 0) {
				this.#close('idle');
			}
		});
	}

	/**
	 * Sites whose access was taken away (link renewed, unit uninvited, account disabled) leave at
	 * once, waiting ones included; returns how many connected sites left.
	 */
	revoke(matches: (site: Identity) => boolean): Promise<number> {
		return this.#queue.push(async () => {
			if (this.closed) {
				return 0;
			}
			let revoked = 0;
			for (const w of [...this.#waiting.values()]) {
				if (matches(w)) {
					this.#waiting.delete(w.id);
					w.notify('room:closed', { reason: 'revoked' });
					this.#changed();
				}
			}
			for (const p of [...this.#participants.values()]) {
				if (matches(p)) {
					p.notify('room:closed', { reason: 'revoked' });
					await this.#leave(p.id, 'revoked');
					revoked += 1;
				}
			}
			return revoked;
		});
	}

	/** Units were invited or withdrawn: the chair's roll call lists the new set. */
	refreshRoster(): Promise<void> {
		return this.#queue.push(async () => {
			if (this.closed) {
				return;
			}
			await this.#refreshRosterUnits();
			this.#changed();
		});
	}

	/** The meeting was cancelled: everyone leaves (revoked) and the room closes for good. */
	cancelled(): Promise<void> {
		return this.#queue.push(async () => {
			if (this.closed) {
				return;
			}
			try {
				for (const w of this.#waiting.values()) {
					w.notify('room:closed', { reason: 'revoked' });
				}
				this.#waiting.clear();
				for (const p of [...this.#participants.values()]) {
					p.notify('room:closed', { reason: 'revoked' });
					await this.#leave(p.id, 'revoked');
				}
			} finally {
				this.#close('cancelled');
			}
		});
	}

	/** Server shutdown: every site's leave is recorded, then the room closes. */
	shutdown(): Promise<void> {
		return this.#queue.push(async () => {
			if (this.closed) {
				return;
			}
			for (const id of [...this.#participants.keys()]) {
				await this.#leave(id, 'server-restart');
			}
			this.#close('shutdown');
		});
	}

	snapshotFor(participantId: string): RoomSnapshot {
		return this.#snapshot(this.#participants.get(participantId)?.chair ?? false);
	}

	/** Closes the room at once, without records (no leaves, no events): for a room no meeting depends on, such as the benchmark's. */
	close(): void {
		this.#close('shutdown');
	}

	/** Resolves once every change queued so far has finished (leaves recorded after a media failure included). */
	drain(): Promise<void> {
		return this.#queue.drain();
	}

	async #join(identity: Identity, connection: Connection): Promise<JoinResult> {
		this.#assertOpen();
		// One window per person (or per link): a second one replaces the first.
		const key = `${identity.unitId}:${identity.userId ?? 'link'}`;
		const access = accessKey(identity);
		// The chair never waits (nobody else could admit anyone). Host-unit staff pass the lock (the
		// lock keeps out communes, not the organisers) but not a removal.
		const mustWait =
			!identity.chair && ((this.#locked && !identity.host && !this.#access.admitted.has(access)) || this.#access.removed.has(access));
		if (mustWait) {
			for (const w of [...this.#waiting.values()]) {
				if (w.key === key) {
					this.#waiting.delete(w.id);
					if (w.connectionId !== connection.id) {
						w.notify('room:closed', { reason: 'replaced' });
					}
				}
			}
			const id = randomUUID();
			this.#waiting.set(id, { ...identity, id, key, connectionId: connection.id, address: connection.address, since: new Date(), notify: connection.notify });
			this.#changed();
			return { status: 'waiting', id };
		}
		for (const existing of [...this.#participants.values()]) {
			if (existing.key === key) {
				const self = existing.connectionId === connection.id;
				if (!self) {
					existing.notify('room:closed', { reason: 'replaced' });
				}
				await this.#leave(existing.id, self ? 'left' : 'replaced');
			}
		}
		const id = randomUUID();
		const start = identity.host && !this.#journal.started;
		// Written first: a site the database does not know as present never enters the room.
		await this.#journal.joined({ participantId: id, ...identity }, start);
		if (start && this.#readRecording) {
			this.#recording = await this.#readRecording().catch(() => this.#recording);
		}
		if (this.#roster && !this.#roster.units.some((u) => u.unitId === identity.unitId)) {
			// Invited while the meeting was live: the roll call learns of it now (before the check
			// below, which must be the last thing after an await).
			await this.#refreshRosterUnits();
		}
		if (this.closed) {
			// The media failed during the write: the join is on record, so is its end.
			await this.#journal.left({ participantId: id, unitId: identity.unitId, unitName: identity.unitName }, 'media-failure');
			this.#assertOpen();
		}
		this.#roster?.ledger.apply({ unitId: identity.unitId, kind: 'join', reason: '', at: new Date() });
		this.#access.admitted.add(access);
		const participant: Participant = {
			...identity,
			id,
			key,
			connectionId: connection.id,
			address: connection.address,
			joinedAt: new Date(),
			peer: this.#media.createPeer(id),
			notify: connection.notify,
			audioOnly: false,
		};
		this.#participants.set(id, participant);
		this.#changed();
		return { status: 'joined', participant };
	}

	async #leave(participantId: string, reason: LeaveReason): Promise<void> {
		if (this.#waiting.delete(participantId)) {
			this.#changed();
			return;
		}
		const participant = this.#participants.get(participantId);
		if (!participant) {
			return;
		}
		// The peer closes while the site is still listed, so its producers' removal names it.
		participant.peer.close();
		this.#participants.delete(participantId);
		this.#floorQueue = this.#floorQueue.filter((f) => f.participantId !== participantId);
		if (this.#spotlight === participantId) {
			this.#spotlight = null;
		}
		if (this.#activeSpeaker === participantId) {
			this.#activeSpeaker = null;
		}
		this.#roster?.ledger.apply({ unitId: participant.unitId, kind: 'leave', reason, at: new Date() });
		this.#changed();
		await this.#journal.left(siteOf(participant), reason);
	}

	/** A failed read keeps the units known: the roll call is a view, not a reason to fail a join. */
	async #refreshRosterUnits(): Promise<void> {
		const roster = this.#roster;
		if (!roster) {
			return;
		}
		try {
			roster.units = sortRosterUnits(await roster.readUnits());
		} catch (error) {
			this.#log.warn({ err: error, meetingId: this.meetingId }, 'could not re-read the units of the roll call');
		}
	}

	async #end(reason: MeetingEndReason): Promise<void> {
		try {
			for (const p of [...this.#participants.values()]) {
				p.notify('room:closed', { reason: 'ended' });
				await this.#leave(p.id, 'ended');
			}
			for (const w of this.#waiting.values()) {
				w.notify('room:closed', { reason: 'ended' });
			}
			this.#waiting.clear();
			await this.#journal.ended(reason);
		} finally {
			this.#close('ended');
		}
	}

	#close(cause: CloseCause): void {
		if (this.#closeCause) {
			return;
		}
		this.#closeCause = cause;
		for (const p of this.#participants.values()) {
			p.peer.close();
		}
		this.#participants.clear();
		this.#waiting.clear();
		this.#media.close();
		this.safeEmit('closed');
	}

	#queuedEntry(participantId: string): { participantId: string; since: Date } {
		const entry = this.#floorQueue.find((f) => f.participantId === participantId);
		if (!entry) {
			throw new NotFoundError('That site is not asking for the floor', { reason: 'not_asking_floor' });
		}
		return entry;
	}

	#takeWaiting(waitingId: string): Waiting {
		const waiting = this.#waiting.get(waitingId);
		if (!waiting) {
			throw new NotFoundError('That site is no longer waiting', { reason: 'not_waiting' });
		}
		this.#waiting.delete(waitingId);
		return waiting;
	}

	/**
	 * The chair's mute: remembered for the site (so its own button, a reload or a rejoin cannot
	 * undo it) and applied to its microphone if on; true if a microphone was turned off.
	 */
	async #muteMicrophone(participantId: string): Promise<boolean> {
		const participant = this.#participants.get(participantId);
		if (!participant || participant.chair) {
			return false;
		}
		this.#access.muted.add(accessKey(participant));
		const mic = participant.peer.producerBySource('microphone');
		if (!mic || mic.paused) {
			return false;
		}
		await mic.pause();
		participant.notify('chair:muted', {});
		return true;
	}

	#mutedByChair(participant: Identity): boolean {
		return this.#access.muted.has(accessKey(participant));
	}

	/** Media changes happen outside the queue (mediasoup reports them); they only broadcast and publish. */
	#followMedia(): void {
		const siteRef = (participantId: string): SiteRef => {
			const p = this.#participants.get(participantId);
			return { participantId, unitId: p?.unitId ?? '', unitName: p?.unitName ?? '' };
		};
		const media = this.#media;
		media.on('producer-added', (participantId, producer, source) => {
			const owner = this.#participants.get(participantId);
			if (owner && source === 'microphone' && !producer.paused && this.#mutedByChair(owner)) {
				// A site the chair muted came back (reload, rejoin) with its microphone on: off again
				// before anyone consumes it (consumers are created after the others hear of it).
				void producer
					.pause()
					.then(async () => {
						// The chair may have given the floor (or asked to unmute) while this was on its way.
						if (this.#mutedByChair(owner)) {
							owner.notify('chair:muted', {});
						} else if (!producer.closed) {
							await producer.resume();
						}
					})
					.catch((error: unknown) => this.#log.warn({ err: error, meetingId: this.meetingId }, 'could not re-apply the chair mute'));
			}
			for (const other of this.#participants.values()) {
				if (other.id !== participantId) {
					other.notify('producer:added', { participantId, producerId: producer.id, kind: producer.kind, source });
				}
			}
			this.#changed();
			this.#journal.publish('producer:added', {
				...siteRef(participantId),
				producerId: producer.id,
				kind: producer.kind,
				source,
				paused: producer.paused,
				producer,
				router: media.router,
			});
		});
		const producerEvent =
			(event: 'producer:removed' | 'producer:paused' | 'producer:resumed') =>
			(participantId: string, producer: { id: string; kind: 'audio' | 'video' }, source: Source): void => {
				this.#changed();
				this.#journal.publish(event, { ...siteRef(participantId), producerId: producer.id, kind: producer.kind, source });
			};
		media.on('producer-removed', producerEvent('producer:removed'));
		media.on('producer-paused', producerEvent('producer:paused'));
		media.on('producer-resumed', producerEvent('producer:resumed'));
		media.on('active-speaker', (participantId) => {
			this.#activeSpeaker = participantId;
			for (const p of this.#participants.values()) {
				p.notify('room:active-speaker', { participantId });
			}
			this.#journal.publish('active-speaker', { participantId, unitId: participantId ? (this.#participants.get(participantId)?.unitId ?? null) : null });
		});
		media.on('router-closed', () => this.#mediaFailed());
	}

	/**
	 * The worker under this room died. The room closes at once, so that sites rejoining right away
	 * get a fresh room on a live worker; the meeting itself goes on. The leaves are recorded in
	 * the queue, after any change already in progress.
	 */
	#mediaFailed(): void {
		if (this.closed) {
			return;
		}
		this.#log.error({ meetingId: this.meetingId }, 'media router closed under a live meeting; sites must rejoin');
		for (const site of [...this.#participants.values(), ...this.#waiting.values()]) {
			site.notify('media:closed', { reason: 'The media server restarted; reconnecting' });
		}
		// Closed now, so that rejoins open a fresh room; the sites still listed leave in the queue,
		// after any change in progress (a meeting being ended records their leaves as 'ended' first).
		this.#closeCause = 'media-failure';
		this.#waiting.clear();
		this.#media.close();
		this.safeEmit('closed');
		void this.#queue
			.push(async () => {
				for (const id of [...this.#participants.keys()]) {
					await this.#leave(id, 'media-failure');
				}
			})
			.catch((error: unknown) => this.#log.error({ err: error }, 'could not record leaves after a media failure'));
	}

	/** Broadcasts the new state: one snapshot for everyone, one more for chairs (with the waiting room). */
	#changed(): void {
		if (this.closed) {
			return;
		}
		this.#seq += 1;
		let plain: RoomSnapshot | undefined;
		// Built only when a chair is in: with 170 units the roll call is most of the snapshot.
		let chair: RoomSnapshot | undefined;
		for (const p of this.#participants.values()) {
			const snapshot = p.chair ? (chair ??= this.#snapshot(true)) : (plain ??= this.#snapshot(false));
			p.notify('room:snapshot', snapshot);
		}
		if (this.size !== this.#lastSize) {
			this.#lastSize = this.size;
			this.safeEmit('occupancy', this.size);
		}
	}

	/** The chair's snapshot has the waiting room and the roll call; everyone else's has neither. */
	#snapshot(forChair: boolean): RoomSnapshot {
		const roster = this.#roster;
		return buildSnapshot({
			roomId: this.#roomId,
			seq: this.#seq,
			meetingId: this.meetingId,
			title: this.title,
			locked: this.#locked,
			participants: this.#participants.values(),
			floorQueue: this.#floorQueue,
			spotlight: this.#spotlight,
			activeSpeaker: this.#activeSpeaker,
			waiting: forChair ? this.#waiting.values() : [],
			roster:
				forChair && roster
					? buildRoster({
							units: roster.units,
							ledger: roster.ledger,
							participants: this.#participants.values(),
							waiting: this.#waiting.values(),
							removed: (unitId) => this.#access.removed.has(unitId),
						})
					: [],
			mutedByChair: (p) => this.#mutedByChair(p),
			recording: this.#recording,
		});
	}

	#assertOpen(): void {
		if (this.#closeCause === 'ended') {
			throw new InvalidStateError('The meeting has ended', { reason: 'meeting_ended' });
		}
		if (this.#closeCause) {
			throw new RoomClosedError();
		}
	}

	#require(participantId: string): Participant {
		this.#assertOpen();
		const participant = this.#participants.get(participantId);
		if (!participant) {
			throw new NotFoundError('No such site in this meeting', { reason: 'not_in_meeting' });
		}
		return participant;
	}

	#requireChair(participantId: string): Participant {
		const participant = this.#require(participantId);
		if (!participant.chair) {
			throw new ForbiddenError('Only the chair may do that');
		}
		return participant;
	}
}
