import { onDisconnect, onRequest } from '../../lib/define-handler.ts';
import { UnavailableError } from '../../lib/errors.ts';
import { asWire } from '../../lib/wire.ts';
import type { AppSocket } from '../../plugins/app/socket-io.ts';
import { MEDIA_CODECS } from '../../sfu/media-codecs.ts';
import { bindPeer, closeOwnPeer, peerOwner } from '../media/socket-peer.ts';
import { InvalidStateError } from '../../lib/errors.ts';
import { Peer } from '../../sfu/peer.ts';
import type { WorkerPool } from '../../sfu/worker-pool.ts';

export type EchoTestContext = {
	workerPool: WorkerPool;
	/** Echo sessions running now, across sockets. */
	active: Set<Peer>;
	maxSessions: number;
};

/**
 * A connection check: the site's own producers are consumed back to it through a router of its
 * own, so camera, microphone, ICE, DTLS and SRTP are all exercised before a meeting starts.
 */
export function registerEchoTestHandlers(socket: AppSocket, ctx: EchoTestContext): void {
	onRequest(socket, 'echo:start', async () => {
		if (peerOwner(socket) === 'conference') {
			throw new InvalidStateError('Leave the meeting before starting a connection check');
		}
		closeOwnPeer(socket, 'echo-test');
		if (ctx.active.size >= ctx.maxSessions) {
			throw new UnavailableError('Too many connection checks are running; try again in a minute');
		}
		const { router, webRtcServer } = await ctx.workerPool.createRouter(MEDIA_CODECS);
		const peer: Peer = new Peer({
			router,
			webRtcServer,
			findProducer: (id) => peer.producer(id),
			log: socket.data.log,
		});
		ctx.active.add(peer);
		peer.once('closed', () => {
			ctx.active.delete(peer);
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
		return { routerRtpCapabilities: asWire(router.rtpCapabilities) };
	});

	onRequest(socket, 'echo:stop', async () => {
		closeOwnPeer(socket, 'echo-test');
		return {};
	});

	// After the requests already received: a check still being set up is closed once it exists.
	onDisconnect(socket, () => closeOwnPeer(socket, 'echo-test'));
}
