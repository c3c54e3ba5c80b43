import type { Device, Transport } from 'mediasoup-client/lib/types.js';
import { request, type AppSocket } from '../signaling/socket.ts';

export type Source = 'microphone' | 'camera' | 'screen';

/**
 * Creates this peer's transport for one direction and bridges mediasoup-client's connect and
 * produce callbacks to the server's transport:connect and producer:create requests.
 */
export async function createSignalledTransport(socket: AppSocket, device: Device, direction: 'send' | 'recv'): Promise<Transport> {
	const options = await request(socket, 'transport:create', { direction });
	const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
	transport.on('connect', ({ dtlsParameters }, done, fail) => {
		request(socket, 'transport:connect', { direction, dtlsParameters }).then(() => done(), fail);
	});
	if (direction === 'send') {
		transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
			const source = appData['source'] as Source;
			const paused = appData['paused'] === true;
			request(socket, 'producer:create', { kind, source, rtpParameters, ...(paused ? { paused } : {}) }).then(({ producerId }) => done({ id: producerId }), fail);
		});
	}
	return transport;
}
