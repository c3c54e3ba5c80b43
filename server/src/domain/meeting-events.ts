import type { MediaKind, Producer, Router } from 'mediasoup/node/lib/types.js';
import type { LeaveReason } from '#shared/api/meetings.ts';
import { TypedEmitter } from '../lib/typed-emitter.ts';

/** Why a live meeting ended: the chair ended it, nobody came back in time, or its planned time was over. */
export type MeetingEndReason = 'chair' | 'empty' | 'planned-end';

export type MediaSource = 'microphone' | 'camera' | 'screen';

/**
 * When something happened: wall time, and the meeting clock (milliseconds since the meeting
 * started, null before it started), which recordings and transcripts use to line up.
 */
export type MeetingTime = { meetingId: string; at: Date; clockMs: number | null };

/** A connected site (one window of one unit) in a live meeting. */
export type SiteRef = { participantId: string; unitId: string; unitName: string };

type ProducerRef = SiteRef & { producerId: string; kind: MediaKind; source: MediaSource };

/**
 * What the conference reports after each committed change of a live meeting, in the order the
 * changes happened. Subscribers (recording, transcription, metrics) react to these instead of
 * reaching into the conference. Every site:joined is followed by exactly one site:left, and every
 * meeting that started ends with meeting:ended.
 */
export type MeetingEvents = {
	'meeting:started': [MeetingTime];
	'meeting:ended': [MeetingTime & { reason: MeetingEndReason }];
	'site:joined': [MeetingTime & SiteRef & { userId: string | null; displayName: string; host: boolean; chair: boolean }];
	'site:left': [MeetingTime & SiteRef & { reason: LeaveReason }];
	/** `producer` and `router` let a recorder consume the track without asking the conference. */
	'producer:added': [MeetingTime & ProducerRef & { paused: boolean; producer: Producer; router: Router }];
	'producer:removed': [MeetingTime & ProducerRef];
	'producer:paused': [MeetingTime & ProducerRef];
	'producer:resumed': [MeetingTime & ProducerRef];
	'active-speaker': [MeetingTime & { participantId: string | null; unitId: string | null }];
	/** The chair paused or resumed the recording (only for a meeting that is recorded). */
	'recording:changed': [MeetingTime & { paused: boolean }];
};

export type MeetingEventName = keyof MeetingEvents;
export type MeetingEventOf<K extends MeetingEventName> = MeetingEvents[K][0];
type AnyListener = <K extends MeetingEventName>(event: K, payload: MeetingEventOf<K>) => void;

/**
 * The in-process bus of meeting events. Delivery is synchronous and in publish order; a throwing
 * subscriber is logged and does not stop the others or the conference.
 */
export class MeetingEventBus extends TypedEmitter<MeetingEvents> {
	readonly #any = new Set<AnyListener>();
	readonly #onListenerError: (event: string, error: unknown) => void;

	constructor(onListenerError: (event: string, error: unknown) => void) {
		super(onListenerError);
		this.#onListenerError = onListenerError;
	}

	/** Every event, in order; returns the unsubscribe function. */
	onAny(listener: AnyListener): () => void {
		this.#any.add(listener);
		return () => this.#any.delete(listener);
	}

	publish<K extends MeetingEventName>(event: K, payload: MeetingEventOf<K>): void {
		this.safeEmit(event, ...([payload] as MeetingEvents[K]));
		for (const listener of this.#any) {
			try {
				listener(event, payload);
			} catch (error) {
				this.#onListenerError(event, error);
			}
		}
	}
}
