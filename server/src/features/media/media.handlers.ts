import { onRequest } from '../../lib/define-handler.ts';
import { InvalidStateError } from '../../lib/errors.ts';
import type { AppSocket } from '../../plugins/app/socket-io.ts';
import { asWire } from '../../lib/wire.ts';
import type { Peer } from '../../sfu/peer.ts';
import { peerOwner, socketPeer } from './socket-peer.ts';

function peerOf(socket: AppSocket): Peer {
	const peer = socketPeer(socket);
	if (!peer) {
		throw new InvalidStateError('Join a meeting or start a connection check first');
	}
	return peer;
}

/** transport:*, producer:* and consumer:* act on whichever peer the socket currently has. */
export function registerMediaHandlers(socket: AppSocket): void {
	onRequest(socket, 'transport:create', async ({ direction }) => asWire(await peerOf(socket).createTransport(direction)));

	onRequest(socket, 'transport:connect', async ({ direction, dtlsParameters }) => {
		await peerOf(socket).connectTransport(direction, dtlsParameters);
		return {};
	});

	onRequest(socket, 'transport:restart-ice', async ({ direction }) => ({
		iceParameters: await peerOf(socket).restartIce(direction),
	}));

	onRequest(socket, 'producer:create', async ({ kind, source, rtpParameters, paused }) => {
		const producer = await peerOf(socket).produce(kind, source, rtpParameters, paused ?? false);
		return { producerId: producer.id };
	});

	onRequest(socket, 'producer:close', async ({ producerId }) => {
		peerOf(socket).closeProducer(producerId);
		return {};
	});

	onRequest(socket, 'consumer:create', async ({ producerId, rtpCapabilities }) => {
		if (peerOwner(socket) === 'conference') {
			// A site receives what its view shows, within its downlink budget (room:view), nothing it picks itself.
			throw new InvalidStateError('In a meeting the server makes the consumers; send room:receive and room:view');
		}
		const consumer = await peerOf(socket).consume(producerId, rtpCapabilities);
		return { consumerId: consumer.id, producerId, kind: consumer.kind, rtpParameters: asWire(consumer.rtpParameters) };
	});

	onRequest(socket, 'consumer:resume', async ({ consumerId }) => {
		await peerOf(socket).resumeConsumer(consumerId);
		return {};
	});
}
