import { onDisconnect, onRequest } from '../../lib/define-handler.ts';
import { InvalidStateError, RateLimitedError, UnavailableError } from '../../lib/errors.ts';
import { asWire } from '../../lib/wire.ts';
import type { AppSocket } from '../../plugins/app/socket-io.ts';
import { MEDIA_CODECS } from '../../sfu/media-codecs.ts';
import { Peer } from '../../sfu/peer.ts';
import type { WorkerPool } from '../../sfu/worker-pool.ts';
import { bindPeer, closeOwnPeer, peerOwner } from '../media/socket-peer.ts';

/**
 * A check is a minute's look at the camera and the numbers; each one holds a router, two
 * transports and the worker's CPU for its streams, so neither one socket nor one address may keep
 * them for long or in numbers. Read once when the feature registers (tests lower them before).
 */
export const echoTestLimits = {
	/** Ends a check after this long without any request from its socket. */
	idleMs: 2 * 60_000,
	/** Ends a check this long after it started, active or not. */
	maxMs: 10 * 60_000,
	/** Checks running at once from one client address (one NAT may hide a hall's few PCs). */
	perAddress: 3,
	/** Checks running at once on this server. */
	total: 50,
};

export type EchoTestLimits = typeof echoTestLimits;

export type EchoTestContext = {
	workerPool: WorkerPool;
	/** Echo sessions running or being set up, across sockets, with their client's address. */
	active: Map<object, string>;
	limits: EchoTestLimits;
};

function runningFrom(ctx: EchoTestContext, address: string): number {
	let count = 0;
	for (const from of ctx.active.values()) {
		if (from === address) {
			count += 1;
		}
	}
	return count;
}

/**
 * Closes the check when its socket has been quiet for `idleMs` or it has run for `maxMs`, telling
 * the client why. Any inbound event of the socket counts as activity.
 */
function endWhenIdle(socket: AppSocket, peer: Peer, limits: EchoTestLimits): void {
	const started = performance.now();
	let lastActive = started;
	const onActivity = (): void => {
		lastActive = performance.now();
	};
	let timer: ReturnType<typeof setTimeout>;
	const check = (): void => {
		if (peer.closed) {
			return;
		}
		const now = performance.now();
		const idle = now - lastActive >= limits.idleMs;
		if (idle || now - started >= limits.maxMs) {
			socket.emit('media:closed', {
				reason: idle ? 'The connection check stopped after a while without activity; start it again' : 'The connection check reached its time limit; start it again',
			});
			peer.close();
			return;
		}
		timer = setTimeout(check, Math.min(lastActive + limits.idleMs, started + limits.maxMs) - now);
		timer.unref();
	};
	socket.onAny(onActivity);
	timer = setTimeout(check, Math.min(limits.idleMs, limits.maxMs));
	timer.unref();
	peer.once('closed', () => {
		clearTimeout(timer);
		socket.offAny(onActivity);
	});
}

/**
 * A connection check: the site's own producers are consumed back to it through a router of its
 * own, so camera, microphone, ICE, DTLS and SRTP are all exercised before a meeting starts.
 */
export function registerEchoTestHandlers(socket: AppSocket, ctx: EchoTestContext): void {
	onRequest(socket, 'echo:start', async () => {
		if (peerOwner(socket) === 'conference') {
			throw new InvalidStateError('Leave the meeting before starting a connection check');
		}
		// A socket's new check replaces its old one, so it does not count against the limits.
		closeOwnPeer(socket, 'echo-test');
		if (ctx.active.size >= ctx.limits.total) {
			throw new UnavailableError('Too many connection checks are running; try again in a minute');
		}
		if (runningFrom(ctx, socket.data.address) >= ctx.limits.perAddress) {
			throw new RateLimitedError(`At most ${ctx.limits.perAddress} connection checks at once from one network address; stop one first`);
		}
		// Counted from now, not once the router exists: checks started together see each other.
		const slot = {};
		ctx.active.set(slot, socket.data.address);
		let created: Awaited<ReturnType<WorkerPool['createRouter']>>;
		try {
			created = await ctx.workerPool.createRouter(MEDIA_CODECS);
		} catch (error) {
			ctx.active.delete(slot);
			throw error;
		}
		const { router, webRtcServer } = created;
		const peer: Peer = new Peer({
			router,
			webRtcServer,
			findProducer: (id) => peer.producer(id),
			log: socket.data.log,
		});
		peer.once('closed', () => {
			ctx.active.delete(slot);
			router.close();
		});
		router.observer.once('close', () => {
			if (!peer.closed) {
				socket.emit('media:closed', { reason: 'The media server restarted; start the check again' });
				peer.close();
			}
		});
		try {
			bindPeer(socket, peer, 'echo-test');
		} catch (error) {
			peer.close();
			throw error;
		}
		endWhenIdle(socket, peer, ctx.limits);
		return { routerRtpCapabilities: asWire(router.rtpCapabilities) };
	});

	onRequest(socket, 'echo:stop', async () => {
		closeOwnPeer(socket, 'echo-test');
		return {};
	});

	// After the requests already received: a check still being set up is closed once it exists.
	onDisconnect(socket, () => closeOwnPeer(socket, 'echo-test'));
}
