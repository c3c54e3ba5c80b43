import { createSocket, type Socket } from 'node:dgram';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';

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

/** An RTP packet (12-byte header) with room for `payloadBytes` of payload, built in one buffer. */
function rtpPacket(payloadType: number, marker: boolean, sequence: number, timestamp: number, ssrc: number, payloadBytes: number): Buffer {
	const p = Buffer.allocUnsafe(12 + payloadBytes);
	p[0] = 0x80;
	p[1] = (marker ? 0x80 : 0) | payloadType;
	p.writeUInt16BE(sequence & 0xffff, 2);
	p.writeUInt32BE(timestamp >>> 0, 4);
	p.writeUInt32BE(ssrc >>> 0, 8);
	return p;
}

/** Bytes of a VP8 payload of about `bytes` (see writeVp8Payload). */
function vp8PayloadBytes(first: boolean, keyFrame: boolean, bytes: number, keyFrameStart?: Buffer): number {
	const start = first && keyFrame ? keyFrameStart : undefined;
	return Math.max(5, bytes, start ? 4 + start.length : 0);
}

/**
 * VP8 payload descriptor (RFC 7741) with a two-byte picture id, then the VP8 header's key-frame bit,
 * written after the RTP header of `p`.
 * With `keyFrameStart` (a real encoded VP8 key frame), a key frame's first packet starts with it:
 * ffmpeg (the recorder) needs a key frame it can parse to learn the video's size.
 */
function writeVp8Payload(p: Buffer, first: boolean, pictureId: number, keyFrame: boolean, keyFrameStart?: Buffer): void {
	const start = first && keyFrame ? keyFrameStart : undefined;
	p.fill(0x55, 12);
	p[12] = first ? 0x90 : 0x80;
	p[13] = 0x80;
	p[14] = 0x80 | ((pictureId >> 8) & 0x7f);
	p[15] = pictureId & 0xff;
	p[16] = first && keyFrame ? 0x00 : 0x01;
	start?.copy(p, 16);
}

/** The SRTP profile WebRTC negotiates by default, and the only one the generator speaks. */
export const SRTP_SUITE = 'AES_CM_128_HMAC_SHA1_80';
const AUTH_TAG_BYTES = 10;

/** A random SRTP master key and salt (30 bytes) in the form mediasoup's srtpParameters take. */
export function newSrtpParameters(): { cryptoSuite: typeof SRTP_SUITE; keyBase64: string } {
	return { cryptoSuite: SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') };
}

/**
 * The sending side of one SRTP session (RFC 3711) with AES_CM_128_HMAC_SHA1_80 and a key
 * derivation rate of 0: session keys derived once from the master key, AES counter mode over the
 * payload (RTP) or everything after the first 8 bytes (RTCP), a 10-byte HMAC-SHA1 tag over the
 * packet and the roll-over counter (RTP) or the E flag and SRTCP index (RTCP).
 */
export class SrtpSender {
	readonly #rtp: { key: Buffer; salt: Buffer; auth: Buffer };
	readonly #rtcp: { key: Buffer; salt: Buffer; auth: Buffer };
	#srtcpIndex = 0;

	constructor(keyBase64: string) {
		const master = Buffer.from(keyBase64, 'base64');
		if (master.length !== 30) {
			throw new Error('an AES_CM_128_HMAC_SHA1_80 master key is 16 bytes of key and 14 of salt');
		}
		const key = master.subarray(0, 16);
		const salt = master.subarray(16);
		// RFC 3711 §4.3.1 labels: 0-2 for SRTP's encryption key, auth key and salt, 3-5 for SRTCP's.
		this.#rtp = { key: derive(key, salt, 0, 16), auth: derive(key, salt, 1, 20), salt: derive(key, salt, 2, 14) };
		this.#rtcp = { key: derive(key, salt, 3, 16), auth: derive(key, salt, 4, 20), salt: derive(key, salt, 5, 14) };
	}

	/** `packet`: a 12-byte RTP header and its payload; `roc`: how many times its sequence number wrapped. */
	protect(packet: Buffer, roc: number): Buffer {
		const ssrc = packet.readUInt32BE(8);
		const index = roc * 0x10000 + packet.readUInt16BE(2);
		const out = Buffer.alloc(packet.length + AUTH_TAG_BYTES);
		packet.copy(out, 0, 0, 12);
		const cipher = createCipheriv('aes-128-ctr', this.#rtp.key, packetIv(this.#rtp.salt, ssrc, index));
		cipher.update(packet.subarray(12)).copy(out, 12);
		const rocBytes = Buffer.alloc(4);
		rocBytes.writeUInt32BE(roc >>> 0);
		createHmac('sha1', this.#rtp.auth).update(out.subarray(0, packet.length)).update(rocBytes).digest().copy(out, packet.length, 0, AUTH_TAG_BYTES);
		return out;
	}

	/** `packet`: one RTCP packet (or compound), its sender SSRC at bytes 4-7. */
	protectRtcp(packet: Buffer): Buffer {
		const index = this.#srtcpIndex;
		this.#srtcpIndex = (this.#srtcpIndex + 1) & 0x7fffffff;
		const out = Buffer.alloc(packet.length + 4 + AUTH_TAG_BYTES);
		packet.copy(out, 0, 0, 8);
		const cipher = createCipheriv('aes-128-ctr', this.#rtcp.key, packetIv(this.#rtcp.salt, packet.readUInt32BE(4), index));
		cipher.update(packet.subarray(8)).copy(out, 8);
		// The E flag: this packet is encrypted.
		out.writeUInt32BE((0x80000000 | index) >>> 0, packet.length);
		createHmac('sha1', this.#rtcp.auth)
			.update(out.subarray(0, packet.length + 4))
			.digest()
			.copy(out, packet.length + 4, 0, AUTH_TAG_BYTES);
		return out;
	}
}

/** A session key: AES-CM keystream under the master key, IV = (label || index 0) XOR master salt, times 2^16. */
function derive(masterKey: Buffer, masterSalt: Buffer, label: number, bytes: number): Buffer {
	const iv = Buffer.alloc(16);
	masterSalt.copy(iv, 0);
	// key_id (label, then the 48-bit index, 0 at a derivation rate of 0) is 7 bytes aligned right on the 14-byte salt.
	iv[7]! ^= label;
	return createCipheriv('aes-128-ctr', masterKey, iv).update(Buffer.alloc(bytes));
}

/** AES-CM IV: (salt × 2^16) XOR (SSRC × 2^64) XOR (packet index × 2^16). */
function packetIv(salt: Buffer, ssrc: number, index: number): Buffer {
	const iv = Buffer.alloc(16);
	salt.copy(iv, 0);
	iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
	// The 48-bit index at bytes 8-13.
	iv.writeUInt16BE(iv.readUInt16BE(8) ^ Math.floor(index / 0x100000000), 8);
	iv.writeUInt32BE((iv.readUInt32BE(10) ^ index % 0x100000000) >>> 0, 10);
	return iv;
}

/**
 * One sending site. `layers`: how many simulcast layers its camera sends (the product tells a
 * camera nobody shows large to send only the lowest: producer:layers). `audioEvery`: 1 sends
 * every Opus packet; a muted microphone (a disabled track with Opus DTX) sends only every
 * `audioEvery`-th. `srtpKeyBase64`: the master key the ingress transport expects (plain RTP
 * without one). Plain data, so that a generator in a child process can be given it.
 */
export type Target = { port: number; ssrcs: SiteSsrcs; layers?: number; audioEvery?: number; srtpKeyBase64?: string };

/** What a generator has sent since its counters were last reset. */
export type GeneratorCounts = {
	sentAudioPackets: number;
	sentVideoPackets: number;
	/** Video packets sent per simulcast layer, summed over all sites. */
	sentVideoPacketsByLayer: number[];
	/** Audio packets sent per site. */
	sentAudioBySite: number[];
	/** Video packets sent per site and layer. */
	sentVideoBySite: number[][];
};

/**
 * Sends every site's audio and video from one UDP socket to each site's ingress port, paced by
 * wall-clock time, and counts what it sent (in all, and per site and layer). Each site's clock
 * has its own phase (site i of n lags by i/n of a frame and of an Opus packet), as independent
 * cameras and microphones do: sending every site's frame at the same instant would make bursts
 * of a whole meeting's packets that no real meeting sends.
 */
export class Generator implements GeneratorCounts {
	readonly #socket: Socket = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
	readonly #targets: Target[];
	readonly #srtp: (SrtpSender | undefined)[];
	#timer: NodeJS.Timeout | undefined;
	#started = 0;
	/** Per site: Opus packets and video frames sent so far. */
	#audioSent: number[];
	#videoFramesSent: number[];
	/** Packets sent per SSRC so far: the low 16 bits are the sequence number, the rest the roll-over counter. */
	#seq = new Map<number, number>();
	#lastReport = -1;
	sentAudioPackets = 0;
	sentVideoPackets = 0;
	sentVideoPacketsByLayer = [0, 0, 0];
	sentAudioBySite: number[];
	sentVideoBySite: number[][];

	readonly #vp8KeyFrame: Buffer | undefined;

	/** `options.vp8KeyFrame`: see writeVp8Payload (bench/sfu-recording.ts; the forwarding benchmark sends none). */
	constructor(targets: Target[], options: { vp8KeyFrame?: Buffer } = {}) {
		this.#targets = targets;
		this.#srtp = targets.map((t) => (t.srtpKeyBase64 === undefined ? undefined : new SrtpSender(t.srtpKeyBase64)));
		this.#vp8KeyFrame = options.vp8KeyFrame;
		this.sentAudioBySite = targets.map(() => 0);
		this.sentVideoBySite = targets.map(() => [0, 0, 0]);
		this.#audioSent = targets.map(() => 0);
		this.#videoFramesSent = targets.map(() => 0);
		this.#socket.on('error', () => undefined);
	}

	start(): void {
		this.#started = performance.now();
		this.#timer = setInterval(() => this.#tick(), 5);
	}

	resetCounters(): void {
		this.sentAudioPackets = 0;
		this.sentVideoPackets = 0;
		this.sentVideoPacketsByLayer = [0, 0, 0];
		this.sentAudioBySite = this.#targets.map(() => 0);
		this.sentVideoBySite = this.#targets.map(() => [0, 0, 0]);
	}

	counts(): GeneratorCounts {
		const { sentAudioPackets, sentVideoPackets, sentVideoPacketsByLayer, sentAudioBySite, sentVideoBySite } = this;
		return { sentAudioPackets, sentVideoPackets, sentVideoPacketsByLayer, sentAudioBySite, sentVideoBySite };
	}

	stop(): void {
		clearInterval(this.#timer);
	}

	close(): void {
		this.stop();
		this.#socket.close();
	}

	#send(site: number, packet: Buffer, count: number): void {
		const srtp = this.#srtp[site];
		this.#socket.send(srtp ? srtp.protect(packet, Math.floor(count / 0x10000)) : packet, this.#targets[site]!.port, '127.0.0.1');
	}

	#next(ssrc: number): number {
		const value = (this.#seq.get(ssrc) ?? 0) + 1;
		this.#seq.set(ssrc, value);
		return value;
	}

	/**
	 * RTCP sender reports tie each stream's RTP clock to wall-clock time; mediasoup needs them to
	 * switch a simulcast consumer between layers (it maps timestamps across the layers' streams).
	 * One compound packet per site (as a browser bundles its RTCP), a sender report per stream.
	 */
	#senderReports(elapsed: number): void {
		const sites = this.#targets.length;
		const now = Date.now() / 1000 + 2208988800;
		const msw = Math.floor(now);
		const lsw = Math.floor((now - msw) * 2 ** 32);
		for (const [site, t] of this.#targets.entries()) {
			const video = t.ssrcs.video.slice(0, t.layers ?? 3);
			// The RTP time of `elapsed` on this site's clocks (see the phase in #tick).
			const phase = site / sites;
			const audioTime = (elapsed * AUDIO.packetsPerSecond - phase) * 960;
			const videoTime = (elapsed * VIDEO.fps - phase) * 3000;
			const streams: [number, number][] = [[t.ssrcs.audio, audioTime], ...video.map((ssrc): [number, number] => [ssrc, videoTime])];
			const compound = Buffer.alloc(28 * streams.length);
			for (const [k, [ssrc, rtpTime]] of streams.entries()) {
				const sr = compound.subarray(28 * k, 28 * (k + 1));
				sr[0] = 0x80;
				sr[1] = 200;
				sr.writeUInt16BE(6, 2);
				sr.writeUInt32BE(ssrc >>> 0, 4);
				sr.writeUInt32BE(msw >>> 0, 8);
				sr.writeUInt32BE(lsw >>> 0, 12);
				sr.writeUInt32BE(Math.floor(Math.max(0, rtpTime)) >>> 0, 16);
				sr.writeUInt32BE((this.#seq.get(ssrc) ?? 0) >>> 0, 20);
				sr.writeUInt32BE(0, 24);
			}
			const srtp = this.#srtp[site];
			this.#socket.send(srtp ? srtp.protectRtcp(compound) : compound, t.port, '127.0.0.1');
		}
	}

	#tick(): void {
		const elapsed = (performance.now() - this.#started) / 1000;
		if (elapsed - this.#lastReport >= 0.5) {
			this.#lastReport = elapsed;
			this.#senderReports(elapsed);
		}
		for (const [site, t] of this.#targets.entries()) {
			const phase = site / this.#targets.length;
			while (this.#audioSent[site]! < elapsed * AUDIO.packetsPerSecond - phase) {
				const n = this.#audioSent[site]!++;
				if (n % (t.audioEvery ?? 1) !== 0) {
					continue;
				}
				const count = this.#next(t.ssrcs.audio);
				const packet = rtpPacket(AUDIO.payloadType, false, count, n * 960, t.ssrcs.audio, AUDIO.packetBytes);
				packet.fill(0x11, 12);
				this.#send(site, packet, count);
				this.sentAudioPackets += 1;
				this.sentAudioBySite[site]! += 1;
			}
			while (this.#videoFramesSent[site]! < elapsed * VIDEO.fps - phase) {
				const frame = this.#videoFramesSent[site]!++;
				const keyFrame = frame % (VIDEO.fps * 2) === 0;
				const layers = t.layers ?? 3;
				for (let layer = 0; layer < layers; layer += 1) {
					const frameBytes = Math.round((VIDEO.layerKbps[layer]! * 1000) / 8 / VIDEO.fps) * (keyFrame ? 3 : 1);
					const packets = Math.max(1, Math.ceil(frameBytes / VIDEO.maxPacketBytes));
					const ssrc = t.ssrcs.video[layer]!;
					for (let i = 0; i < packets; i += 1) {
						const count = this.#next(ssrc);
						const bytes = vp8PayloadBytes(i === 0, keyFrame, Math.ceil(frameBytes / packets), this.#vp8KeyFrame);
						const packet = rtpPacket(VIDEO.payloadType, i === packets - 1, count, frame * 3000, ssrc, bytes);
						writeVp8Payload(packet, i === 0, frame & 0x7fff, keyFrame, this.#vp8KeyFrame);
						this.#send(site, packet, count);
						this.sentVideoPackets += 1;
						this.sentVideoPacketsByLayer[layer] = (this.sentVideoPacketsByLayer[layer] ?? 0) + 1;
						this.sentVideoBySite[site]![layer]! += 1;
					}
				}
			}
		}
	}
}

/** Messages between GeneratorProcess and its child (bench/generator-child.ts). */
export type GeneratorCommand = { type: 'start'; targets: Target[] } | { type: 'reset' } | { type: 'stop' };
export type GeneratorReply = { type: 'started' } | { type: 'reset' } | { type: 'stopped'; counts: GeneratorCounts };

/**
 * A Generator in a child process: its CPU (SRTP in JavaScript, one send call per packet) is then
 * measured apart from the bench process's (the Conference, the sinks) and the workers'.
 */
export class GeneratorProcess {
	readonly #child: ChildProcess;
	#replies: GeneratorReply[] = [];
	#waiting: ((reply: GeneratorReply) => void) | undefined;

	private constructor(child: ChildProcess) {
		this.#child = child;
		child.on('message', (reply: GeneratorReply) => {
			const waiting = this.#waiting;
			this.#waiting = undefined;
			if (waiting) {
				waiting(reply);
			} else {
				this.#replies.push(reply);
			}
		});
	}

	/**
	 * Forks the child (with this process's loader flags, so tsx runs it) at the given niceness
	 * (0-19: the higher, the less CPU it takes from the workers when both want it) and starts sending.
	 */
	static async start(targets: Target[], nice = 0): Promise<GeneratorProcess> {
		const generator = new GeneratorProcess(fork(join(import.meta.dirname, 'generator-child.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
		setPriority(generator.pid, nice);
		await generator.#request({ type: 'start', targets }, 'started');
		return generator;
	}

	get pid(): number {
		return this.#child.pid!;
	}

	async resetCounters(): Promise<void> {
		await this.#request({ type: 'reset' }, 'reset');
	}

	/** Stops sending; what was sent since the last reset. */
	async stop(): Promise<GeneratorCounts> {
		const reply = await this.#request({ type: 'stop' }, 'stopped');
		if (reply.type !== 'stopped') {
			throw new Error('generator child: unexpected reply');
		}
		return reply.counts;
	}

	close(): void {
		// The child only paces packets: nothing of it needs a graceful end.
		this.#child.kill('SIGKILL');
	}

	async #request(command: GeneratorCommand, expect: GeneratorReply['type']): Promise<GeneratorReply> {
		const reply = await new Promise<GeneratorReply>((resolve, reject) => {
			const early = this.#replies.shift();
			if (early) {
				resolve(early);
				return;
			}
			const timer = setTimeout(() => reject(new Error(`generator child: no ${expect} reply`)), 30_000);
			this.#waiting = (r) => {
				clearTimeout(timer);
				resolve(r);
			};
			this.#child.send(command);
		});
		if (reply.type !== expect) {
			throw new Error(`generator child: ${reply.type} instead of ${expect}`);
		}
		return reply;
	}
}

/**
 * Ports that count as a site's downlink but that nobody reads: UDP sockets bound (so no ICMP port
 * unreachable goes back to the workers) with the smallest receive buffer, in a child process whose
 * event loop blocks right after binding them (bench/discard-child.ts), so the kernel drops what
 * arrives (counted as receive-buffer errors). The workers still encrypt and send every packet.
 */
export class DiscardPorts {
	readonly ports: number[];
	readonly #child: ChildProcess;

	private constructor(child: ChildProcess, ports: number[]) {
		this.#child = child;
		this.ports = ports;
	}

	static async open(count: number): Promise<DiscardPorts> {
		const child = fork(join(import.meta.dirname, 'discard-child.ts'), [String(count)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
		const ports = await new Promise<number[]>((resolve, reject) => {
			let out = '';
			child.stdout!.on('data', (chunk: Buffer) => {
				out += chunk.toString();
				if (out.includes('\n')) {
					resolve(JSON.parse(out) as number[]);
				}
			});
			child.once('exit', (code) => reject(new Error(`discard child exited (${code}) before binding its ports`)));
		});
		return new DiscardPorts(child, ports);
	}

	close(): void {
		// Its event loop is blocked for good: only a signal it cannot handle ends it.
		this.#child.kill('SIGKILL');
	}
}

/** The machine's UDP sockets on 127.0.0.1 (/proc/net/udp): port, inode, and datagrams the kernel dropped on arrival (full receive buffer). */
export function udpSockets(): { port: number; inode: string; drops: number }[] {
	return readFileSync('/proc/net/udp', 'utf8')
		.split('\n')
		.slice(1)
		.map((line) => line.trim().split(/\s+/))
		.filter((fields) => fields.length >= 13 && fields[1]!.startsWith('0100007F:'))
		.map((fields) => ({ port: Number.parseInt(fields[1]!.slice(9), 16), inode: fields[9]!, drops: Number(fields.at(-1)) }));
}

/** Inodes of the sockets a process holds (its /proc/<pid>/fd links), to find its lines in /proc/net/udp. */
export function socketInodes(pid: number): Set<string> {
	const inodes = new Set<string>();
	for (const fd of readdirSync(`/proc/${pid}/fd`)) {
		try {
			const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
			if (match) {
				inodes.add(match[1]!);
			}
		} catch {
			// Closed between the listing and the read.
		}
	}
	return inodes;
}

/** The machine's UDP counters (/proc/net/snmp): NoPorts (datagrams to a port nobody bound: ICMP unreachable) and RcvbufErrors. */
export function udpCounters(): { noPorts: number; rcvbufErrors: number } {
	const lines = readFileSync('/proc/net/snmp', 'utf8')
		.split('\n')
		.filter((l) => l.startsWith('Udp:'));
	const names = lines[0]!.split(/\s+/);
	const values = lines[1]!.split(/\s+/).map(Number);
	return { noPorts: values[names.indexOf('NoPorts')]!, rcvbufErrors: values[names.indexOf('RcvbufErrors')]! };
}

/** Per SSRC: the first and highest extended sequence numbers seen while counting, and how many arrived. */
type StreamSeen = { first: number; highest: number; received: number };

/**
 * A receiving site: one UDP socket that counts RTP packets by payload type and, per stream
 * (SSRC), the sequence numbers missing between the first and the last one seen. The RTP header
 * stays clear under SRTP, so this works on encrypted packets too.
 */
export class Sink {
	readonly socket: Socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
	audio = 0;
	video = 0;
	#counting = false;
	audioPayloadTypes = new Set<number>();
	readonly #streams = new Map<number, StreamSeen & { audio: boolean }>();

	get counting(): boolean {
		return this.#counting;
	}

	/** Counting starts afresh (sequence gaps included) each time it is turned on. */
	set counting(on: boolean) {
		if (on && !this.#counting) {
			this.#streams.clear();
		}
		this.#counting = on;
	}

	/** Packets missing in the sequence numbers of the streams received while counting, audio and video apart. */
	gaps(): { audio: { missing: number; expected: number }; video: { missing: number; expected: number } } {
		const sum = { audio: { missing: 0, expected: 0 }, video: { missing: 0, expected: 0 } };
		for (const s of this.#streams.values()) {
			const expected = s.highest - s.first + 1;
			const into = s.audio ? sum.audio : sum.video;
			into.expected += expected;
			into.missing += Math.max(0, expected - s.received);
		}
		return sum;
	}

	async bind(): Promise<number> {
		this.socket.on('message', (msg) => {
			if (!this.#counting || msg.length < 12) {
				return;
			}
			const pt = msg[1]! & 0x7f;
			if (pt >= 72 && pt <= 79) {
				// RTCP (sender reports of the consumers).
				return;
			}
			const audio = this.audioPayloadTypes.has(pt);
			if (audio) {
				this.audio += 1;
			} else {
				this.video += 1;
			}
			const ssrc = msg.readUInt32BE(8);
			const seq = msg.readUInt16BE(2);
			const stream = this.#streams.get(ssrc);
			if (!stream) {
				this.#streams.set(ssrc, { first: seq, highest: seq, received: 1, audio });
				return;
			}
			// Extend the 16-bit number to the one closest to the highest seen (wraps included).
			const delta = ((seq - (stream.highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
			const extended = stream.highest + delta;
			stream.highest = Math.max(stream.highest, extended);
			stream.first = Math.min(stream.first, extended);
			stream.received += 1;
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
