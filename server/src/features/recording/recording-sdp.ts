import type { RtpParameters } from 'mediasoup/node/lib/types.js';

/** One track a recorder receives: the consumer's RTP parameters and where ffmpeg listens for it. */
/**
 * fmtp parameters ffmpeg may need, with values of a safe shape. The consumer's parameters come from
 * the site's own producer (the browser's description), so anything else, or a value that could
 * carry a line break into the SDP, is left out.
 */
const FMTP_KEYS = new Set(['useinbandfec', 'usedtx', 'stereo', 'sprop-stereo', 'minptime', 'maxplaybackrate', 'packetization-mode', 'profile-level-id', 'level-asymmetry-allowed', 'profile-id']);
const FMTP_VALUE = /^[\w.-]{1,32}$/;

export type SdpTrack = { kind: 'audio' | 'video'; rtpParameters: Pick<RtpParameters, 'codecs'>; port: number };

/**
 * The SDP ffmpeg reads to receive a site's tracks over plain RTP on the loopback. Audio and video
 * in one SDP, so that one ffmpeg process gets both and aligns them by their RTCP sender reports.
 * RTCP goes to port + 1 (ffmpeg cannot share one port for RTP and RTCP). Payload types, clock
 * rates and channels must be the consumer's, byte for byte.
 */
export function recordingSdp(tracks: readonly SdpTrack[], name = 'GiaoBan recorder'): string {
	const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', `s=${name.replace(/[\r\n]/g, ' ')}`, 'c=IN IP4 127.0.0.1', 't=0 0'];
	for (const track of tracks) {
		const codec = track.rtpParameters.codecs[0];
		if (!codec) {
			throw new TypeError(`${track.kind} track without a codec`);
		}
		const [, subtype] = codec.mimeType.split('/');
		lines.push(`m=${track.kind} ${track.port} RTP/AVP ${codec.payloadType}`);
		lines.push(`a=rtcp:${track.port + 1}`);
		lines.push(`a=rtpmap:${codec.payloadType} ${subtype}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`);
		const fmtp = Object.entries((codec.parameters ?? {}) as Record<string, unknown>)
			.filter(([key, value]) => FMTP_KEYS.has(key) && (typeof value === 'number' || typeof value === 'string') && FMTP_VALUE.test(String(value)))
			.map(([key, value]) => `${key}=${String(value)}`)
			.join(';');
		if (fmtp) {
			lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`);
		}
		lines.push('a=recvonly');
	}
	return `${lines.join('\r\n')}\r\n`;
}
