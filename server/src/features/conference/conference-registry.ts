import type { MeetingEndReason, MeetingEventBus } from '../../domain/meeting-events.ts';
import { InvalidStateError, NotFoundError, UnavailableError } from '../../lib/errors.ts';
import { SerialQueue } from '../../lib/serial-queue.ts';
import { MediaRoom } from '../../sfu/media-room.ts';
import { AttendanceLedger } from '../../domain/attendance-ledger.ts';
import type { WorkerPool } from '../../sfu/worker-pool.ts';
import { Conference, RoomClosedError, type ConferenceSettings, type Connection, type Identity, type JoinRecheck, type JoinResult, type SiteAccess } from './conference.ts';
import type { ConferenceRepository, RosterBasis } from './conference.repository.ts';
import { MeetingJournal } from './meeting-journal.ts';

type Log = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type ConferenceRegistryOptions = {
	pool: WorkerPool;
	repo: ConferenceRepository;
	events: MeetingEventBus;
	log: Log;
	/** An empty room keeps its router this long, so a site reloading its page finds it again. */
	emptyRoomCloseMs: number;
	/** The server's receive limits (config); the meeting adds its join-muted setting. */
	media: Omit<ConferenceSettings, 'joinMuted'>;
};

/**
 * The chair's decisions as the record has them, for a meeting this process has not seen yet (the
 * server restarted during it): member units that were in the meeting come back into a locked room
 * without waiting, removed ones wait. The chair's mutes are not recorded per site and start afresh.
 * Host-unit staff are decided per person, which the record does not say; they pass the lock anyway.
 */
function accessFromRecord(basis: RosterBasis): SiteAccess {
	const host = new Set(basis.units.filter((u) => u.host).map((u) => u.unitId));
	const access: SiteAccess = { admitted: new Set(), removed: new Set(), muted: new Set(), entered: new Set() };
	for (const row of basis.attendance) {
		if (row.kind === 'join' && !host.has(row.unitId)) {
			access.admitted.add(row.unitId);
		}
	}
	for (const decision of basis.decisions) {
		if (host.has(decision.unitId)) {
			continue;
		}
		if (decision.action === 'site.removed') {
			access.removed.add(decision.unitId);
			access.admitted.delete(decision.unitId);
		} else {
			access.removed.delete(decision.unitId);
			access.admitted.add(decision.unitId);
		}
	}
	return access;
}

/**
 * The live rooms, at most one per meeting. Opening a room and ending a meeting run in one queue
 * per meeting, so a join cannot open a fresh room for a meeting that is being ended. Also knows
 * since when each meeting has had nobody in it, for the lifecycle that ends idle meetings.
 */
export class ConferenceRegistry {
	readonly #options: ConferenceRegistryOptions;
	readonly #rooms = new Map<string, Conference>();
	/** Every room with work left, the closed ones included until their queue drained. */
	readonly #unfinished = new Set<Conference>();
	readonly #access = new Map<string, SiteAccess>();
	readonly #queues = new Map<string, SerialQueue>();
	readonly #emptySince = new Map<string, number>();
	readonly #closeTimers = new Map<string, NodeJS.Timeout>();
	/** Meetings without a room since this process started count as empty from then. */
	readonly #startedAt = Date.now();
	#closed = false;

	constructor(options: ConferenceRegistryOptions) {
		this.#options = options;
	}

	/**
	 * Joins a site to the meeting's room, opening one if needed. A room that closed under the
	 * request (it was freed while empty) is replaced once more.
	 */
	async join(meetingId: string, identity: Identity, connection: Connection, recheck?: JoinRecheck): Promise<{ conference: Conference; result: JoinResult }> {
		for (let attempt = 1; ; attempt += 1) {
			const conference = await this.#open(meetingId);
			try {
				return { conference, result: await conference.join(identity, connection, recheck) };
			} catch (error) {
				if (!(error instanceof RoomClosedError) || attempt >= 3) {
					throw error;
				}
			}
		}
	}

	/**
	 * Since when (ms epoch) nobody has been in the meeting's room, or null while somebody is
	 * connected or waiting.
	 */
	emptySince(meetingId: string): number | null {
		const room = this.#rooms.get(meetingId);
		if (room && room.size > 0) {
			return null;
		}
		return this.#emptySince.get(meetingId) ?? this.#startedAt;
	}

	/** Forgets what it knew of meetings that are no longer live and have no room. */
	retainOnly(liveMeetingIds: Iterable<string>): void {
		const live = new Set(liveMeetingIds);
		for (const map of [this.#emptySince, this.#access]) {
			for (const id of map.keys()) {
				if (!live.has(id) && !this.#rooms.has(id)) {
					map.delete(id);
				}
			}
		}
	}

	/**
	 * Takes out the sites that lost their access, in the meeting's room if it has one (or in every
	 * room when meetingId is null, for a disabled account). A join racing this re-checks its access
	 * in the room's queue (JoinRecheck), so it cannot slip in behind the revocation.
	 */
	async revoke(meetingId: string | null, matches: (site: Identity) => boolean): Promise<number> {
		const rooms = meetingId === null ? [...this.#rooms.values()] : [this.#rooms.get(meetingId)].filter((room) => room !== undefined);
		const counts = await Promise.all(rooms.map((room) => room.revoke(matches)));
		return counts.reduce((sum, count) => sum + count, 0);
	}

	/** The meeting's invited units changed: its room (if open) lists the new set in the roll call. */
	async refreshRoster(meetingId: string): Promise<void> {
		await this.#rooms.get(meetingId)?.refreshRoster();
	}

	/** The meeting was cancelled: its room (sites in it before the start) is emptied and closed. */
	cancelled(meetingId: string): Promise<void> {
		return this.#inMeetingQueue(meetingId, async () => {
			await this.#rooms.get(meetingId)?.cancelled();
		});
	}

	/** Ends the meeting if nobody is in it; false when somebody is (or it was no longer live). */
	endIfIdle(meetingId: string, reason: Exclude<MeetingEndReason, 'chair'>): Promise<boolean> {
		return this.#inMeetingQueue(meetingId, async () => {
			const room = this.#rooms.get(meetingId);
			if (room && !room.closed) {
				return room.endIfIdle(reason);
			}
			const meeting = await this.#options.repo.findMeeting(meetingId);
			if (meeting?.status !== 'live') {
				return false;
			}
			const { repo, events, log } = this.#options;
			return new MeetingJournal({ meetingId, startedAt: meeting.startedAt, repo, bus: events, log }).ended(reason);
		});
	}

	/** Shutdown: no new rooms; every room records its sites' leaves and closes. */
	async closeAll(): Promise<void> {
		this.#closed = true;
		for (const timer of this.#closeTimers.values()) {
			clearTimeout(timer);
		}
		this.#closeTimers.clear();
		await Promise.allSettled([...this.#queues.values()].map((queue) => queue.drain()));
		await Promise.allSettled([...this.#unfinished].map((room) => room.shutdown()));
		this.#rooms.clear();
	}

	#open(meetingId: string): Promise<Conference> {
		return this.#inMeetingQueue(meetingId, async () => {
			const existing = this.#rooms.get(meetingId);
			if (existing && !existing.closed) {
				return existing;
			}
			if (this.#closed) {
				throw new UnavailableError('The server is restarting; join again in a moment');
			}
			// Read now, not when the request arrived: the meeting may have ended meanwhile.
			const meeting = await this.#options.repo.findMeeting(meetingId);
			if (!meeting) {
				throw new NotFoundError(`No meeting ${meetingId}`);
			}
			if (meeting.status === 'ended' || meeting.status === 'cancelled') {
				throw meeting.status === 'ended' ? new InvalidStateError('The meeting has ended', { reason: 'meeting_ended' }) : new InvalidStateError('The meeting is cancelled', { reason: 'meeting_cancelled' });
			}
			const { pool, repo, events, log } = this.#options;
			const basis = await repo.rosterBasis(meetingId);
			const media = await MediaRoom.create(pool, log);
			const journal = new MeetingJournal({ meetingId, startedAt: meeting.startedAt, repo, bus: events, log });
			let access = this.#access.get(meetingId);
			if (!access) {
				access = accessFromRecord(basis);
				this.#access.set(meetingId, access);
			}
			const conference = new Conference({
				meetingId,
				title: meeting.title,
				locked: meeting.locked,
				recording: { enabled: meeting.recordingEnabled, paused: meeting.recordingPaused },
				readRecording: async () => {
					const current = await repo.findMeeting(meetingId);
					return { enabled: current?.recordingEnabled ?? false, paused: current?.recordingPaused ?? false };
				},
				access,
				settings: { ...this.#options.media, joinMuted: meeting.joinMuted },
				roster: { units: basis.units, ledger: AttendanceLedger.from(basis.attendance), readUnits: () => repo.rosterUnits(meetingId) },
				media,
				journal,
				log,
			});
			this.#follow(conference);
			this.#rooms.set(meetingId, conference);
			return conference;
		});
	}

	#follow(conference: Conference): void {
		const id = conference.meetingId;
		const occupancy = (size: number): void => {
			this.#cancelCloseTimer(id);
			if (size > 0) {
				this.#emptySince.delete(id);
				return;
			}
			if (!this.#emptySince.has(id)) {
				this.#emptySince.set(id, Date.now());
			}
			const timer = setTimeout(() => {
				this.#closeTimers.delete(id);
				void conference.closeIfEmpty();
			}, this.#options.emptyRoomCloseMs);
			timer.unref();
			this.#closeTimers.set(id, timer);
		};
		// A new room is empty until a join succeeds; if none does, it is freed like any empty room.
		occupancy(0);
		conference.on('occupancy', occupancy);
		this.#unfinished.add(conference);
		conference.once('closed', () => {
			void conference.drain().finally(() => this.#unfinished.delete(conference));
			this.#cancelCloseTimer(id);
			if (this.#rooms.get(id) === conference) {
				this.#rooms.delete(id);
			}
			if (conference.ended) {
				this.#emptySince.delete(id);
			} else if (!this.#emptySince.has(id)) {
				this.#emptySince.set(id, Date.now());
			}
		});
	}

	#cancelCloseTimer(meetingId: string): void {
		const timer = this.#closeTimers.get(meetingId);
		if (timer) {
			clearTimeout(timer);
			this.#closeTimers.delete(meetingId);
		}
	}

	/**
	 * Runs `task` after the meeting's earlier openings and endings, and after whatever a closed room
	 * of the meeting still has queued (a media failure closes a room at once, but an end already in
	 * progress there finishes later): the task then reads the meeting as that work left it.
	 * Conference tasks never wait for this queue, so this cannot deadlock.
	 */
	#inMeetingQueue<T>(meetingId: string, task: () => Promise<T>): Promise<T> {
		let queue = this.#queues.get(meetingId);
		if (!queue) {
			queue = new SerialQueue();
			this.#queues.set(meetingId, queue);
		}
		const owner = queue;
		const afterClosedRooms = async (): Promise<T> => {
			const closing = [...this.#unfinished].filter((room) => room.meetingId === meetingId && room.closed);
			await Promise.allSettled(closing.map((room) => room.drain()));
			return task();
		};
		return owner.push(afterClosedRooms).finally(() => {
			if (owner.pending === 0 && this.#queues.get(meetingId) === owner) {
				this.#queues.delete(meetingId);
			}
		});
	}
}
