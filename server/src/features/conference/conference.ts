import { randomUUID } from 'node:crypto';
import type { LeaveReason } from '#shared/api/meetings.ts';
import type { NotificationName, NotificationOf, RoomSettings, RoomSnapshot } from '#shared/protocol/index.ts';
import type { RtpCapabilities } from 'mediasoup/node/lib/types.js';
import type { MeetingEndReason, SiteRef } from '../../domain/meeting-events.ts';
import { ForbiddenError, InvalidStateError, NotFoundError, UnavailableError } from '../../lib/errors.ts';
import { SerialQueue } from '../../lib/serial-queue.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import type { MediaRoom } from '../../sfu/media-room.ts';
import { RECORDED_SPATIAL_LAYER } from '../../sfu/media-codecs.ts';
import type { Peer, Source } from '../../sfu/peer.ts';
import type { AttendanceLedger } from '../../domain/attendance-ledger.ts';
import { buildRoster, sortRosterUnits, type RosterUnit } from './conference-roster.ts';
import { buildSnapshot, participantView, withChairParts } from './conference-snapshot.ts';
import { byArrival } from '#shared/room/room-delta.ts';
import type { MeetingJournal } from './meeting-journal.ts';
import { receiveLimits, type SiteView } from './receive-policy.ts';
import { RoomBroadcast } from './room-broadcast.ts';
import { RoomSubscriptions } from './room-subscriptions.ts';

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
 * whole meeting: a rejoin after a media failure or a reload (possibly into a new room) must be
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
	/**
	 * Sites that have entered since this process started: with join-muted on, only a first entry
	 * mutes (a site the chair let speak keeps its state across a reload).
	 */
	entered: Set<string>;
};

/** How the room receives media (see RoomSettings): the meeting's join-muted and the server's limits. */
export type ConferenceSettings = { joinMuted: boolean; downlinkKbps: number; maxThumbnails: number; lastN: number };

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
 * The room is gone but the meeting goes on (it was freed while empty, or shut down):
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

type CloseCause = 'ended' | 'cancelled' | 'idle' | 'shutdown';

/** Changes within this window go out as one delta. */
const BROADCAST_DELAY_MS = 50;

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
 * events after each write. Changes are broadcast as deltas with an increasing seq (RoomBroadcast);
 * what each site receives follows its view (RoomSubscriptions).
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
	#settings: RoomSettings;
	/** Recent speakers, newest first (at most settings.lastN). */
	#recent: string[] = [];
	readonly #broadcast: RoomBroadcast;
	readonly #subscriptions: RoomSubscriptions;
	#recording: { enabled: boolean; paused: boolean };
	readonly #readRecording: (() => Promise<{ enabled: boolean; paused: boolean }>) | undefined;
	readonly #roomId = randomUUID();
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
		settings: ConferenceSettings;
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
		const limits = receiveLimits(options.settings.downlinkKbps, options.settings.maxThumbnails);
		this.#settings = { joinMuted: options.settings.joinMuted, lastN: options.settings.lastN, maxThumbnails: limits.maxThumbnails, downlinkKbps: options.settings.downlinkKbps };
		this.#broadcast = new RoomBroadcast({
			build: (seq) => this.#snapshot(seq),
			forChair: (plain) => this.#chairSnapshot(plain),
			recipients: () => this.#participants.values(),
			delayMs: BROADCAST_DELAY_MS,
		});
		this.#subscriptions = new RoomSubscriptions({
			sites: () => this.#participants.values(),
			mayBeHeard: (participantId) => {
				const p = this.#participants.get(participantId);
				return p !== undefined && !this.#mutedByChair(p);
			},
			minimumLayer: () => (this.#recording.enabled && !this.#recording.paused ? RECORDED_SPATIAL_LAYER : 0),
			limits,
			log: options.log,
		});
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

	/** The site's receive transport is ready: the server makes its consumers from now on. */
	/**
	 * Not in the room's queue: it touches only the site's own subscriptions, and a site joining in a
	 * storm of joins must get its media without waiting for the joins queued before it.
	 */
	async receive(participantId: string, rtpCapabilities: RtpCapabilities): Promise<void> {
		const participant = this.#require(participantId);
		this.#subscriptions.receive(participant, rtpCapabilities);
		await participant.peer.limitReceiving(this.#settings.downlinkKbps * 1000);
	}

	/** What the site shows; answers the thumbnails it will receive. Not queued, like receive(). */
	async view(participantId: string, view: SiteView): Promise<string[]> {
		return this.#subscriptions.view(this.#require(participantId), view);
	}

	/** What a site receives now, producer id → kind and layer (tests, benchmarks). */
	receiving(participantId: string): Map<string, { kind: 'audio' | 'video'; spatialLayer: number }> {
		return this.#subscriptions.receiving(participantId);
	}

	/** Resolves when the consumers follow every change made so far (tests, benchmarks). */
	async settled(): Promise<void> {
		await this.#queue.drain();
		await this.#subscriptions.settled();
	}

	/** The routers of the room and the sites on each (metrics, tests). */
	placement(): ReturnType<MediaRoom['placement']> {
		return this.#media.placement();
	}

	/** The chair's setting for large meetings, stored first like the lock. */
	setJoinMuted(chairId: string, joinMuted: boolean): Promise<void> {
		return this.#queue.push(async () => {
			const chair = this.#requireChair(chairId);
			if (this.#settings.joinMuted === joinMuted) {
				return;
			}
			await this.#journal.joinMuted(joinMuted);
			this.#settings = { ...this.#settings, joinMuted };
			this.#changed();
			await this.#journal.action(chair, joinMuted ? 'join.muted' : 'join.unmuted', null);
		});
	}

	/** Joins or queues a site. Another window of the same site is replaced by this one. */
	join(identity: Identity, connection: Connection, recheck?: JoinRecheck): Promise<JoinResult> {
		return this.#queue.push(async () => {
			// A join's database work runs synchronously (better-sqlite3) and can resolve without
			// yielding: 170 joins queued at once would then hold the event loop for seconds. One
			// turn of the loop per join lets sockets, timers and the media events through.
			await new Promise<void>((resolve) => setImmediate(resolve));
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
				this.#subscriptions.changed();
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
			this.#spoke(targetId);
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
			this.#subscriptions.changed();
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

	/**
	 * The whole state for one site at the last seq broadcast (join reply), with the site itself in
	 * it; `fresh` (room:resync) sends pending changes first, so it is the newest state.
	 */
	snapshotFor(participantId: string, options: { fresh?: boolean } = {}): RoomSnapshot {
		const participant = this.#participants.get(participantId);
		return this.#broadcast.snapshot(participant?.chair ?? false, {
			fresh: options.fresh ?? false,
			own: (built) => {
				if (!participant) {
					return built;
				}
				const own = participantView(participant, this.#mutedByChair(participant));
				const listed = built.participants.some((p) => p.id === own.id);
				return { ...built, participants: listed ? built.participants.map((p) => (p.id === own.id ? own : p)) : [...built.participants, own].sort(byArrival) };
			},
		});
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
			this.#subscriptions.changed();
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
		let peer: Peer;
		try {
			peer = await this.#media.createPeer(id);
		} catch (error) {
			// No worker could take the site (or the room closed meanwhile): the join is on record, so is its end.
			await this.#journal.left({ participantId: id, unitId: identity.unitId, unitName: identity.unitName }, 'media-failure');
			this.#assertOpen();
			throw error;
		}
		if (this.closed) {
			peer.close();
			await this.#journal.left({ participantId: id, unitId: identity.unitId, unitName: identity.unitName }, 'media-failure');
			this.#assertOpen();
		}
		this.#roster?.ledger.apply({ unitId: identity.unitId, kind: 'join', reason: '', at: new Date() });
		this.#access.admitted.add(access);
		if (this.#settings.joinMuted && !identity.host && !this.#access.entered.has(access)) {
			// A large meeting: communes enter muted by the chair and ask for the floor.
			this.#access.muted.add(access);
		}
		this.#access.entered.add(access);
		const participant: Participant = {
			...identity,
			id,
			key,
			connectionId: connection.id,
			address: connection.address,
			joinedAt: new Date(),
			peer,
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
		this.#recent = this.#recent.filter((id) => id !== participantId);
		this.#subscriptions.forget(participantId);
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
		this.#broadcast.close();
		this.#subscriptions.close();
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
		media.on('producer-added', (participantId, producer, source, router) => {
			const owner = this.#participants.get(participantId);
			if (owner && source === 'microphone' && !producer.paused && this.#mutedByChair(owner)) {
				// A site the chair muted came back (reload, rejoin), or entered a join-muted meeting, with
				// its microphone on: off again. Nobody receives it meanwhile (the subscriptions do not
				// give anyone the microphone of a site muted by the chair).
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
			this.#subscriptions.changed();
			this.#changed();
			this.#journal.publish('producer:added', {
				...siteRef(participantId),
				producerId: producer.id,
				kind: producer.kind,
				source,
				paused: producer.paused,
				producer,
				router,
			});
		});
		const producerEvent =
			(event: 'producer:removed' | 'producer:paused' | 'producer:resumed') =>
			(participantId: string, producer: { id: string; kind: 'audio' | 'video' }, source: Source): void => {
				if (producer.kind === 'audio') {
					if (event === 'producer:paused') {
						this.#subscriptions.microphonePaused(producer.id);
					} else {
						this.#subscriptions.microphoneResumedOrClosed(producer.id);
					}
				} else {
					this.#subscriptions.changed();
				}
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
			if (participantId) {
				this.#spoke(participantId);
			}
			// In the state too (deltas), for sites that missed the volatile hint.
			this.#changed();
			this.#journal.publish('active-speaker', { participantId, unitId: participantId ? (this.#participants.get(participantId)?.unitId ?? null) : null });
		});
		media.on('peers-lost', (participantIds) => this.#sitesLost(participantIds));
	}

	/** A site spoke (active speaker, or given the floor): first in the recent speakers' strip. */
	#spoke(participantId: string): void {
		if (this.#settings.lastN === 0 || !this.#participants.has(participantId) || this.#recent[0] === participantId) {
			return;
		}
		this.#recent = [participantId, ...this.#recent.filter((id) => id !== participantId)].slice(0, this.#settings.lastN);
		this.#changed();
	}

	/**
	 * A worker died under some of the room's sites. They are told to rejoin (they land on a live
	 * worker, in this same room); the rest of the meeting goes on. Their leaves are recorded in the
	 * queue, after any change in progress.
	 */
	#sitesLost(participantIds: string[]): void {
		if (this.closed || participantIds.length === 0) {
			return;
		}
		this.#log.error({ meetingId: this.meetingId, sites: participantIds.length }, 'a media worker stopped under a live meeting; its sites rejoin');
		const lost = participantIds.flatMap((id) => this.#participants.get(id) ?? []);
		for (const site of lost) {
			site.notify('media:closed', { reason: 'The media server restarted; reconnecting' });
		}
		void this.#queue
			.push(async () => {
				for (const site of lost) {
					// Only if still the same window: a rejoin may already have replaced it.
					if (this.#participants.get(site.id) === site) {
						await this.#leave(site.id, 'media-failure');
					}
				}
			})
			.catch((error: unknown) => this.#log.error({ err: error }, 'could not record leaves after a media failure'));
	}

	/** Broadcasts the change (coalesced into one delta) and reports the room's occupancy. */
	#changed(): void {
		if (this.closed) {
			return;
		}
		this.#broadcast.changed();
		if (this.size !== this.#lastSize) {
			this.#lastSize = this.size;
			this.safeEmit('occupancy', this.size);
		}
	}

	#snapshot(seq: number): RoomSnapshot {
		return buildSnapshot({
			roomId: this.#roomId,
			seq,
			meetingId: this.meetingId,
			title: this.title,
			locked: this.#locked,
			participants: this.#participants.values(),
			floorQueue: this.#floorQueue,
			spotlight: this.#spotlight,
			activeSpeaker: this.#activeSpeaker,
			mutedByChair: (p) => this.#mutedByChair(p),
			recording: this.#recording,
			settings: this.#settings,
			recentSpeakers: this.#recent,
		});
	}

	/** The chair's state has the waiting room and the roll call too. */
	#chairSnapshot(plain: RoomSnapshot): RoomSnapshot {
		const roster = this.#roster;
		return withChairParts(plain, {
			waiting: this.#waiting.values(),
			roster: roster
				? buildRoster({
						units: roster.units,
						ledger: roster.ledger,
						participants: this.#participants.values(),
						waiting: this.#waiting.values(),
						removed: (unitId) => this.#access.removed.has(unitId),
					})
				: [],
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
