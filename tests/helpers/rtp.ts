import { createSocket, type Socket } from 'node:dgram';

/** A minimal RTP packet: version 2, no padding, extension or CSRCs. */
export function rtpPacket(payloadType: number, sequence: number, timestamp: number, ssrc: number, payload: Buffer): Buffer {
	const header = Buffer.alloc(12);
	header[0] = 0x80;
	header[1] = payloadType & 0x7f;
	header.writeUInt16BE(sequence & 0xffff, 2);
	header.writeUInt32BE(timestamp >>> 0, 4);
	header.writeUInt32BE(ssrc >>> 0, 8);
	return Buffer.concat([header, payload]);
}

/** A UDP socket on loopback that counts the RTP packets (not RTCP) it receives. */
export async function rtpSink(): Promise<{ socket: Socket; port: number; received: () => number; close: () => void }> {
	const socket = createSocket('udp4');
	let count = 0;
	socket.on('message', (msg) => {
		const payloadType = (msg[1] ?? 0) & 0x7f;
		// RTCP packet types 200-204 land on 72-76 once the marker bit is masked off.
		if (msg.length >= 12 && !(payloadType >= 72 && payloadType <= 76)) {
			count += 1;
		}
	});
	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
	return { socket, port: socket.address().port, received: () => count, close: () => socket.close() };
}

export function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const poll = async (): Promise<void> => {
			if (await check()) {
				resolve();
			} else if (Date.now() - started > timeoutMs) {
				reject(new Error(`timed out waiting for ${what}`));
			} else {
				setTimeout(() => void poll(), 50);
			}
		};
		void poll();
	});
}
