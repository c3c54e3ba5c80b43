import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';

/** Opus at 50 packets/s; VP8 simulcast at 30 fps in three layers of realistic bitrates. */
export const AUDIO = { payloadType: 100, packetBytes: 90, packetsPerSecond: 50 };
export const VIDEO = { payloadType: 101, fps: 30, layerKbps: [150, 500, 1200], maxPacketBytes: 1100 };

export type SiteSsrcs = { audio: number; video: [number, number, number] };

export function ssrcsFor(site: number): SiteSsrcs {
	const base = 0x10000000 + site * 16;
	return { audio: base, video: [base + 1, base + 2, base + 3] };
}

export function audioRtpParameters(ssrcs: SiteSsrcs) {
	return {
		codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO.payloadType, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
		encodings: [{ ssrc: ssrcs.audio }],
		rtcp: { cname: `site-${ssrcs.audio}` },
	};
}

export function videoRtpParameters(ssrcs: SiteSsrcs) {
	return {
		codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO.payloadType, clockRate: 90000 }],
		encodings: ssrcs.video.map((ssrc, i) => ({ ssrc, maxBitrate: VIDEO.layerKbps[i]! * 1000 })),
		rtcp: { cname: `site-${ssrcs.audio}` },
	};
}

function header(payloadType: number, marker: boolean, sequence: number, timestamp: number, ssrc: number): Buffer {
	const h = Buffer.alloc(12);
	h[0] = 0x80;
	h[1] = (marker ? 0x80 : 0) | payloadType;
	h.writeUInt16BE(sequence & 0xffff, 2);
	h.writeUInt32BE(timestamp >>> 0, 4);
	h.writeUInt32BE(ssrc >>> 0, 8);
	return h;
}

/**
 * VP8 payload descriptor (RFC 7741) with a two-byte picture id, then the VP8 header's key-frame bit.
 * With `keyFrameStart` (a real encoded VP8 key frame), a key frame's first packet starts with it:
 * ffmpeg (the recorder) needs a key frame it can parse to learn the video's size.
 */
function vp8Payload(first: boolean, pictureId: number, keyFrame: boolean, bytes: number, keyFrameStart?: Buffer): Buffer {
	const start = first && keyFrame ? keyFrameStart : undefined;
	const p = Buffer.alloc(Math.max(5, bytes, start ? 4 + start.length : 0), 0x55);
	p[0] = first ? 0x90 : 0x80;
	p[1] = 0x80;
	p[2] = 0x80 | ((pictureId >> 8) & 0x7f);
	p[3] = pictureId & 0xff;
	p[4] = first && keyFrame ? 0x00 : 0x01;
	start?.copy(p, 4);
	return p;
}

type Target = { port: number; ssrcs: SiteSsrcs };

/**
 * Sends every site's audio and video from one UDP socket to each site's ingress port, paced by
 * wall-clock time, and counts what it sent.
 */
export class Generator {
	readonly #socket: Socket = createSocket('udp4');
	readonly #targets: Target[];
	#timer: NodeJS.Timeout | undefined;
	#started = 0;
	#audioSent = 0;
	#videoFramesSent = 0;
	#seq = new Map<number, number>();
	#lastReport = -1;
	sentAudioPackets = 0;
	sentVideoPackets = 0;
	/** Video packets sent per simulcast layer, summed over all sites. */
	sentVideoPacketsByLayer = [0, 0, 0];

	readonly #vp8KeyFrame: Buffer | undefined;

	/** `options.vp8KeyFrame`: see vp8Payload (bench/sfu-recording.ts; the forwarding benchmark sends none). */
	constructor(targets: Target[], options: { vp8KeyFrame?: Buffer } = {}) {
		this.#targets = targets;
		this.#vp8KeyFrame = options.vp8KeyFrame;
	}

	start(): void {
		this.#started = performance.now();
		this.#timer = setInterval(() => this.#tick(), 5);
	}

	resetCounters(): void {
		this.sentAudioPackets = 0;
		this.sentVideoPackets = 0;
		this.sentVideoPacketsByLayer = [0, 0, 0];
	}

	stop(): void {
		clearInterval(this.#timer);
	}

	close(): void {
		this.stop();
		this.#socket.close();
	}

	#next(ssrc: number): number {
		const value = (this.#seq.get(ssrc) ?? 0) + 1;
		this.#seq.set(ssrc, value);
		return value;
	}

	/**
	 * RTCP sender reports tie each stream's RTP clock to wall-clock time; mediasoup needs them to
	 * switch a simulcast consumer between layers (it maps timestamps across the layers' streams).
	 */
	#senderReports(elapsed: number): void {
		const now = Date.now() / 1000 + 2208988800;
		const msw = Math.floor(now);
		const lsw = Math.floor((now - msw) * 2 ** 32);
		for (const t of this.#targets) {
			const streams: [number, number][] = [[t.ssrcs.audio, elapsed * 48000], ...t.ssrcs.video.map((ssrc): [number, number] => [ssrc, elapsed * 90000])];
			for (const [ssrc, rtpTime] of streams) {
				const sr = Buffer.alloc(28);
				sr[0] = 0x80;
				sr[1] = 200;
				sr.writeUInt16BE(6, 2);
				sr.writeUInt32BE(ssrc >>> 0, 4);
				sr.writeUInt32BE(msw >>> 0, 8);
				sr.writeUInt32BE(lsw >>> 0, 12);
				sr.writeUInt32BE(Math.floor(rtpTime) >>> 0, 16);
				sr.writeUInt32BE((this.#seq.get(ssrc) ?? 0) >>> 0, 20);
				sr.writeUInt32BE(0, 24);
				this.#socket.send(sr, t.port, '127.0.0.1');
			}
		}
	}

	#tick(): void {
		const elapsed = (performance.now() - this.#started) / 1000;
		if (elapsed - this.#lastReport >= 0.5) {
			this.#lastReport = elapsed;
			this.#senderReports(elapsed);
		}
		while (this.#audioSent < elapsed * AUDIO.packetsPerSecond) {
			const n = this.#audioSent++;
			for (const t of this.#targets) {
				this.#socket.send(Buffer.concat([header(AUDIO.payloadType, false, this.#next(t.ssrcs.audio), n * 960, t.ssrcs.audio), Buffer.alloc(AUDIO.packetBytes, 0x11)]), t.port, '127.0.0.1');
				this.sentAudioPackets += 1;
			}
		}
		while (this.#videoFramesSent < elapsed * VIDEO.fps) {
			const frame = this.#videoFramesSent++;
			const keyFrame = frame % (VIDEO.fps * 2) === 0;
			for (const t of this.#targets) {
				VIDEO.layerKbps.forEach((kbps, layer) => {
					const frameBytes = Math.round((kbps * 1000) / 8 / VIDEO.fps) * (keyFrame ? 3 : 1);
					const packets = Math.max(1, Math.ceil(frameBytes / VIDEO.maxPacketBytes));
					const ssrc = t.ssrcs.video[layer]!;
					for (let i = 0; i < packets; i += 1) {
						const payload = vp8Payload(i === 0, frame & 0x7fff, keyFrame, Math.ceil(frameBytes / packets), this.#vp8KeyFrame);
						this.#socket.send(Buffer.concat([header(VIDEO.payloadType, i === packets - 1, this.#next(ssrc), frame * 3000, ssrc), payload]), t.port, '127.0.0.1');
						this.sentVideoPackets += 1;
						this.sentVideoPacketsByLayer[layer] = (this.sentVideoPacketsByLayer[layer] ?? 0) + 1;
					}
				});
			}
		}
	}
}

/** A receiving site: one UDP socket that counts RTP packets by payload type. */
export class Sink {
	readonly socket: Socket = createSocket('udp4');
	audio = 0;
	video = 0;
	counting = false;
	audioPayloadTypes = new Set<number>();

	async bind(): Promise<number> {
		this.socket.on('message', (msg) => {
			if (!this.counting || msg.length < 12) {
				return;
			}
			const pt = msg[1]! & 0x7f;
			if (pt >= 72 && pt <= 76) {
				return;
			}
			if (this.audioPayloadTypes.has(pt)) {
				this.audio += 1;
			} else {
				this.video += 1;
			}
		});
		await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
		return this.socket.address().port;
	}

	close(): void {
		this.socket.close();
	}
}

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// Fields 14 and 15 of /proc/<pid>/stat, counted after the command name: utime, stime (clock ticks).
	return (Number(fields[11]) + Number(fields[12])) / 100;
}
