import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingSdp } from '../../../server/src/features/recording/recording-sdp.ts';
import { probeDurationSec as duration } from '../../helpers/media-files.ts';
import { SECOND_SIGINT_MS, SegmentRecorder, sha256File, type ClosedSegment } from '../../../server/src/features/recording/segment-recorder.ts';

const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }] };


/** Sends `seconds` of a 440 Hz Opus tone as RTP to the port, in real time (ffmpeg's own RTP muxer). */
function sendTone(port: number, seconds: number) {
	return spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'libopus', '-payload_type', '111', '-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${port + 1}`], { stdio: 'ignore' });
}

describe('segment recorder (ffmpeg, plain RTP → Matroska segments)', () => {
	const cleanups: (() => unknown)[] = [];
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) {
			await cleanup();
		}
	});

	async function record(seconds: number, segmentSeconds = 1) {
		const dir = mkdtempSync(join(tmpdir(), 'giaoban-rec-'));
		cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
		// Outside the WebRTC test ports (20000-31996) and Linux's ephemeral range.
		const port = 16000 + 2 * Math.floor(Math.random() * 400);
		const recorder = await SegmentRecorder.start({ sdp: recordingSdp([{ kind: 'audio', rtpParameters: OPUS, port }]), dir, prefix: 'run1', segmentSeconds, waitForPort: port });
		cleanups.push(() => recorder.stop());
		const segments: ClosedSegment[] = [];
		recorder.on('segment', (segment) => segments.push(segment));
		const sender = sendTone(port, seconds);
		cleanups.push(() => sender.kill('SIGKILL'));
		return { recorder, segments, sender };
	}

	it('keeps the open segment when the sender is gone without a goodbye (a site that left)', async () => {
		// One long segment: everything received is in the segment still open at the stop.
		const { recorder, segments, sender } = await record(10, 30);
		// 5 s of a 10 s tone: the sender's own start may take a couple of seconds on a loaded machine.
		await new Promise((resolve) => setTimeout(resolve, 5000));
		// Killed: ffmpeg's RTP muxer sends no BYE of its own, as mediasoup sends none when a producer closes.
		sender.kill('SIGKILL');
		await new Promise((resolve) => sender.once('exit', resolve));
		const started = Date.now();
		await recorder.stop();
		expect(segments).toHaveLength(1);
		expect(duration(segments[0]!.file)).toBeGreaterThan(2);
		expect((await recorder.exited).signal).toBeNull();
		// Ended by its input timing out, not by the second SIGINT or SIGKILL (which lose the segment).
		expect(Date.now() - started).toBeLessThan(SECOND_SIGINT_MS);
	});

	it('copies the stream into closed, readable segments that tile the time it received', async () => {
		const { recorder, segments, sender } = await record(4);
		await new Promise((resolve) => sender.once('exit', resolve));
		await recorder.stop();
		expect(segments.length).toBeGreaterThanOrEqual(3);
		for (const [i, segment] of segments.entries()) {
			expect(duration(segment.file)).toBeGreaterThan(0);
			expect(await sha256File(segment.file)).toMatch(/^[0-9a-f]{64}$/);
			if (i > 0) {
				expect(segment.startSec).toBeCloseTo(segments[i - 1]!.endSec, 3);
			}
		}
		// Every second sent is in a closed segment: ffmpeg listened before the first packet, and the
		// stop closed the last segment (Opus frames are 20 ms: each segment reads 20 ms short).
		const total = segments.reduce((sum, s) => sum + duration(s.file), 0);
		expect(Math.abs(total - 4)).toBeLessThan(0.3);
		await recorder.stop();
	});

	it('loses at most the open segment when ffmpeg is killed', async () => {
		const { recorder, segments } = await record(6);
		await new Promise<void>((resolve) => {
			recorder.on('segment', () => {
				if (segments.length >= 2) {
					resolve();
				}
			});
		});
		process.kill(recorder.pid!, 'SIGKILL');
		const exit = await recorder.exited;
		expect(exit.signal).toBe('SIGKILL');
		expect(segments.length).toBeGreaterThanOrEqual(2);
		for (const segment of segments) {
			expect(duration(segment.file)).toBeGreaterThan(0);
		}
	});
});
