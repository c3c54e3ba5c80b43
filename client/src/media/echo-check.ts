import { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport } from 'mediasoup-client/lib/types.js';
import { request, type AppSocket } from '../signaling/socket.ts';
import { CAMERA_ENCODINGS } from './camera.ts';
import { selectedPath } from './selected-path.ts';
import { createSignalledTransport } from './signalled-transport.ts';

export type EchoStats = {
	connectionState: string;
	protocol: string | null;
	rttMs: number | null;
	videoFramesDecoded: number;
	videoWidth: number | null;
	videoHeight: number | null;
	audioPacketsReceived: number;
	packetsLost: number;
	receiveKbps: number | null;
};

/**
 * The connection check: sends the local camera (VP8 simulcast) and microphone (Opus with FEC
 * and DTX) to the server and consumes them back through the site's own echo router.
 */
export class EchoCheck {
	readonly #socket: AppSocket;
	readonly #transports: Transport[] = [];
	readonly #producers: Producer[] = [];
	readonly #consumers: Consumer[] = [];
	#recvTransport: Transport | undefined;
	#lastBytes: { bytes: number; at: number } | undefined;
	#closed = false;

	constructor(socket: AppSocket) {
		this.#socket = socket;
	}

	/** Runs the check with the given local tracks and returns the tracks received back. */
	async start(local: MediaStream): Promise<MediaStream> {
		const socket = this.#socket;
		const { routerRtpCapabilities } = await request(socket, 'echo:start', {});
		const device = new Device();
		await device.load({ routerRtpCapabilities });

		const send = await createSignalledTransport(socket, device, 'send');
		this.#transports.push(send);
		const recv = await createSignalledTransport(socket, device, 'recv');
		this.#transports.push(recv);
		this.#recvTransport = recv;

		for (const track of local.getTracks()) {
			const producer =
				track.kind === 'video'
					? await send.produce({ track, encodings: CAMERA_ENCODINGS, appData: { source: 'camera' } })
					: await send.produce({ track, codecOptions: { opusFec: true, opusDtx: true }, appData: { source: 'microphone' } });
			this.#producers.push(producer);
		}

		const received = new MediaStream();
		for (const producer of this.#producers) {
			const params = await request(socket, 'consumer:create', {
				producerId: producer.id,
				rtpCapabilities: device.rtpCapabilities,
			});
			const consumer = await recv.consume({
				id: params.consumerId,
				producerId: params.producerId,
				kind: params.kind,
				rtpParameters: params.rtpParameters,
			});
			this.#consumers.push(consumer);
			received.addTrack(consumer.track);
			await request(socket, 'consumer:resume', { consumerId: consumer.id });
		}
		return received;
	}

	async stats(): Promise<EchoStats> {
		const result: EchoStats = {
			connectionState: this.#recvTransport?.connectionState ?? 'new',
			protocol: null,
			rttMs: null,
			videoFramesDecoded: 0,
			videoWidth: null,
			videoHeight: null,
			audioPacketsReceived: 0,
			packetsLost: 0,
			receiveKbps: null,
		};
		if (!this.#recvTransport || this.#closed) {
			return result;
		}
		const report = await this.#recvTransport.getStats();
		let bytes = 0;
		report.forEach((s: RTCStats & Record<string, unknown>) => {
			if (s.type === 'inbound-rtp') {
				bytes += Number(s['bytesReceived'] ?? 0);
				result.packetsLost += Math.max(0, Number(s['packetsLost'] ?? 0));
				if (s['kind'] === 'video') {
					result.videoFramesDecoded += Number(s['framesDecoded'] ?? 0);
					result.videoWidth = (s['frameWidth'] as number | undefined) ?? result.videoWidth;
					result.videoHeight = (s['frameHeight'] as number | undefined) ?? result.videoHeight;
				} else if (s['kind'] === 'audio') {
					result.audioPacketsReceived += Number(s['packetsReceived'] ?? 0);
				}
			}
		});
		const path = selectedPath(report);
		result.rttMs = path.rttMs;
		result.protocol = path.protocol;
		const now = performance.now();
		if (this.#lastBytes && now > this.#lastBytes.at) {
			result.receiveKbps = Math.round(((bytes - this.#lastBytes.bytes) * 8) / (now - this.#lastBytes.at));
		}
		this.#lastBytes = { bytes, at: now };
		return result;
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const transport of this.#transports) {
			transport.close();
		}
		if (this.#socket.connected) {
			void request(this.#socket, 'echo:stop', {}).catch(() => undefined);
		}
	}
}
