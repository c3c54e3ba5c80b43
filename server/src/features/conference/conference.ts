import { randomUUID } from 'node:crypto';
import type { LeaveReason } from '#shared/api/meetings.ts';
import type { NotificationName, NotificationOf, ParticipantView, RoomSnapshot } from '#shared/protocol/index.ts';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import type { MediaRoom } from '../../sfu/media-room.ts';
import type { Peer } from '../../sfu/peer.ts';

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

/** Durable side effects, awaited so that an acknowledged action is on disk. */
export type ConferenceRecorder = {
	attendance: (unitId: string, kind: 'join' | 'leave', reason: string) => Promise<void>;
	action: (actorUserId: string | null, action: string, targetUnitId: string | null, detail?: string) => Promise<void>;
	started: () => Promise<void>;
	ended: () => Promise<void>;
	locked: (locked: boolean) => Promise<void>;
};

export type Participant = Identity & {
	id: string;
	key: string;
	joinedAt: Date;
	peer: Peer;
	notify: Notify;
	audioOnly: boolean;
};

type Waiting = Identity & { id: string; key: string; since: Date; notify: Notify };

export type ConferenceEvents = { closed: [] };

type Log = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };


/**
 * A live meeting: its sites, waiting room, floor queue, spotlight and lock, over one MediaRoom.
 * All state changes happen synchronously in the event loop, so concurrent requests are ordered
 * by arrival; every change is broadcast as a full snapshot with an increasing seq.
 */
export class Conference extends TypedEmitter<ConferenceEvents> {
	readonly meetingId: string;
	readonly title: string;
	readonly #media: MediaRoom;
	readonly #recorder: ConferenceRecorder;
	readonly #log: Log;
	readonly #participants = new Map<string, Participant>();
	readonly #waiting = new Map<string, Waiting>();
	/** Keys (unit + person) the chair admitted while locked; they may rejoin without waiting. */
	readonly #admitted = new Set<string>();
	/** Keys the chair removed; they wait for admission to come back. */
	readonly #removed = new Set<string>();
	#floorQueue: { participantId: string; since: Date }[] = [];
	#spotlight: string | null = null;
	#activeSpeaker: string | null = null;
	#locked: boolean;
	#started: boolean;
	readonly #roomId = randomUUID();
	#seq = 0;
	#closed = false;

	constructor(options: {
		meetingId: string;
		title: string;
		locked: boolean;
		started: boolean;
		media: MediaRoom;
		recorder: ConferenceRecorder;
		log: Log;
	}) {
		super((event, error) => options.log.error({ err: error, event }, 'Conference listener threw'));
		this.meetingId = options.meetingId;
		this.title = options.title;
		this.#locked = options.locked;
		this.#started = options.started;
		this.#media = options.media;
		this.#recorder = options.recorder;
		this.#log = options.log;

		this.#media.on('producer-added', (participantId, producer, source) => {
			for (const other of this.#participants.values()) {
				if (other.id !== participantId) {
					other.notify('producer:added', { participantId, producerId: producer.id, kind: producer.kind, source });
				}
			}
			this.#broadcast();
		});
		this.#media.on('producer-removed', () => this.#broadcast());
		this.#media.on('active-speaker', (participantId) => {
			this.#activeSpeaker = participantId;
			for (const p of this.#participants.values()) {
				p.notify('room:active-speaker', { participantId });
			}
		});
		this.#media.on('router-closed', () => {
			this.#log.error({ meetingId: this.meetingId }, 'media router closed under a live meeting; sites must rejoin');
			// Closed at once, so that sites rejoining right away get a fresh room on a live worker.
			const sites = [...this.#participants.values()];
			for (const p of sites) {
				p.notify('media:closed', { reason: 'The media server restarted; reconnecting' });
			}
			this.close();
			void Promise.all(sites.map((p) => this.#recorder.attendance(p.unitId, 'leave', 'media-failure'))).catch((error: unknown) => {
				this.#log.error({ err: error }, 'could not record leaves after a media failure');
			});
		});
	}

	get closed(): boolean {
		return this.#closed;
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

	/** Producers a newly joined site should consume. */
	producersFor(participantId: string): { participantId: string; producerId: string; kind: 'audio' | 'video'; source: 'microphone' | 'camera' | 'screen' }[] {
		return this.#media
			.producers()
			.filter((p) => p.participantId !== participantId)
			.map((p) => ({ participantId: p.participantId, producerId: p.producer.id, kind: p.producer.kind, source: p.source }));
	}

	/** Joins or queues a site. A second window of the same site replaces the first. */
	async join(identity: Identity, notify: Notify): Promise<{ status: 'joined'; participant: Participant } | { status: 'waiting'; id: string }> {
		this.#assertOpen();
		const key = `${identity.unitId}:${identity.userId ?? 'link'}`;
		const mustWait = !identity.host && ((this.#locked && !this.#admitted.has(key)) || this.#removed.has(key));
		if (mustWait) {
			for (const w of this.#waiting.values()) {
				if (w.key === key) {
					this.#waiting.delete(w.id);
				}
			}
			const id = randomUUID();
			this.#waiting.set(id, { ...identity, id, key, since: new Date(), notify });
			this.#broadcast();
			return { status: 'waiting', id };
		}
		for (const existing of this.#participants.values()) {
			if (existing.key === key) {
				existing.notify('room:closed', { reason: 'replaced' });
				await this.leave(existing.id, 'replaced');
			}
		}
		this.#assertOpen();
		const id = randomUUID();
		const participant: Participant = { ...identity, id, key, joinedAt: new Date(), peer: this.#media.createPeer(id), notify, audioOnly: false };
		this.#participants.set(id, participant);
		await this.#recorder.attendance(identity.unitId, 'join', '');
		if (!this.#started && identity.host) {
			this.#started = true;
			await this.#recorder.started();
		}
		this.#broadcast();
		return { status: 'joined', participant };
	}

	async leave(participantId: string, reason: LeaveReason): Promise<void> {
		const waiting = this.#waiting.get(participantId);
		if (waiting) {
			this.#waiting.delete(participantId);
			this.#broadcast();
			return;
		}
		const participant = this.#participants.get(participantId);
		if (!participant) {
			return;
		}
		this.#participants.delete(participantId);
		participant.peer.close();
		this.#floorQueue = this.#floorQueue.filter((f) => f.participantId !== participantId);
		if (this.#spotlight === participantId) {
			this.#spotlight = null;
		}
		if (this.#activeSpeaker === participantId) {
			this.#activeSpeaker = null;
		}
		this.#broadcast();
		await this.#recorder.attendance(participant.unitId, 'leave', reason).catch((error: unknown) => {
			this.#log.error({ err: error, participantId }, 'could not record a leave');
		});
	}

	setState(participantId: string, state: { audioOnly?: boolean | undefined }): void {
		const participant = this.#require(participantId);
		if (state.audioOnly !== undefined) {
			participant.audioOnly = state.audioOnly;
		}
		this.#broadcast();
	}

	/** Called after a site paused or resumed one of its own producers. */
	changed(): void {
		this.#broadcast();
	}

	requestFloor(participantId: string): number {
		this.#require(participantId);
		const index = this.#floorQueue.findIndex((f) => f.participantId === participantId);
		if (index >= 0) {
			return index + 1;
		}
		this.#floorQueue.push({ participantId, since: new Date() });
		this.#broadcast();
		return this.#floorQueue.length;
	}

	cancelFloor(participantId: string): void {
		this.#require(participantId);
		this.#floorQueue = this.#floorQueue.filter((f) => f.participantId !== participantId);
		this.#broadcast();
	}

	async grantFloor(chairId: string, targetId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		const target = this.#require(targetId);
		this.#floorQueue = this.#floorQueue.filter((f) => f.participantId !== targetId);
		const previous = this.#spotlight;
		this.#spotlight = targetId;
		if (previous && previous !== targetId) {
			await this.#muteMicrophone(previous);
		}
		const mic = target.peer.producerBySource('microphone');
		if (mic?.paused) {
			await mic.resume();
		}
		target.notify('floor:granted', {});
		this.#broadcast();
		await this.#recorder.action(chair.userId, 'floor.granted', target.unitId);
	}

	async endFloor(chairId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		const speaker = this.#spotlight;
		if (!speaker) {
			throw new InvalidStateError('Nobody has the floor');
		}
		this.#spotlight = null;
		await this.#muteMicrophone(speaker);
		this.#broadcast();
		await this.#recorder.action(chair.userId, 'floor.ended', this.#participants.get(speaker)?.unitId ?? null);
	}

	async mute(chairId: string, targetId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		const target = this.#require(targetId);
		await this.#muteMicrophone(targetId);
		this.#broadcast();
		await this.#recorder.action(chair.userId, 'site.muted', target.unitId);
	}

	async muteAll(chairId: string): Promise<number> {
		const chair = this.#requireChair(chairId);
		let muted = 0;
		for (const p of this.#participants.values()) {
			if (p.id !== chairId && (await this.#muteMicrophone(p.id))) {
				muted += 1;
			}
		}
		this.#broadcast();
		await this.#recorder.action(chair.userId, 'all.muted', null, `${muted}`);
		return muted;
	}

	async askUnmute(chairId: string, targetId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		const target = this.#require(targetId);
		target.notify('chair:unmute-requested', {});
		await this.#recorder.action(chair.userId, 'unmute.requested', target.unitId);
	}

	async remove(chairId: string, targetId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		const target = this.#require(targetId);
		if (target.id === chair.id) {
			throw new InvalidStateError('The chair cannot remove itself');
		}
		this.#removed.add(target.key);
		this.#admitted.delete(target.key);
		target.notify('room:closed', { reason: 'removed' });
		await this.leave(targetId, 'removed');
		await this.#recorder.action(chair.userId, 'site.removed', target.unitId);
	}

	async lock(chairId: string, locked: boolean): Promise<void> {
		const chair = this.#requireChair(chairId);
		this.#locked = locked;
		await this.#recorder.locked(locked);
		this.#broadcast();
		await this.#recorder.action(chair.userId, locked ? 'meeting.locked' : 'meeting.unlocked', null);
	}

	async admit(chairId: string, waitingId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		const waiting = this.#takeWaiting(waitingId);
		this.#admitted.add(waiting.key);
		this.#removed.delete(waiting.key);
		waiting.notify('room:admitted', { meetingId: this.meetingId });
		this.#broadcast();
		await this.#recorder.action(chair.userId, 'waiting.admitted', waiting.unitId);
	}

	async deny(chairId: string, waitingId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		const waiting = this.#takeWaiting(waitingId);
		waiting.notify('room:closed', { reason: 'denied' });
		this.#broadcast();
		await this.#recorder.action(chair.userId, 'waiting.denied', waiting.unitId);
	}

	#takeWaiting(waitingId: string) {
		const waiting = this.#waiting.get(waitingId);
		if (!waiting) {
			throw new NotFoundError('That site is no longer waiting');
		}
		this.#waiting.delete(waitingId);
		return waiting;
	}

	/** Ends the meeting for everyone. */
	async end(chairId: string): Promise<void> {
		const chair = this.#requireChair(chairId);
		await this.#recorder.action(chair.userId, 'meeting.ended', null);
		for (const p of [...this.#participants.values()]) {
			p.notify('room:closed', { reason: 'ended' });
			await this.leave(p.id, 'ended');
		}
		for (const w of this.#waiting.values()) {
			w.notify('room:closed', { reason: 'ended' });
		}
		this.#waiting.clear();
		await this.#recorder.ended();
		this.close();
	}

	snapshotFor(participantId: string): RoomSnapshot {
		const viewer = this.#participants.get(participantId);
		const participants: ParticipantView[] = [...this.#participants.values()].map((p) => {
			const producers = p.peer.producers.map(({ producer, source }) => ({ id: producer.id, kind: producer.kind, source, paused: producer.paused }));
			const mic = producers.find((x) => x.source === 'microphone');
			const camera = producers.find((x) => x.source === 'camera');
			return {
				id: p.id,
				unitId: p.unitId,
				unitName: p.unitName,
				displayName: p.displayName,
				host: p.host,
				chair: p.chair,
				micMuted: !mic || mic.paused,
				cameraOff: !camera || camera.paused,
				audioOnly: p.audioOnly,
				screenSharing: producers.some((x) => x.source === 'screen'),
				joinedAt: p.joinedAt.toISOString(),
				producers,
			};
		});
		return {
			roomId: this.#roomId,
			seq: this.#seq,
			meetingId: this.meetingId,
			title: this.title,
			locked: this.#locked,
			participants,
			floorQueue: this.#floorQueue.map((f) => ({ participantId: f.participantId, since: f.since.toISOString() })),
			spotlight: this.#spotlight,
			activeSpeaker: this.#activeSpeaker,
			waiting: viewer?.chair
				? [...this.#waiting.values()].map((w) => ({ id: w.id, unitName: w.unitName, displayName: w.displayName, since: w.since.toISOString() }))
				: [],
		};
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const p of this.#participants.values()) {
			p.peer.close();
		}
		this.#participants.clear();
		this.#waiting.clear();
		this.#media.close();
		this.safeEmit('closed');
	}

	async #muteMicrophone(participantId: string): Promise<boolean> {
		const participant = this.#participants.get(participantId);
		const mic = participant?.peer.producerBySource('microphone');
		if (!participant || !mic || mic.paused) {
			return false;
		}
		await mic.pause();
		participant.notify('chair:muted', {});
		return true;
	}

	#broadcast(): void {
		if (this.#closed) {
			return;
		}
		this.#seq += 1;
		for (const p of this.#participants.values()) {
			p.notify('room:snapshot', this.snapshotFor(p.id));
		}
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('The meeting has ended');
		}
	}

	#require(participantId: string): Participant {
		const participant = this.#participants.get(participantId);
		if (!participant) {
			throw new NotFoundError('No such site in this meeting');
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
