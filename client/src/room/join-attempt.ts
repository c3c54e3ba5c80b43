import type { Consumer, Producer, Transport } from 'mediasoup-client/lib/types.js';
import type { Source } from '../media/signalled-transport.ts';

export type ConsumerEntry = { consumer: Consumer; participantId: string; source: Source };

/** Thrown into the steps of a join attempt that a newer one replaced; nobody reports it. */
export class SupersededError extends Error {
	constructor() {
		super('superseded by a newer join');
		this.name = 'SupersededError';
	}
}

/**
 * The media of one try at joining the room: the transports it created and what runs on them.
 *
 * Joins overlap: a rejoin (signalling back, media:closed, ICE not recovering) can start while an
 * older join still awaits the server. The server keeps one transport per direction and peer, so
 * the newer join's transport:create replaces the older one's on the server; a client transport of
 * the older join is then connected to nothing, and an ICE restart "for the recv direction" would
 * restart the newer join's server transport with the older client's credentials. Hence only the
 * current attempt is open; starting a new one closes the old, and the old one's steps still in
 * flight close whatever they create late (adopt) and stop (check) instead of touching the new one.
 */
export class JoinAttempt {
	send: Transport | undefined;
	recv: Transport | undefined;
	/** Whether the server accepted room:join: refusals before that are about the site, not the link. */
	accepted = false;
	readonly producers = new Map<Source, Producer>();
	readonly consumers = new Map<string, ConsumerEntry>();
	/**
	 * Consumers the server announced (consumer:added) that the browser is still setting up, and
	 * those of them the server closed meanwhile (consumer:closed overtook the setup): closed as soon
	 * as they exist instead of lingering as a frozen tile.
	 */
	readonly consuming = new Set<string>();
	readonly closedWhileConsuming = new Set<string>();
	/** room:receive went through: the server makes consumers for this attempt's peer and takes its room:view. */
	receiving = false;
	/** The last room:view sent for this attempt's peer (a key), so that an unchanged view is not sent again. */
	viewSent: string | null = null;
	/**
	 * The last producer:layers for this site's camera, by producer id: a notice that overtakes its
	 * camera's producer:create answer applies once the camera exists. Any other camera starts with
	 * every layer, as the server expects (it tells a new camera its top layer first).
	 */
	cameraLayers: { producerId: string; layer: number } | null = null;
	readonly #iceTimers = new Map<Transport, ReturnType<typeof setTimeout>>();
	#closed = false;

	get closed(): boolean {
		return this.#closed;
	}

	/** Throws SupersededError once this attempt is closed, to stop its remaining steps. */
	check(): void {
		if (this.#closed) {
			throw new SupersededError();
		}
	}

	/** Keeps a transport this attempt created, or closes it right away when the attempt ended meanwhile. */
	adopt(direction: 'send' | 'recv', transport: Transport): void {
		if (this.#closed) {
			transport.close();
			throw new SupersededError();
		}
		this[direction] = transport;
	}

	/** Starts the ICE recovery deadline of one transport; false if one is running already. */
	startIceTimer(transport: Transport, ms: number, expired: () => void): boolean {
		if (this.#closed || this.#iceTimers.has(transport)) {
			return false;
		}
		this.#iceTimers.set(
			transport,
			globalThis.setTimeout(() => {
				this.#iceTimers.delete(transport);
				if (!this.#closed) {
					expired();
				}
			}, ms)
		);
		return true;
	}

	stopIceTimer(transport: Transport): void {
		globalThis.clearTimeout(this.#iceTimers.get(transport));
		this.#iceTimers.delete(transport);
	}

	/** Closes the transports (and with them every producer and consumer) and stops the ICE timers. */
	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const timer of this.#iceTimers.values()) {
			globalThis.clearTimeout(timer);
		}
		this.#iceTimers.clear();
		this.send?.close();
		this.recv?.close();
		// The screen track came from getDisplayMedia for this attempt's producer; the camera and
		// microphone tracks belong to the page and go on to the next attempt.
		this.producers.get('screen')?.track?.stop();
		this.producers.clear();
		this.consumers.clear();
		this.consuming.clear();
		this.closedWhileConsuming.clear();
		this.receiving = false;
	}
}
