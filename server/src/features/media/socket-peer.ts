import type { AppSocket } from '../../plugins/app/socket-io.ts';
import type { Peer } from '../../sfu/peer.ts';
import { InvalidStateError } from '../../lib/errors.ts';

/** Who created a socket's peer; only that feature closes it. */
export type PeerOwner = 'conference' | 'echo-test';

type Binding = { peer: Peer; owner: PeerOwner };

const bindings = new WeakMap<AppSocket, Binding>();

/**
 * The one place that knows which media peer a socket's transport/producer/consumer requests act
 * on. A conference peer belongs to the Conference (it closes it when the site leaves); a
 * connection check may not replace it, so a check started from a second tab cannot cut a site
 * out of its meeting.
 */
export function bindPeer(socket: AppSocket, peer: Peer, owner: PeerOwner): void {
	const current = bindings.get(socket);
	if (current && current.peer !== peer && !current.peer.closed) {
		if (current.owner === 'conference' && owner !== 'conference') {
			throw new InvalidStateError('Leave the meeting before starting a connection check');
		}
		if (current.owner !== 'conference') {
			current.peer.close();
		}
	}
	if (peer.closed) {
		return;
	}
	bindings.set(socket, { peer, owner });
	peer.on('consumer-closed', (consumerId) => socket.emit('consumer:closed', { consumerId }));
	peer.once('closed', () => {
		if (bindings.get(socket)?.peer === peer) {
			bindings.delete(socket);
		}
	});
}

/** The socket's open peer, if any. */
export function socketPeer(socket: AppSocket): Peer | undefined {
	const peer = bindings.get(socket)?.peer;
	return peer && !peer.closed ? peer : undefined;
}

export function peerOwner(socket: AppSocket): PeerOwner | undefined {
	return socketPeer(socket) ? bindings.get(socket)?.owner : undefined;
}

/** Closes the socket's peer if `owner` created it. */
export function closeOwnPeer(socket: AppSocket, owner: PeerOwner): void {
	const binding = bindings.get(socket);
	if (binding?.owner === owner) {
		bindings.delete(socket);
		binding.peer.close();
	}
}
