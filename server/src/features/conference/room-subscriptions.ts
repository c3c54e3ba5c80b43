import type { RtpCapabilities } from 'mediasoup/node/lib/types.js';
import type { NotificationName, NotificationOf } from '#shared/protocol/index.ts';
import { InvalidPayloadError, InvalidStateError } from '../../lib/errors.ts';
import { asWire } from '../../lib/wire.ts';
import type { Peer } from '../../sfu/peer.ts';
import { Subscriber } from '../../sfu/subscriber.ts';
import { acceptedThumbnails, wantedFor, type PolicySite, type ReceiveLimits, type SiteView } from './receive-policy.ts';

type Notify = <K extends NotificationName>(event: K, payload: NotificationOf<K>) => void;

/** What the subscriptions need of a connected site. */
export type SubscribingSite = { id: string; peer: Peer; audioOnly: boolean; notify: Notify };

type Log = { warn: (obj: object, msg: string) => void };

/** A site that mutes keeps its listeners this long: a quick "mute, unmute" costs no new consumers. */
const MUTED_LINGER_MS = 15_000;

/**
 * A camera is told to drop layers only after nobody has needed them for this long: the large
 * tile follows the active speaker, and a speaker coming back should not wait for its encoder to
 * start the top layer again (nor a consumer for a key frame on the lower one).
 */
const LAYER_LOWER_DELAY_MS = 10_000;

/**
 * A new camera sends every layer this long before its first lowering. mediasoup 3.12 (bug #492)
 * keeps a simulcast consumer's first forwarded stream as its timestamp reference and can switch
 * away from it only once that stream has had an RTCP sender report (Chrome: about one a second
 * per stream); turning the upper layers off right after they start stalls the consumers that
 * began on them for good. Three reports' time, so that a join storm costs little uplink.
 */
export const FIRST_LAYER_LOWER_DELAY_MS = 3000;

/**
 * Who receives what in one room. Sites receive nothing until room:receive; then the server keeps
 * their consumers equal to the receive policy (receive-policy.ts) after every change (views,
 * producers, mutes, audio-only), in one pass per event-loop turn however many changes came. It
 * also tells each sender the highest simulcast layer anyone takes of its camera (producer:layers).
 */
export class RoomSubscriptions {
	readonly #sites: () => Iterable<SubscribingSite>;
	readonly #mayBeHeard: (participantId: string) => boolean;
	/** The least every camera must send whoever shows it (the recorder's layer while recording). */
	readonly #minimumLayer: () => number;
	readonly #log: Log;
	#limits: ReceiveLimits;
	readonly #subscribers = new Map<string, Subscriber>();
	readonly #views = new Map<string, SiteView>();
	/** Microphones paused since (ms), while they still count as heard. */
	readonly #mutedSince = new Map<string, number>();
	readonly #lingerTimers = new Map<string, NodeJS.Timeout>();
	/** Last maxSpatialLayer told to each camera's owner. */
	readonly #layersSent = new Map<string, number>();
	/** Cameras whose layers may go down: since when nobody needs the higher ones (ms), after how long, and the timer that looks again. */
	readonly #lowering = new Map<string, { since: number; delayMs: number; timer: NodeJS.Timeout }>();
	#scheduled: NodeJS.Immediate | null = null;
	#closed = false;

	constructor(options: {
		sites: () => Iterable<SubscribingSite>;
		mayBeHeard: (participantId: string) => boolean;
		minimumLayer: () => number;
		limits: ReceiveLimits;
		log: Log;
	}) {
		this.#sites = options.sites;
		this.#mayBeHeard = options.mayBeHeard;
		this.#minimumLayer = options.minimumLayer;
		this.#limits = options.limits;
		this.#log = options.log;
	}

	get limits(): ReceiveLimits {
		return this.#limits;
	}

	/** The site's receive transport is ready: it receives from now on. */
	receive(site: SubscribingSite, rtpCapabilities: RtpCapabilities): void {
		if (this.#subscribers.get(site.id)?.peer === site.peer) {
			return;
		}
		if (!Array.isArray(rtpCapabilities.codecs) || rtpCapabilities.codecs.length === 0) {
			throw new InvalidPayloadError('rtpCapabilities lists no codec');
		}
		if (!site.peer.hasTransport('recv')) {
			throw new InvalidStateError('Create the recv transport first');
		}
		this.#subscribers.get(site.id)?.close();
		const subscriber = new Subscriber({
			peer: site.peer,
			rtpCapabilities,
			log: this.#log,
			added: (added) => site.notify('consumer:added', { ...added, rtpParameters: asWire(added.rtpParameters) }),
			lost: () => this.changed(),
		});
		this.#subscribers.set(site.id, subscriber);
		site.peer.once('closed', () => {
			if (this.#subscribers.get(site.id) === subscriber) {
				this.#subscribers.delete(site.id);
				this.#views.delete(site.id);
				this.changed();
			}
		});
		this.changed();
	}

	/** Sets what the site shows; answers the thumbnails it will receive. */
	view(site: SubscribingSite, view: SiteView): string[] {
		this.#views.set(site.id, view);
		this.changed();
		return acceptedThumbnails(site.id, view, this.#policySites(), this.#limits);
	}

	/** The site left: its view goes with it. */
	forget(participantId: string): void {
		this.#views.delete(participantId);
		this.changed();
	}

	/** A microphone paused: still heard for a while, so that a quick unmute needs no new consumers. */
	microphonePaused(producerId: string): void {
		if (this.#closed) {
			return;
		}
		this.#mutedSince.set(producerId, Date.now());
		clearTimeout(this.#lingerTimers.get(producerId));
		const timer = setTimeout(() => {
			this.#lingerTimers.delete(producerId);
			this.changed();
		}, MUTED_LINGER_MS);
		timer.unref();
		this.#lingerTimers.set(producerId, timer);
		this.changed();
	}

	microphoneResumedOrClosed(producerId: string): void {
		this.#mutedSince.delete(producerId);
		clearTimeout(this.#lingerTimers.get(producerId));
		this.#lingerTimers.delete(producerId);
		this.#layersSent.delete(producerId);
		this.changed();
	}

	/** Something the policy reads changed: recompute once, on the next turn of the event loop. */
	changed(): void {
		if (this.#closed || this.#scheduled) {
			return;
		}
		this.#scheduled = setImmediate(() => {
			this.#scheduled = null;
			this.#apply();
		});
	}

	/** What a site receives now (tests, metrics): producer id → kind and layer. */
	receiving(participantId: string): Map<string, { kind: 'audio' | 'video'; spatialLayer: number }> {
		return this.#subscribers.get(participantId)?.receiving() ?? new Map<string, { kind: 'audio' | 'video'; spatialLayer: number }>();
	}

	/** Resolves when every pending pass has been applied (tests, benchmarks). */
	async settled(): Promise<void> {
		while (this.#scheduled) {
			await new Promise((resolve) => setImmediate(resolve));
		}
		await Promise.all([...this.#subscribers.values()].map((s) => s.settled()));
	}

	close(): void {
		this.#closed = true;
		if (this.#scheduled) {
			clearImmediate(this.#scheduled);
			this.#scheduled = null;
		}
		for (const timer of this.#lingerTimers.values()) {
			clearTimeout(timer);
		}
		this.#lingerTimers.clear();
		for (const producerId of [...this.#lowering.keys()]) {
			this.#stopLowering(producerId);
		}
		for (const subscriber of this.#subscribers.values()) {
			subscriber.close();
		}
		this.#subscribers.clear();
	}

	#policySites(): Map<string, PolicySite> {
		const sites = new Map<string, PolicySite>();
		for (const site of this.#sites()) {
			sites.set(site.id, {
				id: site.id,
				audioOnly: site.audioOnly,
				producers: site.peer.producers.map(({ producer, source }) => ({ id: producer.id, kind: producer.kind, source })),
			});
		}
		return sites;
	}

	#audible(owners: ReadonlyMap<string, string>, producerId: string): boolean {
		const owner = owners.get(producerId);
		if (owner === undefined || !this.#mayBeHeard(owner)) {
			return false;
		}
		const since = this.#mutedSince.get(producerId);
		return since === undefined || Date.now() - since < MUTED_LINGER_MS;
	}

	#apply(): void {
		if (this.#closed) {
			return;
		}
		const all = [...this.#sites()];
		const sites = this.#policySites();
		const owners = new Map<string, string>();
		const paused = new Set<string>();
		for (const site of all) {
			for (const { producer } of site.peer.producers) {
				owners.set(producer.id, site.id);
				if (producer.paused && producer.kind === 'audio' && !this.#mutedSince.has(producer.id)) {
					// Paused before the room saw it (created paused, or the chair's mute on entry).
					paused.add(producer.id);
				}
			}
		}
		const audible = (producerId: string): boolean => !paused.has(producerId) && this.#audible(owners, producerId);
		const demand = new Map<string, number>();
		for (const site of all) {
			const subscriber = this.#subscribers.get(site.id);
			if (subscriber?.peer !== site.peer) {
				continue;
			}
			const wanted = wantedFor(sites.get(site.id)!, this.#views.get(site.id) ?? null, sites, audible, this.#limits);
			for (const w of wanted) {
				if (w.source === 'camera') {
					demand.set(w.producerId, Math.max(demand.get(w.producerId) ?? 0, w.spatialLayer));
				}
			}
			subscriber.want(wanted);
		}
		for (const site of all) {
			const camera = site.peer.producerBySource('camera');
			if (!camera) {
				continue;
			}
			const top = Math.max(0, (camera.rtpParameters.encodings?.length ?? 1) - 1);
			const layer = this.#layerToSend(camera.id, Math.max(demand.get(camera.id) ?? 0, this.#minimumLayer()), top);
			if (layer !== null) {
				this.#layersSent.set(camera.id, layer);
				site.notify('producer:layers', { producerId: camera.id, maxSpatialLayer: layer });
			}
		}
		for (const producerId of [...this.#layersSent.keys()]) {
			if (!owners.has(producerId)) {
				this.#layersSent.delete(producerId);
				this.#stopLowering(producerId);
			}
		}
	}

	/**
	 * The layer to tell the camera now, or null: a new camera is told its top layer (whatever its
	 * browser last heard, e.g. before audio-only) and goes down after FIRST_LAYER_LOWER_DELAY_MS;
	 * a higher layer at once; a lower one once nobody has needed more for LAYER_LOWER_DELAY_MS.
	 */
	#layerToSend(producerId: string, layer: number, top: number): number | null {
		const sent = this.#layersSent.get(producerId);
		if (sent === undefined) {
			this.#stopLowering(producerId);
			if (layer < top) {
				this.#startLowering(producerId, FIRST_LAYER_LOWER_DELAY_MS);
			}
			return Math.max(layer, top);
		}
		if (layer >= sent) {
			this.#stopLowering(producerId);
			return layer > sent ? layer : null;
		}
		const lowering = this.#lowering.get(producerId);
		if (!lowering) {
			this.#startLowering(producerId, LAYER_LOWER_DELAY_MS);
			return null;
		}
		if (Date.now() - lowering.since < lowering.delayMs) {
			return null;
		}
		this.#stopLowering(producerId);
		return layer;
	}

	#startLowering(producerId: string, delayMs: number): void {
		const timer = setTimeout(() => this.changed(), delayMs + 50);
		timer.unref();
		this.#lowering.set(producerId, { since: Date.now(), delayMs, timer });
	}

	#stopLowering(producerId: string): void {
		const lowering = this.#lowering.get(producerId);
		if (lowering) {
			clearTimeout(lowering.timer);
			this.#lowering.delete(producerId);
		}
	}
}
