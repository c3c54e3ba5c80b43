import type { AppSocket } from '../../plugins/app/socket-io.ts';
import type { Peer } from '../../sfu/peer.ts';

/** Makes `peer` the target of this socket's transport/producer/consumer requests. */
export function attachPeer(socket: AppSocket, peer: Peer): void {
	if (socket.data.peer && socket.data.peer !== peer) {
		socket.data.peer.close();
	}
	socket.data.peer = peer;
	peer.on('consumer-closed', (consumerId) => socket.emit('consumer:closed', { consumerId }));
	peer.once('closed', () => {
		if (socket.data.peer === peer) {
			socket.data.peer = undefined;
		}
	});
}
