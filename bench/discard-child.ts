/**
 * The child process of DiscardPorts (bench/synthetic-media.ts): binds `argv[2]` UDP sockets on
 * 127.0.0.1 with the smallest receive buffer, writes their ports to stdout as one JSON line, then
 * blocks its event loop for good, so nothing ever reads them and the kernel drops what arrives
 * (a full receive buffer, counted in /proc/net/udp's drops). Bound rather than closed ports, so
 * that no ICMP port unreachable goes back to the workers.
 */
import { createSocket } from 'node:dgram';
import { writeSync } from 'node:fs';

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 0) {
	throw new Error('discard-child: the number of sockets to bind');
}
const sockets = Array.from({ length: count }, () => createSocket({ type: 'udp4', recvBufferSize: 1 }));
await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))));
writeSync(1, `${JSON.stringify(sockets.map((socket) => socket.address().port))}\n`);
// Atomics.wait sleeps without CPU and, on the main thread, keeps libuv from ever polling the sockets.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
