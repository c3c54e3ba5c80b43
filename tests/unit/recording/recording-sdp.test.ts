import { describe, expect, it } from 'vitest';
import { PortPool } from '../../../server/src/features/recording/port-pool.ts';
import { recordingSdp } from '../../../server/src/features/recording/recording-sdp.ts';

describe('recording SDP and ports', () => {
	it('describes audio and video with the consumer’s payload types, RTCP on the next port', () => {
		const sdp = recordingSdp([
			{ kind: 'audio', port: 15000, rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 } }] } },
			{ kind: 'video', port: 15002, rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {} }] } },
		]);
		expect(sdp.split('\r\n')).toEqual(
			expect.arrayContaining(['m=audio 15000 RTP/AVP 100', 'a=rtcp:15001', 'a=rtpmap:100 opus/48000/2', 'a=fmtp:100 useinbandfec=1;usedtx=1', 'm=video 15002 RTP/AVP 101', 'a=rtcp:15003', 'a=rtpmap:101 VP8/90000'])
		);
		expect(sdp).not.toContain('a=fmtp:101');
	});

	it('keeps only known fmtp parameters of a safe shape: a browser cannot write lines into the SDP', () => {
		const sdp = recordingSdp([
			{
				kind: 'audio',
				port: 15000,
				rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: '1\r\nm=audio 9 RTP/AVP 0', 'x-evil\r\nc=IN IP4 10.0.0.1': 1 } }] },
			},
		]);
		expect(sdp).toContain('a=fmtp:100 useinbandfec=1\r\n');
		expect(sdp.split('\r\n').filter((line) => line.startsWith('m=') || line.startsWith('c='))).toEqual(['c=IN IP4 127.0.0.1', 'm=audio 15000 RTP/AVP 100']);
	});

	it('hands out even ports with a free successor, reuses released ones, and says when none is left', () => {
		const pool = new PortPool(15001, 15006);
		const ports = [pool.take(), pool.take()];
		expect(ports).toEqual([15002, 15004]);
		expect(() => pool.take()).toThrow(/no recording ports/);
		pool.release(15002);
		expect(pool.take()).toBe(15002);
		expect(() => new PortPool(15000, 15000)).toThrow(RangeError);
	});
});
