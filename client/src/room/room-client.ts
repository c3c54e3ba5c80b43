import { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport } from 'mediasoup-client/lib/types.js';
import type { RoomSnapshot } from '#shared/protocol/index.ts';
import { CAMERA_ENCODINGS } from '../media/camera.ts';
import { QualityMeter, type ConnectionQuality } from '../media/connection-quality.ts';
import { selectedPath } from '../media/selected-path.ts';
import { createSignalledTransport, type Source } from '../media/signalled-transport.ts';
import { request, type AppSocket } from '../signaling/socket.ts';

export type JoinTarget = { meetingId: string } | { invitationToken: string };
export type RoomState = 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'closed';
export type CloseReason = 'denied' | 'removed' | 'ended' | 'replaced' | 'left' | 'error';
export type ReceiveStats = { audioBytes: number; videoBytes: number; cameraWidth: number };

export type Notice = 'muted' | 'unmute-requested' | 'floor-granted';

export type RemoteTracks = { audio?: MediaStreamTrack; camera?: MediaStreamTrack; screen?: MediaStreamTrack };

type Listeners = {
	state: (state: RoomState, detail?: string) => void;
	snapshot: (snapshot: RoomSnapshot) => void;
	tracks: () => void;
	notice: (notice: Notice) => void;
	speaker: (participantId: string | null) => void;
};

/** If ICE restart does not bring a transport back within this time, the client rejoins from scratch. */
const ICE_RECOVERY_MS = 10_000;

/**
 * One site's membership of a live meeting: joins (or waits), sends the local microphone and
 * camera (VP8 simulcast), receives every other site, follows the chair's actions, and recovers
 * from signalling drops (rejoin) and ICE failures (restart ICE, then rejoin).
 */
export class RoomClient {
	readonly #socket: AppSocket;
	readonly #target: JoinTarget;
	readonly #local: MediaStream;
	readonly #listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
		state: new Set(),
		snapshot: new Set(),
		tracks: new Set(),
		notice: new Set(),
		speaker: new Set(),
	};
	#device: Device | undefined;
	#send: Transport | undefined;
	#recv: Transport | undefined;
	#producers = new Map<Source, Producer>();
	#consumers = new Map<string, { consumer: Consumer; participantId: string; source: Source }>();
	/** Producers being consumed right now, so that a snapshot and a producer:added never consume one twice. */
	#consuming = new Set<string>();
	/** Producers announced while this window was still creating its transports (consumed once they exist). */
	#announced = new Map<string, { participantId: string; source: Source }>();
	#participantId: string | null = null;
	#snapshot: RoomSnapshot | null = null;
	#state: RoomState = 'joining';
	#audioOnly = false;
	#micMuted = false;
	#large: string | null = null;
	#iceTimers = new Map<Transport, number>();
	#recovery = { iceRestarts: 0, rejoins: 0 };
	#quality = new QualityMeter();
	#generation = 0;
	#closed = false;

	constructor(socket: AppSocket, target: JoinTarget, local: MediaStream) {
		this.#socket = socket;
		this.#target = target;
		this.#local = local;
		socket.on('room:snapshot', this.#onSnapshot);
		socket.on('producer:added', this.#onProducerAdded);
		socket.on('consumer:closed', this.#onConsumerClosed);
		socket.on('room:closed', this.#onRoomClosed);
		socket.on('room:admitted', this.#onAdmitted);
		socket.on('room:active-speaker', this.#onSpeaker);
		socket.on('chair:muted', this.#onMuted);
		socket.on('chair:unmute-requested', this.#onUnmuteRequested);
		socket.on('floor:granted', this.#onFloorGranted);
		socket.on('media:closed', this.#onMediaClosed);
		socket.on('disconnect', this.#onDisconnect);
		socket.on('connect', this.#onReconnect);
	}

	on<K extends keyof Listeners>(event: K, listener: Listeners[K]): () => void {
		(this.#listeners[event] as Set<Listeners[K]>).add(listener);
		return () => (this.#listeners[event] as Set<Listeners[K]>).delete(listener);
	}

	get participantId(): string | null {
		return this.#participantId;
	}

	get snapshot(): RoomSnapshot | null {
		return this.#snapshot;
	}

	get state(): RoomState {
		return this.#state;
	}

	/** How often this window recovered media: ICE restarts, and rejoins with new transports (any cause). */
	get recovery(): { iceRestarts: number; rejoins: number } {
		return { ...this.#recovery };
	}

	get micMuted(): boolean {
		return this.#micMuted;
	}

	get audioOnly(): boolean {
		return this.#audioOnly;
	}

	get sharingScreen(): boolean {
		return this.#producers.has('screen');
	}

	/** Remote tracks by participant, for the layout. */
	tracks(): Map<string, RemoteTracks> {
		const result = new Map<string, RemoteTracks>();
		for (const { consumer, participantId, source } of this.#consumers.values()) {
			const entry = result.get(participantId) ?? {};
			entry[source === 'microphone' ? 'audio' : source] = consumer.track;
			result.set(participantId, entry);
		}
		return result;
	}

	/**
	 * Per participant: bytes received so far, per kind (inbound-rtp), and the width of the camera
	 * frames arriving now (which simulcast layer gets through), for quality displays and diagnostics.
	 */
	async receiveStats(): Promise<Record<string, ReceiveStats>> {
		const result: Record<string, ReceiveStats> = {};
		for (const { consumer, participantId, source } of this.#consumers.values()) {
			const entry = (result[participantId] ??= { audioBytes: 0, videoBytes: 0, cameraWidth: 0 });
			const report = await consumer.getStats();
			report.forEach((s: RTCStats & { bytesReceived?: number; frameWidth?: number }) => {
				if (s.type === 'inbound-rtp') {
					if (consumer.kind === 'audio') {
						entry.audioBytes += s.bytesReceived ?? 0;
					} else {
						entry.videoBytes += s.bytesReceived ?? 0;
						if (source === 'camera') {
							entry.cameraWidth = s.frameWidth ?? 0;
						}
					}
				}
			});
		}
		return result;
	}

	/** The camera's simulcast layers as the browser sends them now: frame width and bytes so far, per rid. */
	async cameraLayers(): Promise<{ rid: string; width: number; bytesSent: number }[]> {
		const producer = this.#producers.get('camera');
		if (!producer || producer.closed) {
			return [];
		}
		const layers: { rid: string; width: number; bytesSent: number }[] = [];
		(await producer.getStats()).forEach((s: RTCStats & { rid?: string; frameWidth?: number; bytesSent?: number }) => {
			if (s.type === 'outbound-rtp') {
				layers.push({ rid: s.rid ?? '', width: s.frameWidth ?? 0, bytesSent: s.bytesSent ?? 0 });
			}
		});
		return layers.sort((a, b) => a.rid.localeCompare(b.rid));
	}

	/**
	 * The protocol of each transport's selected ICE candidate pair ('udp', or 'tcp' when a firewall
	 * lets only TCP through), for diagnostics; null while not connected.
	 */
	async mediaPaths(): Promise<{ send: string | null; recv: string | null }> {
		const protocolOf = async (transport: Transport | undefined): Promise<string | null> =>
			transport && !transport.closed ? selectedPath(await transport.getStats()).protocol : null;
		return { send: await protocolOf(this.#send), recv: await protocolOf(this.#recv) };
	}

	/** This site's downlink as the receiving transport sees it, measured since the previous call. */
	async connectionQuality(): Promise<ConnectionQuality> {
		const recv = this.#recv;
		if (!recv || recv.closed) {
			return { level: 'unknown', rttMs: null, lossPercent: null, protocol: null };
		}
		return this.#quality.measure(await recv.getStats());
	}

	async join(): Promise<void> {
		const generation = ++this.#generation;
		this.#setState(this.#state === 'reconnecting' ? 'reconnecting' : 'joining');
		this.#resetMedia();
		const result = await request(this.#socket, 'room:join', this.#target);
		if (generation !== this.#generation || this.#closed) {
			return;
		}
		this.#participantId = result.participantId;
		if (result.status === 'waiting') {
			this.#setState('waiting');
			return;
		}
		this.#applySnapshot(result.snapshot);
		this.#device ??= new Device();
		if (!this.#device.loaded) {
			await this.#device.load({ routerRtpCapabilities: result.routerRtpCapabilities });
		}
		this.#send = await this.#createTransport('send');
		this.#recv = await this.#createTransport('recv');
		const audio = this.#local.getAudioTracks()[0];
		if (audio) {
			await this.#produce('microphone', audio);
			if (this.#micMuted) {
				await this.setMicMuted(true);
			}
		}
		const video = this.#local.getVideoTracks()[0];
		if (video && !this.#audioOnly) {
			await this.#produce('camera', video);
		}
		// The newest snapshot, not the join reply: sites that joined or produced while this window was
		// setting up are in it, or were announced meanwhile.
		const producers = new Map(this.#announced);
		this.#announced.clear();
		for (const participant of this.#snapshot?.participants ?? []) {
			if (participant.id !== this.#participantId) {
				participant.producers.forEach((producer) => producers.set(producer.id, { participantId: participant.id, source: producer.source }));
			}
		}
		for (const [producerId, { participantId, source }] of producers) {
			if (generation !== this.#generation) {
				return;
			}
			// A producer that closed meanwhile is not_found; the others still get consumed.
			await this.#consume(participantId, producerId, source).catch((error: unknown) => console.warn('consume failed', error));
		}
		if (generation === this.#generation) {
			this.#setState('joined');
		}
	}

	async setMicMuted(muted: boolean): Promise<void> {
		this.#micMuted = muted;
		const mic = this.#producers.get('microphone');
		if (!mic) {
			return;
		}
		if (muted) {
			mic.pause();
			await request(this.#socket, 'producer:pause', { producerId: mic.id });
		} else {
			mic.resume();
			await request(this.#socket, 'producer:resume', { producerId: mic.id });
		}
	}

	/** Audio-only: stop sending the camera and stop receiving video, for a weak link. */
	async setAudioOnly(audioOnly: boolean): Promise<void> {
		this.#audioOnly = audioOnly;
		const camera = this.#producers.get('camera');
		if (audioOnly && camera) {
			this.#producers.delete('camera');
			camera.close();
			await request(this.#socket, 'producer:close', { producerId: camera.id });
		} else if (!audioOnly && !camera) {
			const video = this.#local.getVideoTracks()[0];
			if (video) {
				await this.#produce('camera', video);
			}
		}
		for (const { consumer } of this.#consumers.values()) {
			if (consumer.kind === 'video') {
				await this.#setConsumerPaused(consumer, audioOnly);
			}
		}
		await request(this.#socket, 'room:set-state', { audioOnly });
	}

	async shareScreen(): Promise<void> {
		const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 10 }, audio: false });
		const track = stream.getVideoTracks()[0];
		if (!track) {
			return;
		}
		track.addEventListener('ended', () => void this.stopScreen());
		await this.#produce('screen', track);
	}

	async stopScreen(): Promise<void> {
		const screen = this.#producers.get('screen');
		if (!screen) {
			return;
		}
		this.#producers.delete('screen');
		screen.track?.stop();
		screen.close();
		await request(this.#socket, 'producer:close', { producerId: screen.id }).catch(() => undefined);
	}

	/** The participant shown large receives the top simulcast layer; everyone else thumbnails. */
	async setLarge(participantId: string | null): Promise<void> {
		if (participantId === this.#large) {
			return;
		}
		this.#large = participantId;
		for (const { consumer, participantId: owner } of this.#consumers.values()) {
			if (consumer.kind === 'video') {
				await request(this.#socket, 'consumer:set-layout', { consumerId: consumer.id, large: owner === participantId }).catch(() => undefined);
			}
		}
	}

	async leave(): Promise<void> {
		if (this.#closed) {
			return;
		}
		await request(this.#socket, 'room:leave', {}).catch(() => undefined);
		this.close('left');
	}

	close(reason: CloseReason = 'left', detail?: string): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.#resetMedia();
		this.#producers.get('screen')?.track?.stop();
		const s = this.#socket;
		s.off('room:snapshot', this.#onSnapshot);
		s.off('producer:added', this.#onProducerAdded);
		s.off('consumer:closed', this.#onConsumerClosed);
		s.off('room:closed', this.#onRoomClosed);
		s.off('room:admitted', this.#onAdmitted);
		s.off('room:active-speaker', this.#onSpeaker);
		s.off('chair:muted', this.#onMuted);
		s.off('chair:unmute-requested', this.#onUnmuteRequested);
		s.off('floor:granted', this.#onFloorGranted);
		s.off('media:closed', this.#onMediaClosed);
		s.off('disconnect', this.#onDisconnect);
		s.off('connect', this.#onReconnect);
		this.#setState('closed', detail ?? reason);
	}

	async #createTransport(direction: 'send' | 'recv'): Promise<Transport> {
		const transport = await createSignalledTransport(this.#socket, this.#device!, direction);
		transport.on('connectionstatechange', (state) => {
			if (state === 'disconnected' || state === 'failed') {
				void this.#recoverIce(transport, direction);
			} else if (state === 'connected') {
				window.clearTimeout(this.#iceTimers.get(transport));
				this.#iceTimers.delete(transport);
			}
		});
		return transport;
	}

	/** ICE restart first; if the transport is not connected again soon, rejoin with new transports. */
	async #recoverIce(transport: Transport, direction: 'send' | 'recv'): Promise<void> {
		if (this.#iceTimers.has(transport) || this.#closed) {
			return;
		}
		this.#iceTimers.set(
			transport,
			window.setTimeout(() => {
				this.#iceTimers.delete(transport);
				if (!transport.closed && transport.connectionState !== 'connected' && this.#socket.connected) {
					this.#rejoin();
				}
			}, ICE_RECOVERY_MS)
		);
		try {
			const { iceParameters } = await request(this.#socket, 'transport:restart-ice', { direction });
			await transport.restartIce({ iceParameters });
			this.#recovery.iceRestarts += 1;
		} catch {
			// The timer above falls back to a full rejoin.
		}
	}

	async #produce(source: Source, track: MediaStreamTrack): Promise<void> {
		if (!this.#send || this.#producers.has(source)) {
			return;
		}
		// stopTracks: false — the page owns the local tracks, and a rejoin or leaving audio-only mode
		// sends the same tracks again on new producers.
		const producer =
			source === 'microphone'
				? await this.#send.produce({ track, stopTracks: false, codecOptions: { opusFec: true, opusDtx: true }, appData: { source } })
				: source === 'camera'
					? await this.#send.produce({ track, stopTracks: false, encodings: CAMERA_ENCODINGS, appData: { source } })
					: await this.#send.produce({ track, stopTracks: false, encodings: [{ maxBitrate: 1_500_000 }], appData: { source } });
		this.#producers.set(source, producer);
	}

	async #consume(participantId: string, producerId: string, source: Source): Promise<void> {
		const recv = this.#recv;
		const device = this.#device;
		if (!recv || !device || this.#consuming.has(producerId) || [...this.#consumers.values()].some((c) => c.consumer.producerId === producerId)) {
			return;
		}
		this.#consuming.add(producerId);
		try {
			const params = await request(this.#socket, 'consumer:create', { producerId, rtpCapabilities: device.rtpCapabilities });
			// A rejoin meanwhile replaced the transports: that server consumer belonged to the old peer.
			if (recv !== this.#recv || recv.closed) {
				return;
			}
			const consumer = await recv.consume({ id: params.consumerId, producerId, kind: params.kind, rtpParameters: params.rtpParameters });
			if (recv !== this.#recv) {
				consumer.close();
				return;
			}
			this.#consumers.set(consumer.id, { consumer, participantId, source });
			// Created paused on the server; audio-only keeps video that way on both ends.
			await this.#setConsumerPaused(consumer, consumer.kind === 'video' && this.#audioOnly);
			if (consumer.kind === 'video') {
				await request(this.#socket, 'consumer:set-layout', { consumerId: consumer.id, large: participantId === this.#large }).catch(() => undefined);
			}
			this.#emit('tracks');
		} finally {
			this.#consuming.delete(producerId);
		}
	}

	async #setConsumerPaused(consumer: Consumer, paused: boolean): Promise<void> {
		if (paused) {
			consumer.pause();
			await request(this.#socket, 'consumer:pause', { consumerId: consumer.id });
		} else {
			consumer.resume();
			await request(this.#socket, 'consumer:resume', { consumerId: consumer.id });
		}
	}

	#resetMedia(): void {
		for (const timer of this.#iceTimers.values()) {
			window.clearTimeout(timer);
		}
		this.#iceTimers.clear();
		this.#send?.close();
		this.#recv?.close();
		this.#send = undefined;
		this.#recv = undefined;
		const screen = this.#producers.get('screen');
		this.#producers.clear();
		screen?.track?.stop();
		this.#consumers.clear();
		this.#announced.clear();
		this.#emit('tracks');
	}

	#setState(state: RoomState, detail?: string): void {
		this.#state = state;
		this.#emit('state', state, detail);
	}

	#emit<K extends keyof Listeners>(event: K, ...args: Parameters<Listeners[K]>): void {
		for (const listener of this.#listeners[event]) {
			(listener as (...a: Parameters<Listeners[K]>) => void)(...args);
		}
	}

	readonly #onSnapshot = (snapshot: RoomSnapshot): void => {
		this.#applySnapshot(snapshot);
	};

	/**
	 * Keeps the newest state of the current room. A broadcast can overtake the join reply that
	 * carries an older snapshot; a snapshot of another room (the meeting moved to a new one after
	 * a media failure, seq starting again) always wins.
	 */
	#applySnapshot(snapshot: RoomSnapshot): void {
		if (this.#snapshot?.roomId === snapshot.roomId && snapshot.seq <= this.#snapshot.seq) {
			return;
		}
		this.#snapshot = snapshot;
		this.#emit('snapshot', snapshot);
	}

	readonly #onProducerAdded = ({ participantId, producerId, source }: { participantId: string; producerId: string; source: Source }): void => {
		if (!this.#recv) {
			this.#announced.set(producerId, { participantId, source });
			return;
		}
		void this.#consume(participantId, producerId, source).catch((error: unknown) => console.warn('consume failed', error));
	};

	readonly #onConsumerClosed = ({ consumerId }: { consumerId: string }): void => {
		const entry = this.#consumers.get(consumerId);
		if (entry) {
			entry.consumer.close();
			this.#consumers.delete(consumerId);
			this.#emit('tracks');
		}
	};

	readonly #onRoomClosed = ({ reason }: { reason: CloseReason }): void => {
		this.close(reason);
	};

	readonly #onAdmitted = (): void => {
		void this.join().catch((error: unknown) => this.close('error', error instanceof Error ? error.message : String(error)));
	};

	readonly #onSpeaker = ({ participantId }: { participantId: string | null }): void => {
		this.#emit('speaker', participantId);
	};

	readonly #onMuted = (): void => {
		this.#micMuted = true;
		this.#producers.get('microphone')?.pause();
		this.#emit('notice', 'muted');
	};

	readonly #onUnmuteRequested = (): void => {
		this.#emit('notice', 'unmute-requested');
	};

	readonly #onFloorGranted = (): void => {
		this.#micMuted = false;
		this.#producers.get('microphone')?.resume();
		this.#emit('notice', 'floor-granted');
	};

	readonly #onMediaClosed = (): void => {
		this.#rejoin();
	};

	#rejoin(): void {
		this.#recovery.rejoins += 1;
		this.#setState('reconnecting');
		void this.join().catch(() => undefined);
	}

	readonly #onDisconnect = (): void => {
		if (!this.#closed) {
			this.#setState('reconnecting');
		}
	};

	readonly #onReconnect = (): void => {
		if (!this.#closed && this.#state === 'reconnecting') {
			this.#recovery.rejoins += 1;
			void this.join().catch((error: unknown) => this.close('error', error instanceof Error ? error.message : String(error)));
		}
	};
}
