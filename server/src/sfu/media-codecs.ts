import type { RtpCodecCapability } from 'mediasoup/node/lib/types.js';

/**
 * Codecs every router offers. Opus with in-band FEC and DTX suits weak rural links; VP8 is the
 * simulcast codec; H.264 (constrained baseline, packetization-mode 1) serves hardware encoders.
 */
export const MEDIA_CODECS: RtpCodecCapability[] = [
	{
		kind: 'audio',
		mimeType: 'audio/opus',
		clockRate: 48000,
		channels: 2,
		parameters: { useinbandfec: 1, usedtx: 1 },
	},
	{
		kind: 'video',
		mimeType: 'video/VP8',
		clockRate: 90000,
		parameters: { 'x-google-start-bitrate': 600 },
	},
	{
		kind: 'video',
		mimeType: 'video/H264',
		clockRate: 90000,
		parameters: {
			'packetization-mode': 1,
			'profile-level-id': '42e01f',
			'level-asymmetry-allowed': 1,
		},
	},
];

/**
 * The spatial layer recorded from a simulcast camera: 640×360 (layer 1 of the three the client
 * sends) is what the downloadable video is made at, at a third of the top layer's bits. While a
 * meeting is recorded every camera is asked to send at least this layer.
 */
export const RECORDED_SPATIAL_LAYER = 1;
