import { Device } from 'mediasoup-client';
import type { Consumer, MediaKind, Producer, RtpCapabilities, RtpParameters, Transport } from 'mediasoup-client/lib/types.js';
import type { RoomDelta, RoomSnapshot } from '#shared/protocol/index.ts';
import { RoomFollower } from '#shared/room/room-follower.ts';
import { CAMERA_ENCODINGS } from '../media/camera.ts';
import { QualityMeter, type ConnectionQuality } from '../media/connection-quality.ts';
import { selectedPath } from '../media/selected-path.ts';
import { createSignalledTransport, type Source } from '../media/signalled-transport.ts';
import { request, RequestError, type AppSocket } from '../signaling/socket.ts';
import { JoinAttempt } from './join-attempt.ts';
import { errorMessage, isJoinRefusal, rejoinDelay } from './rejoin-policy.ts';

export type JoinTarget = { meetingId: string } | { invitationToken: string };
export type RoomState = 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'closed';
export type CloseReason = 'denied' | 'removed' | 'ended' | 'replaced' | 'revoked' | 'left' | 'error';
export type ReceiveStats = { audioBytes: number; videoBytes: number; cameraWidth: number };

/** A consumer's inbound-rtp statistics; null once the server closed it (a gallery page turned) or the browser gave none. */
async function inboundStats(consumer: Consumer): Promise<Record<string, unknown> | null> {
	if (consumer.closed) {
		return null;
	}
	let inbound: Record<string, unknown> | null = null;
	(await consumer.getStats().catch(() => null))?.forEach((s: RTCStats & Record<string, unknown>) => {
		if (s.type === 'inbound-rtp') {
			inbound = s;
		}
	});
	return inbound;
}

/**
 * While rejoining after failed tries: how many failed in a row, why the last one failed, and when
 * (Date.now() time) the next one starts; null while one is under way or the socket is down (the
 * reconnect starts the next one).
 */
export type RejoinStatus = { failures: number; error: string; retryAt: number | null };

export type Notice = 'muted' | 'unmute-requested' | 'floor-granted' | 'muted-by-chair' | 'floor-declined';

export type RemoteTracks = { audio?: MediaStreamTrack; camera?: MediaStreamTrack; screen?: MediaStreamTrack };

/** What the site shows (room:view): the large tile, then its thumbnails in order (participant ids). */
export type RoomView = { large: string | null; thumbnails: readonly string[] };

type ConsumerAdded = { consumerId: string; producerId: string; participantId: string; kind: MediaKind; source: Source; rtpParameters: RtpParameters };

export type RoomClientOptions = {
	/** A mediasoup Device for this window; the unit tests pass one running on mediasoup-client's FakeHandler. */
	createDevice?: () => Device;
	/** The randomness of the rejoin jitter. */
	random?: () => number;
};

type Listeners = {
	state: (state: RoomState, detail?: string) => void;
	snapshot: (snapshot: RoomSnapshot) => void;
	tracks: () => void;
	notice: (notice: Notice) => void;
	speaker: (participantId: string | null) => void;
};

/** If ICE restart does not bring a transport back within this time, the client rejoins from scratch. */
const ICE_RECOVERY_MS = 10_000;

/** room:view takes at most this many thumbnails (its schema), whatever the room's settings say. */
const MAX_VIEW_THUMBNAILS = 64;

/**
 * One site's membership of a live meeting: joins (or waits), sends the local microphone and
 * camera (VP8 simulcast), receives what the server makes for it (the audio of unmuted sites, the
 * video of the sites its view shows), follows the room state (deltas, resync on a gap) and the
 * chair's actions, and recovers from signalling drops (rejoin) and ICE failures (restart ICE, then
 * rejoin). Each join runs as a JoinAttempt that owns its transports; a newer join closes the older
 * one (see join-attempt.ts).
 */
export class RoomClient {
	readonly #socket: AppSocket;
	readonly #target: JoinTarget;
	readonly #local: MediaStream;
	readonly #createDevice: () => Device;
	readonly #random: () => number;
	readonly #listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
		state: new Set(),
		snapshot: new Set(),
		tracks: new Set(),
		notice: new Set(),
		speaker: new Set(),
	};
	#deviceLoad: Promise<Device> | undefined;
	/** The current join; only it is open, and only its transports may talk to the server. */
	#attempt: JoinAttempt | null = null;
	#participantId: string | null = null;
	#state: RoomState = 'joining';
	#audioOnly = false;
	#micMuted = false;
	/** What the page shows; sent as room:view to every attempt once it receives. Null until the page says. */
	#view: RoomView | null = null;
	readonly #room = new RoomFollower({
		resync: () => request(this.#socket, 'room:resync', {}),
		onState: (state) => this.#emit('snapshot', state),
		onResyncFailed: (error) => console.warn('room:resync failed', error),
	});
	#recovery = { iceRestarts: 0, rejoins: 0 };
	#rejoinStatus: RejoinStatus | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#quality = new QualityMeter();
	/** A 'disconnect' whose reconnect has not started a rejoin yet: the server forgot this site with the old socket. */
	#dropped = false;
	#closed = false;
	#closeError: unknown = null;

	constructor(socket: AppSocket, target: JoinTarget, local: MediaStream, options: RoomClientOptions = {}) {
		this.#socket = socket;
		this.#target = target;
		this.#local = local;
		this.#createDevice = options.createDevice ?? (() => new Device());
		this.#random = options.random ?? Math.random;
		socket.on('room:delta', this.#onDelta);
		socket.on('consumer:added', this.#onConsumerAdded);
		socket.on('consumer:closed', this.#onConsumerClosed);
		socket.on('producer:layers', this.#onProducerLayers);
		socket.on('room:closed', this.#onRoomClosed);
		socket.on('room:admitted', this.#onAdmitted);
		socket.on('room:active-speaker', this.#onSpeaker);
		socket.on('chair:muted', this.#onMuted);
		socket.on('chair:unmute-requested', this.#onUnmuteRequested);
		socket.on('floor:granted', this.#onFloorGranted);
		socket.on('floor:declined', this.#onFloorDeclined);
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
		return this.#room.state;
	}

	get state(): RoomState {
		return this.#state;
	}

	/** Set while 'reconnecting' after at least one failed rejoin, for the operator to see progress. */
	get rejoinStatus(): RejoinStatus | null {
		return this.#rejoinStatus && { ...this.#rejoinStatus };
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
		return this.#attempt?.producers.has('screen') ?? false;
	}

	/** Remote tracks by participant, for the layout. */
	tracks(): Map<string, RemoteTracks> {
		const result = new Map<string, RemoteTracks>();
		for (const { consumer, participantId, source } of this.#attempt?.consumers.values() ?? []) {
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
		for (const { consumer, participantId, source } of [...(this.#attempt?.consumers.values() ?? [])]) {
			const entry = (result[participantId] ??= { audioBytes: 0, videoBytes: 0, cameraWidth: 0 });
			const s = await inboundStats(consumer);
			if (!s) {
				continue;
			}
			const bytes = typeof s['bytesReceived'] === 'number' ? s['bytesReceived'] : 0;
			if (consumer.kind === 'audio') {
				entry.audioBytes += bytes;
			} else {
				entry.videoBytes += bytes;
				if (source === 'camera') {
					entry.cameraWidth = typeof s['frameWidth'] === 'number' ? s['frameWidth'] : 0;
				}
			}
		}
		return result;
	}

	/**
	 * Each consumer as the browser has it (for a test that finds media not flowing to say why):
	 * paused here, its track muted (no packets for a while), what arrived and was decoded.
	 */
	async receiveDetails(): Promise<Record<string, unknown>[]> {
		const details: Record<string, unknown>[] = [];
		for (const { consumer, participantId, source } of [...(this.#attempt?.consumers.values() ?? [])]) {
			const s = await inboundStats(consumer);
			details.push({
				participantId,
				source,
				id: consumer.id,
				closed: consumer.closed,
				paused: consumer.paused,
				trackMuted: consumer.track.muted,
				trackState: consumer.track.readyState,
				...(s && { bytes: s['bytesReceived'], packets: s['packetsReceived'], lost: s['packetsLost'], frameWidth: s['frameWidth'], framesDecoded: s['framesDecoded'], keyFramesDecoded: s['keyFramesDecoded'], pliCount: s['pliCount'], lastPacketReceivedTimestamp: s['lastPacketReceivedTimestamp'] }),
			});
		}
		return details;
	}

	/** The camera's simulcast layers as the browser sends them now: frame width and bytes so far, per rid. */
	async cameraLayers(): Promise<{ rid: string; width: number; bytesSent: number }[]> {
		const producer = this.#attempt?.producers.get('camera');
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
		const attempt = this.#attempt;
		return { send: await protocolOf(attempt?.send), recv: await protocolOf(attempt?.recv) };
	}

	/** This site's downlink as the receiving transport sees it, measured since the previous call. */
	async connectionQuality(): Promise<ConnectionQuality> {
		const recv = this.#attempt?.recv;
		if (!recv || recv.closed) {
			return { level: 'unknown', rttMs: null, lossPercent: null, protocol: null };
		}
		return this.#quality.measure(await recv.getStats());
	}

	/**
	 * Joins the room, or its waiting room. Rejects with the reason when this join fails, for the page
	 * to show, unless the connection dropped meanwhile: then the failure is a rejoin's and retried
	 * like one. Resolves without effect when a newer join (a rejoin) replaced this one.
	 */
	async join(): Promise<void> {
		if (this.#closed) {
			return;
		}
		this.#cancelRetry();
		const attempt = new JoinAttempt();
		this.#attempt?.close();
		this.#attempt = attempt;
		this.#emit('tracks');
		this.#setState(this.#state === 'reconnecting' ? 'reconnecting' : 'joining', this.#rejoinStatus?.error);
		try {
			await this.#run(attempt);
		} catch (error) {
			// A newer join closed this one (its own failure says nothing about the newer one), or the room closed.
			if (attempt !== this.#attempt || this.#closed) {
				return;
			}
			attempt.close();
			if (this.#state !== 'reconnecting') {
				throw error;
			}
			this.#rejoinFailed(error, attempt.accepted);
		}
	}

	async setMicMuted(muted: boolean): Promise<void> {
		this.#micMuted = muted;
		const mic = this.#attempt?.producers.get('microphone');
		if (!mic) {
			return;
		}
		if (muted) {
			mic.pause();
			await request(this.#socket, 'producer:pause', { producerId: mic.id });
		} else {
			mic.resume();
			try {
				await request(this.#socket, 'producer:resume', { producerId: mic.id });
			} catch (error) {
				if (!(error instanceof RequestError && error.code === 'forbidden')) {
					throw error;
				}
				// The chair's mute holds until the floor or an unmute request: say so, stay muted.
				this.#micMuted = true;
				mic.pause();
				this.#emit('notice', 'muted-by-chair');
			}
		}
	}

	/**
	 * Audio-only: stop sending the camera and stop receiving video, for a weak link. The server
	 * closes this site's video consumers itself once it knows (room:set-state), and makes them
	 * again from the view when the mode ends.
	 */
	async setAudioOnly(audioOnly: boolean): Promise<void> {
		this.#audioOnly = audioOnly;
		const attempt = this.#attempt;
		const camera = attempt?.producers.get('camera');
		if (audioOnly && camera) {
			attempt?.producers.delete('camera');
			camera.close();
			await request(this.#socket, 'producer:close', { producerId: camera.id });
		} else if (!audioOnly && !camera && attempt) {
			const video = this.#local.getVideoTracks()[0];
			if (video) {
				await this.#produce(attempt, 'camera', video);
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
		const attempt = this.#attempt;
		let producer: Producer | null = null;
		try {
			producer = attempt ? await this.#produce(attempt, 'screen', track) : null;
		} finally {
			// Not sent (no transport yet, a rejoin meanwhile, an error): the browser would go on showing it as shared.
			if (!producer) {
				track.stop();
			}
		}
	}

	async stopScreen(): Promise<void> {
		const attempt = this.#attempt;
		const screen = attempt?.producers.get('screen');
		if (!screen) {
			return;
		}
		attempt?.producers.delete('screen');
		screen.track?.stop();
		screen.close();
		await request(this.#socket, 'producer:close', { producerId: screen.id }).catch(() => undefined);
	}

	/**
	 * What the page shows: the server receives video for exactly these sites, the large one at the
	 * top simulcast layer and the thumbnails at the lowest. Sent now if the current join receives
	 * already (an unchanged view is not sent again), else once it does; every rejoin sends it again.
	 */
	async setView(view: RoomView): Promise<void> {
		const limit = Math.min(MAX_VIEW_THUMBNAILS, this.#room.state?.settings.maxThumbnails ?? MAX_VIEW_THUMBNAILS);
		this.#view = { large: view.large, thumbnails: view.thumbnails.slice(0, limit) };
		await this.#sendView();
	}

	/**
	 * Sends the view to the current attempt's peer. Only an attempt whose room:receive went through
	 * sends it: a superseded one would set the newer join's view, and one not receiving yet sends
	 * it right after room:receive.
	 */
	async #sendView(): Promise<void> {
		const attempt = this.#attempt;
		const view = this.#view;
		if (!attempt || attempt.closed || !attempt.receiving || !view) {
			return;
		}
		const key = JSON.stringify(view);
		if (key === attempt.viewSent) {
			return;
		}
		attempt.viewSent = key;
		try {
			await request(this.#socket, 'room:view', { large: view.large, thumbnails: [...view.thumbnails] });
		} catch (error) {
			// Not applied: the same view asked again must be sent again.
			if (attempt.viewSent === key) {
				attempt.viewSent = null;
			}
			throw error;
		}
	}

	async leave(): Promise<void> {
		if (this.#closed) {
			return;
		}
		await request(this.#socket, 'room:leave', {}).catch(() => undefined);
		this.close('left');
	}

	/** Why the room closed with 'error' (the thrown error, for the page to say in the user's language); null otherwise. */
	get closeError(): unknown {
		return this.#closeError;
	}

	/** Closes the room because of `error` (a refused rejoin, a failed join). */
	fail(error: unknown): void {
		if (!this.#closed) {
			this.#closeError = error;
		}
		this.close('error', errorMessage(error));
	}

	close(reason: CloseReason = 'left', detail?: string): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.#room.close();
		this.#cancelRetry();
		this.#rejoinStatus = null;
		this.#attempt?.close();
		this.#emit('tracks');
		const s = this.#socket;
		s.off('room:delta', this.#onDelta);
		s.off('consumer:added', this.#onConsumerAdded);
		s.off('consumer:closed', this.#onConsumerClosed);
		s.off('producer:layers', this.#onProducerLayers);
		s.off('room:closed', this.#onRoomClosed);
		s.off('room:admitted', this.#onAdmitted);
		s.off('room:active-speaker', this.#onSpeaker);
		s.off('chair:muted', this.#onMuted);
		s.off('chair:unmute-requested', this.#onUnmuteRequested);
		s.off('floor:granted', this.#onFloorGranted);
		s.off('floor:declined', this.#onFloorDeclined);
		s.off('media:closed', this.#onMediaClosed);
		s.off('disconnect', this.#onDisconnect);
		s.off('connect', this.#onReconnect);
		this.#setState('closed', detail ?? reason);
	}

	/**
	 * The steps of one join. After every wait the attempt checks that it is still the current one
	 * (SupersededError otherwise): a superseded attempt must not send transport:create,
	 * room:receive or room:view, which the server would apply to the newer join's peer.
	 */
	async #run(attempt: JoinAttempt): Promise<void> {
		this.#room.joining();
		let result;
		try {
			result = await request(this.#socket, 'room:join', this.#target);
		} catch (error) {
			// A newer join has its own reply coming: only the current one ends the wait.
			if (!attempt.closed) {
				this.#room.joined(null);
			}
			throw error;
		}
		attempt.check();
		this.#room.joined(result.status === 'joined' ? result.snapshot : null);
		attempt.accepted = true;
		this.#participantId = result.participantId;
		if (result.status === 'waiting') {
			this.#joinSucceeded('waiting');
			return;
		}
		const device = await this.#loadDevice(result.routerRtpCapabilities);
		attempt.check();
		attempt.adopt('send', await this.#createTransport(attempt, device, 'send'));
		attempt.check();
		attempt.adopt('recv', await this.#createTransport(attempt, device, 'recv'));
		if (this.#audioOnly) {
			// The server knows a rejoined site afresh: tell it again, so the others keep showing the mode,
			// and before room:receive, so that it makes no video consumers for this site at all.
			await request(this.#socket, 'room:set-state', { audioOnly: true });
			attempt.check();
		}
		await request(this.#socket, 'room:receive', { rtpCapabilities: device.rtpCapabilities });
		attempt.check();
		attempt.receiving = true;
		// The view the page set before (or during) this join; a failure leaves audio and the view's next change.
		await this.#sendView().catch((error: unknown) => console.warn('room:view failed', error));
		attempt.check();
		const audio = this.#local.getAudioTracks()[0];
		if (audio) {
			// A muted microphone is created paused on the server: it is never heard, not even for the
			// moment a separate pause would take to arrive.
			const mic = await this.#produce(attempt, 'microphone', audio);
			attempt.check();
			if (this.#micMuted) {
				mic?.pause();
			}
		}
		const video = this.#local.getVideoTracks()[0];
		if (video && !this.#audioOnly) {
			await this.#produce(attempt, 'camera', video);
		}
		attempt.check();
		this.#joinSucceeded('joined');
	}

	#joinSucceeded(state: 'joined' | 'waiting'): void {
		this.#rejoinStatus = null;
		this.#setState(state);
	}

	/**
	 * A rejoin failed: a refusal of room:join closes the room with its reason; anything else is
	 * retried after a growing delay (see rejoin-policy.ts), or when the socket is back if it is down.
	 */
	#rejoinFailed(error: unknown, accepted: boolean): void {
		const message = errorMessage(error);
		if (!accepted && isJoinRefusal(error)) {
			this.fail(error);
			return;
		}
		const failures = (this.#rejoinStatus?.failures ?? 0) + 1;
		let retryAt: number | null = null;
		if (this.#socket.connected) {
			const delay = rejoinDelay(failures, this.#random);
			retryAt = Date.now() + delay;
			this.#retryTimer = globalThis.setTimeout(() => {
				this.#retryTimer = undefined;
				this.#retry();
			}, delay);
		}
		this.#rejoinStatus = { failures, error: message, retryAt };
		this.#setState('reconnecting', message);
	}

	#retry(): void {
		if (this.#rejoinStatus) {
			this.#rejoinStatus = { ...this.#rejoinStatus, retryAt: null };
		}
		void this.join().catch((error: unknown) => this.fail(error));
	}

	#cancelRetry(): void {
		globalThis.clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
	}

	/** One Device for every attempt: overlapping joins must not load it twice (mediasoup-client refuses). */
	#loadDevice(routerRtpCapabilities: RtpCapabilities): Promise<Device> {
		if (!this.#deviceLoad) {
			const device = this.#createDevice();
			this.#deviceLoad = device.load({ routerRtpCapabilities }).then(
				() => device,
				(error: unknown) => {
					this.#deviceLoad = undefined;
					throw error;
				}
			);
		}
		return this.#deviceLoad;
	}

	async #createTransport(attempt: JoinAttempt, device: Device, direction: 'send' | 'recv'): Promise<Transport> {
		const transport = await createSignalledTransport(this.#socket, device, direction);
		transport.on('connectionstatechange', (state) => {
			// A transport of an older attempt has no server side any more, or worse, the server's
			// transport of this direction now belongs to the current attempt: leave it alone.
			if (attempt.closed) {
				return;
			}
			if (state === 'disconnected' || state === 'failed') {
				void this.#recoverIce(attempt, transport, direction);
			} else if (state === 'connected') {
				attempt.stopIceTimer(transport);
			}
		});
		return transport;
	}

	/**
	 * ICE restart first; if the transport is not connected again soon, rejoin with new transports.
	 * transport:restart-ice names only a direction, and the server restarts its current transport
	 * of that direction: so only the current attempt's transports ask for it.
	 */
	async #recoverIce(attempt: JoinAttempt, transport: Transport, direction: 'send' | 'recv'): Promise<void> {
		if (this.#closed || attempt.closed || transport.closed) {
			return;
		}
		const started = attempt.startIceTimer(transport, ICE_RECOVERY_MS, () => {
			if (!transport.closed && transport.connectionState !== 'connected' && this.#socket.connected) {
				this.#rejoin();
			}
		});
		if (!started) {
			return;
		}
		try {
			const { iceParameters } = await request(this.#socket, 'transport:restart-ice', { direction });
			if (attempt.closed) {
				return;
			}
			await transport.restartIce({ iceParameters });
			this.#recovery.iceRestarts += 1;
		} catch {
			// The timer above falls back to a full rejoin.
		}
	}

	/** Sends a local track on the attempt's send transport; null if it has none (yet) or ended meanwhile. */
	async #produce(attempt: JoinAttempt, source: Source, track: MediaStreamTrack): Promise<Producer | null> {
		const send = attempt.send;
		if (attempt.closed || !send || attempt.producers.has(source)) {
			return null;
		}
		// stopTracks: false — the page owns the local tracks, and a rejoin or leaving audio-only mode
		// sends the same tracks again on new producers.
		const producer =
			source === 'microphone'
				? await send.produce({ track, stopTracks: false, codecOptions: { opusFec: true, opusDtx: true }, appData: { source, paused: this.#micMuted } })
				: source === 'camera'
					? await send.produce({ track, stopTracks: false, encodings: CAMERA_ENCODINGS, appData: { source } })
					: await send.produce({ track, stopTracks: false, encodings: [{ maxBitrate: 1_500_000 }], appData: { source } });
		if (attempt.closed) {
			producer.close();
			return null;
		}
		attempt.producers.set(source, producer);
		if (source === 'camera' && attempt.cameraLayers?.producerId === producer.id) {
			await this.#limitCamera(producer, attempt.cameraLayers.layer);
		}
		return producer;
	}

	/** Stops the browser sending the camera's simulcast layers above `layer` (nobody receives them). */
	async #limitCamera(producer: Producer, layer: number): Promise<void> {
		if (producer.closed) {
			return;
		}
		await producer.setMaxSpatialLayer(layer).catch((error: unknown) => console.warn('setMaxSpatialLayer failed', error));
	}

	/**
	 * Sets up a consumer the server made for this attempt's peer, then asks the server to resume it
	 * (it starts paused so that no packet is lost before the browser is ready). Whatever finishes
	 * after the attempt closed is closed again and not resumed: that consumer belonged to the old peer.
	 */
	async #consume(attempt: JoinAttempt, recv: Transport, params: ConsumerAdded): Promise<void> {
		const { consumerId, producerId, participantId, kind, source, rtpParameters } = params;
		attempt.consuming.add(consumerId);
		try {
			const consumer = await recv.consume({ id: consumerId, producerId, kind, rtpParameters });
			if (attempt.closed || attempt.closedWhileConsuming.has(consumerId)) {
				consumer.close();
				return;
			}
			attempt.consumers.set(consumerId, { consumer, participantId, source });
			this.#emit('tracks');
			await request(this.#socket, 'consumer:resume', { consumerId });
		} finally {
			attempt.consuming.delete(consumerId);
			attempt.closedWhileConsuming.delete(consumerId);
		}
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

	readonly #onDelta = (delta: RoomDelta): void => {
		this.#room.onDelta(delta);
	};

	/** Only the current attempt, once it has its receive transport, takes consumers: see #consume. */
	readonly #onConsumerAdded = (params: ConsumerAdded): void => {
		const attempt = this.#attempt;
		const recv = attempt?.recv;
		if (!attempt || attempt.closed || !recv || recv.closed || attempt.consumers.has(params.consumerId) || attempt.consuming.has(params.consumerId)) {
			return;
		}
		void this.#consume(attempt, recv, params).catch((error: unknown) => console.warn('consume failed', error));
	};

	readonly #onConsumerClosed = ({ consumerId }: { consumerId: string }): void => {
		const attempt = this.#attempt;
		if (!attempt) {
			return;
		}
		if (attempt.consuming.has(consumerId)) {
			attempt.closedWhileConsuming.add(consumerId);
		}
		const entry = attempt.consumers.get(consumerId);
		if (entry) {
			entry.consumer.close();
			attempt.consumers.delete(consumerId);
			this.#emit('tracks');
		}
	};

	/**
	 * The layers anyone receives of this site's camera. Remembered with the producer id also while
	 * that camera's producer:create is not answered; a notice about another camera is ignored.
	 */
	readonly #onProducerLayers = ({ producerId, maxSpatialLayer }: { producerId: string; maxSpatialLayer: number }): void => {
		const attempt = this.#attempt;
		if (!attempt || attempt.closed) {
			return;
		}
		const camera = attempt.producers.get('camera');
		if (camera && camera.id !== producerId) {
			return;
		}
		attempt.cameraLayers = { producerId, layer: maxSpatialLayer };
		if (camera) {
			void this.#limitCamera(camera, maxSpatialLayer);
		}
	};

	readonly #onRoomClosed = ({ reason }: { reason: CloseReason }): void => {
		this.close(reason);
	};

	readonly #onAdmitted = (): void => {
		void this.join().catch((error: unknown) => this.fail(error));
	};

	readonly #onSpeaker = ({ participantId }: { participantId: string | null }): void => {
		this.#emit('speaker', participantId);
	};

	readonly #onMuted = (): void => {
		this.#micMuted = true;
		this.#attempt?.producers.get('microphone')?.pause();
		this.#emit('notice', 'muted');
	};

	readonly #onUnmuteRequested = (): void => {
		this.#emit('notice', 'unmute-requested');
	};

	readonly #onFloorGranted = (): void => {
		this.#micMuted = false;
		this.#attempt?.producers.get('microphone')?.resume();
		this.#emit('notice', 'floor-granted');
	};

	readonly #onFloorDeclined = (): void => {
		this.#emit('notice', 'floor-declined');
	};

	readonly #onMediaClosed = (): void => {
		this.#rejoin();
	};

	/** Starts over with new transports; join() retries its failures since the state is 'reconnecting'. */
	#rejoin(): void {
		if (this.#closed) {
			return;
		}
		this.#recovery.rejoins += 1;
		this.#setState('reconnecting', this.#rejoinStatus?.error);
		void this.join().catch((error: unknown) => this.fail(error));
	}

	readonly #onDisconnect = (): void => {
		if (this.#closed) {
			return;
		}
		// No request gets through now; the reconnect starts the next try instead of the timer.
		this.#dropped = true;
		this.#cancelRetry();
		if (this.#rejoinStatus) {
			this.#rejoinStatus = { ...this.#rejoinStatus, retryAt: null };
		}
		this.#setState('reconnecting', this.#rejoinStatus?.error);
	};

	/**
	 * The server keeps a site's membership per socket, so after a drop the site must join again,
	 * whatever the state: a join that completed while signalling was down belongs to the old socket.
	 * The socket's first connect (the page may create the room before it) is no drop.
	 */
	readonly #onReconnect = (): void => {
		if (!this.#closed && this.#dropped) {
			this.#dropped = false;
			this.#rejoin();
		}
	};
}
