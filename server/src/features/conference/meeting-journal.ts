import type { MeetingActionCode } from '#shared/api/audit.ts';
import type { LeaveReason } from '#shared/api/meetings.ts';
import type { MeetingEndReason, MeetingEventBus, MeetingEventName, MeetingEventOf, MeetingTime, SiteRef } from '../../domain/meeting-events.ts';
import { InvalidStateError } from '../../lib/errors.ts';
import type { ConferenceRepository } from './conference.repository.ts';

type Log = { error: (obj: object, msg: string) => void };

/** The writes the journal makes; the benchmark passes one that keeps nothing. */
export type JournalStore = Pick<ConferenceRepository, 'recordJoin' | 'recordLeave' | 'addAction' | 'setLocked' | 'setJoinMuted' | 'setRecordingPaused' | 'endMeeting'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event's payload without the time fields, which the journal adds. */
export type Untimed<K extends MeetingEventName> = DistributiveOmit<MeetingEventOf<K>, keyof MeetingTime>;

/**
 * One meeting's record: writes what must survive (attendance, status, lock, chair actions) and
 * then publishes the matching meeting event, so subscribers only ever hear of committed changes.
 * The Conference calls it from inside its queue, which keeps the events in the order of the changes.
 */
export class MeetingJournal {
	readonly meetingId: string;
	readonly #repo: JournalStore;
	readonly #bus: MeetingEventBus;
	readonly #log: Log;
	#startedAt: Date | null;

	constructor(options: { meetingId: string; startedAt: Date | null; repo: JournalStore; bus: MeetingEventBus; log: Log }) {
		this.meetingId = options.meetingId;
		this.#startedAt = options.startedAt;
		this.#repo = options.repo;
		this.#bus = options.bus;
		this.#log = options.log;
	}

	get started(): boolean {
		return this.#startedAt !== null;
	}

	time(at = new Date()): MeetingTime {
		return { meetingId: this.meetingId, at, clockMs: this.#startedAt ? at.getTime() - this.#startedAt.getTime() : null };
	}

	/** Publishes an event that has no durable side (media changes, the active speaker). */
	publish<K extends MeetingEventName>(event: K, payload: Untimed<K>, at = new Date()): void {
		this.#bus.publish<K>(event, { ...this.time(at), ...payload });
	}

	/** Throws when the write fails: the caller then leaves the site out of the room. */
	async joined(site: Untimed<'site:joined'>, start: boolean): Promise<void> {
		const at = new Date();
		if (!(await this.#repo.recordJoin(this.meetingId, site.unitId, at, start))) {
			throw new InvalidStateError('The meeting is cancelled or over');
		}
		if (start) {
			this.#startedAt = at;
			this.publish('meeting:started', {}, at);
		}
		this.publish('site:joined', site, at);
	}

	/** A leave has already happened in memory; a failed write is logged, the event still goes out. */
	async left(site: SiteRef, reason: LeaveReason): Promise<void> {
		const at = new Date();
		await this.#repo.recordLeave(this.meetingId, site.unitId, reason, at).catch((error: unknown) => {
			this.#log.error({ err: error, meetingId: this.meetingId, unitId: site.unitId, reason }, 'could not record a leave');
		});
		this.publish('site:left', { ...site, reason }, at);
	}

	/**
	 * Logs a chair action after it took effect. A failed write is logged as an error but does not
	 * turn the chair's (already applied) action into a failure.
	 */
	async action(actor: { userId: string | null; address: string } | null, action: MeetingActionCode, targetUnitId: string | null, detail = ''): Promise<void> {
		const entry = { actorId: actor?.userId ?? null, address: actor?.address ?? '', action, targetUnitId, detail, at: new Date() };
		await this.#repo.addAction(this.meetingId, entry).catch((error: unknown) => {
			this.#log.error({ err: error, meetingId: this.meetingId, action }, 'could not record a chair action');
		});
	}

	async locked(locked: boolean): Promise<void> {
		await this.#repo.setLocked(this.meetingId, locked);
	}

	async joinMuted(joinMuted: boolean): Promise<void> {
		await this.#repo.setJoinMuted(this.meetingId, joinMuted);
	}

	async recordingPaused(paused: boolean): Promise<void> {
		await this.#repo.setRecordingPaused(this.meetingId, paused);
		this.publish('recording:changed', { paused });
	}

	/** Ends the meeting if it is live; meeting:ended is published only by the call that ended it. */
	async ended(reason: MeetingEndReason): Promise<boolean> {
		const at = new Date();
		const ended = await this.#repo.endMeeting(this.meetingId, at);
		if (ended) {
			if (reason !== 'chair') {
				// Nobody ended it: the action log says why it ended by itself.
				await this.action(null, 'meeting.ended', null, reason);
			}
			this.publish('meeting:ended', { reason }, at);
		}
		return ended;
	}
}
