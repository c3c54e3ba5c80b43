import { MediaRoom } from '../../sfu/media-room.ts';
import type { WorkerPool } from '../../sfu/worker-pool.ts';
import type { MeetingsRepository } from '../meetings/meetings.repository.ts';
import { Conference, type ConferenceRecorder } from './conference.ts';

type Log = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

/** An empty room keeps its router this long, so a site reloading its page finds it again. */
const EMPTY_ROOM_GRACE_MS = 60_000;

/** The live conferences, at most one per meeting; creation is serialised per meeting. */
export class ConferenceRegistry {
	readonly #pool: WorkerPool;
	readonly #meetings: MeetingsRepository;
	readonly #log: Log;
	readonly #rooms = new Map<string, Promise<Conference>>();
	readonly #emptyTimers = new Map<string, NodeJS.Timeout>();

	constructor(pool: WorkerPool, meetings: MeetingsRepository, log: Log) {
		this.#pool = pool;
		this.#meetings = meetings;
		this.#log = log;
	}

	async getOrCreate(meeting: { id: string; title: string; locked: boolean; status: string }): Promise<Conference> {
		this.#cancelEmptyTimer(meeting.id);
		const existing = this.#rooms.get(meeting.id);
		if (existing) {
			const conference = await existing;
			if (!conference.closed) {
				return conference;
			}
		}
		const creating = this.#create(meeting);
		this.#rooms.set(meeting.id, creating);
		creating.catch(() => this.#rooms.delete(meeting.id));
		return creating;
	}

	get(meetingId: string): Promise<Conference> | undefined {
		return this.#rooms.get(meetingId);
	}

	/** Called after a site left: an empty room is closed after a grace period. */
	scheduleCloseIfEmpty(conference: Conference): void {
		if (conference.size > 0 || conference.closed) {
			return;
		}
		this.#cancelEmptyTimer(conference.meetingId);
		const timer = setTimeout(() => {
			this.#emptyTimers.delete(conference.meetingId);
			if (conference.size === 0) {
				conference.close();
			}
		}, EMPTY_ROOM_GRACE_MS);
		timer.unref();
		this.#emptyTimers.set(conference.meetingId, timer);
	}

	async closeAll(): Promise<void> {
		for (const timer of this.#emptyTimers.values()) {
			clearTimeout(timer);
		}
		this.#emptyTimers.clear();
		const rooms = await Promise.allSettled(this.#rooms.values());
		for (const room of rooms) {
			if (room.status === 'fulfilled') {
				room.value.close();
			}
		}
		this.#rooms.clear();
	}

	#cancelEmptyTimer(meetingId: string): void {
		const timer = this.#emptyTimers.get(meetingId);
		if (timer) {
			clearTimeout(timer);
			this.#emptyTimers.delete(meetingId);
		}
	}

	async #create(meeting: { id: string; title: string; locked: boolean; status: string }): Promise<Conference> {
		const media = await MediaRoom.create(this.#pool, this.#log);
		const conference = new Conference({
			meetingId: meeting.id,
			title: meeting.title,
			locked: meeting.locked,
			started: meeting.status === 'live',
			media,
			recorder: this.#recorder(meeting.id),
			log: this.#log,
		});
		conference.once('closed', () => {
			void this.#rooms.get(meeting.id)?.then((current) => {
				if (current === conference) {
					this.#rooms.delete(meeting.id);
				}
			});
		});
		return conference;
	}

	#recorder(meetingId: string): ConferenceRecorder {
		const repo = this.#meetings;
		return {
			attendance: (unitId, kind, reason) => repo.addAttendance(meetingId, unitId, kind, reason, new Date()),
			action: (actorId, action, targetUnitId, detail = '') => repo.addAction(meetingId, actorId, action, targetUnitId, detail, new Date()),
			started: () => repo.setStatus(meetingId, { status: 'live', startedAt: new Date() }),
			ended: () => repo.setStatus(meetingId, { status: 'ended', endedAt: new Date() }),
			locked: (locked) => repo.setLocked(meetingId, locked),
		};
	}
}
