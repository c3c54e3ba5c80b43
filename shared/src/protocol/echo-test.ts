import type { RtpCapabilities } from 'mediasoup-client/lib/types.js';
import { Type } from 'typebox';
import { defineRequests, Empty, Opaque } from './schema.ts';

/**
 * The connection check a site runs before a meeting: its camera and microphone go to the server
 * and come back, over the same ICE/DTLS/SRTP path a meeting uses.
 */
export const echoTestRequests = defineRequests({
	/** Opens an echo session (closing this socket's previous one) and returns the router's capabilities. */
	'echo:start': {
		request: Empty,
		response: Type.Object(
			{ routerRtpCapabilities: Opaque<RtpCapabilities>('router RTP capabilities') },
			{ additionalProperties: false }
		),
	},
	'echo:stop': {
		request: Empty,
		response: Empty,
	},
});
