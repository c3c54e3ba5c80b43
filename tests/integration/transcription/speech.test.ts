import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionWav } from '../../../server/src/features/transcription/region-audio.ts';
import { detectSpeech } from '../../../server/src/features/transcription/speech-detect.ts';
import { planRegions, type PlannerSegment } from '../../../server/src/features/transcription/speech-regions.ts';
import { wavDurationMs } from '../../../server/src/features/transcription/whisper-wav.ts';
import { probeDurationSec } from '../../helpers/media-files.ts';

// Real ffmpeg and espeak-ng (Debian). A recorder run is imitated: low noise, a hole with no packets
// at all (what Opus DTX leaves while a site is quiet), then a Vietnamese sentence that crosses the
// 10-s cut between two Matroska segments, then low noise again.

const SENTENCE = 'Báo cáo tình hình sản xuất nông nghiệp của xã';
const SPEECH_AT_MS = 8500;
const NOISE = 'anoisesrc=color=pink:amplitude=0.005:sample_rate=48000';

function ffmpeg(...args: string[]): void {
	execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** Ms of the file whose level is above -40 dBFS RMS, per 100-ms window: where the voice is. */
function loudWindows(file: string): number[] {
	// ametadata prints to the log, on stderr.
	const out = spawnSync('ffmpeg', ['-nostdin', '-hide_banner', '-nostats', '-i', file, '-af', 'asetnsamples=n=1600,astats=metadata=1:reset=1,ametadata=mode=print:key=lavfi.astats.Overall.RMS_level', '-f', 'null', '-'], {
		encoding: 'utf8',
	}).stderr;
	const loud: number[] = [];
	let at = 0;
	for (const line of out.split('\n')) {
		at = Number(/pts_time:([\d.]+)/.exec(line)?.[1] ?? at);
		const level = /RMS_level=(-?[\d.]+)/.exec(line)?.[1];
		if (level !== undefined && Number(level) > -40) {
			loud.push(Math.round(1000 * at));
		}
	}
	return loud;
}

describe('speech detection and regions on real recordings', () => {
	let dir: string;
	let speechMs: number;
	let segments: (PlannerSegment & { path: string })[];

	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'giaoban-speech-test-'));
		const spoken = join(dir, 'spoken.wav');
		execFileSync('espeak-ng', ['-v', 'vi', '-w', spoken, SENTENCE]);
		// espeak-ng leaves a little silence around the words: trim it, so that the speech starts exactly where it is put.
		const trimmed = join(dir, 'trimmed.wav');
		const trim = 'silenceremove=start_periods=1:start_threshold=-50dB';
		ffmpeg('-i', spoken, '-af', `${trim},areverse,${trim},areverse,aresample=48000`, trimmed);
		speechMs = 1000 * probeDurationSec(trimmed);

		// Noise for 2 s, then nothing until the speech (a 6.5-s hole in the packets), then speech over noise until 20 s.
		const before = join(dir, 'before.mka');
		ffmpeg('-f', 'lavfi', '-i', `${NOISE}:duration=2`, '-c:a', 'libopus', before);
		const after = join(dir, 'after.mka');
		ffmpeg('-i', trimmed, '-f', 'lavfi', '-i', `${NOISE}:duration=${(20_000 - SPEECH_AT_MS) / 1000}`, '-filter_complex', '[0:a][1:a]amix=inputs=2:duration=longest:normalize=0', '-c:a', 'libopus', after);
		const list = join(dir, 'parts.ffconcat');
		writeFileSync(list, `ffconcat version 1.0\nfile '${before}'\nduration ${SPEECH_AT_MS / 1000}\nfile '${after}'\n`);
		// As the recorder cuts: copy, 10-s Matroska segments, timestamps restarting in each.
		ffmpeg('-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-f', 'segment', '-segment_time', '10', '-segment_format', 'matroska', '-reset_timestamps', '1', '-segment_list', join(dir, 'run.csv'), '-segment_list_type', 'csv', join(dir, 'run-%05d.mkv'));
		segments = readFileSync(join(dir, 'run.csv'), 'utf8')
			.trim()
			.split('\n')
			.map((line, sequence) => {
				const [file, start, end] = line.split(',');
				return { id: `seg-${sequence}`, sequence, path: join(dir, file!), startMs: Math.round(1000 * Number(start)), endMs: Math.round(1000 * Number(end)), speech: null };
			})
			.filter((segment) => segment.endMs - segment.startMs > 1000);
	});

	afterAll(() => {
		if (dir) {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('finds the speech where it was put, across the cut, and none in noise or in the hole', async () => {
		expect(segments.map((s) => [s.startMs, s.endMs])).toEqual([
			[0, expect.closeTo(10_000, -2) as unknown],
			[expect.closeTo(10_000, -2) as unknown, expect.closeTo(20_000, -2) as unknown],
		]);
		const [first, second] = segments as [PlannerSegment & { path: string }, PlannerSegment & { path: string }];
		const one = await detectSpeech(first.path);
		const two = await detectSpeech(second.path);
		// The hole is decoded as silence: the first segment keeps its full length.
		expect(one.durationMs).toBeGreaterThan(first.endMs - first.startMs - 50);
		expect(one.durationMs).toBeLessThan(first.endMs - first.startMs + 50);
		expect(one.speech).toHaveLength(1);
		expect(Math.abs(first.startMs + one.speech[0]!.fromMs - SPEECH_AT_MS)).toBeLessThan(300);
		expect(one.speech[0]!.toMs).toBe(one.durationMs);
		expect(two.speech).toHaveLength(1);
		expect(two.speech[0]!.fromMs).toBe(0);
		expect(Math.abs(second.startMs + two.speech[0]!.toMs - (SPEECH_AT_MS + speechMs))).toBeLessThan(300);
		first.speech = one.speech;
		second.speech = two.speech;
	});

	it('finds no speech in low noise alone', async () => {
		const noise = join(dir, 'noise.mkv');
		ffmpeg('-f', 'lavfi', '-i', `${NOISE}:duration=5`, '-c:a', 'libopus', noise);
		expect(await detectSpeech(noise)).toEqual({ durationMs: expect.closeTo(5000, -2) as unknown, speech: [] });
	});

	it('plans one region over the cut and cuts exactly that audio out', async () => {
		expect(segments.every((s) => s.speech !== null)).toBe(true);
		const regions = planRegions({ runId: 'run', segments, runEnded: true });
		expect(regions).toHaveLength(1);
		const [region] = regions as [(typeof regions)[0]];
		expect(region).toMatchObject({ segmentIds: ['seg-0', 'seg-1'], closed: true });
		expect(Math.abs(region.fromMs - (SPEECH_AT_MS - 200))).toBeLessThan(300);
		expect(Math.abs(region.toMs - (SPEECH_AT_MS + speechMs + 200))).toBeLessThan(300);

		const out = join(dir, 'region.wav');
		await regionWav({ segments: segments.filter((s) => region.segmentIds.includes(s.id)), fromMs: region.fromMs, toMs: region.toMs, out });
		expect(Math.abs((await wavDurationMs(out))! - (region.toMs - region.fromMs))).toBeLessThan(50);
		expect(readdirSync(dir).filter((name) => name.startsWith('.region-') || name.endsWith('.partial'))).toEqual([]);
		// The voice fills the region, apart from the padding: from its first 300 ms to its last.
		const loud = loudWindows(out);
		expect(loud[0]).toBeLessThan(400);
		expect(loud.at(-1)).toBeGreaterThan(region.toMs - region.fromMs - 600);
	});

	it('places the audio on the meeting clock: a window over the hole is silent, and the speech starts on time', async () => {
		const out = join(dir, 'window.wav');
		// 1 s to 9.5 s: noise, 6.5 s without packets, then the first second of speech.
		await regionWav({ segments: segments.slice(0, 1), fromMs: 1000, toMs: 9500, out });
		expect(Math.abs((await wavDurationMs(out))! - 8500)).toBeLessThan(50);
		const found = await detectSpeech(out);
		expect(found.speech).toHaveLength(1);
		expect(Math.abs(found.speech[0]!.fromMs - (SPEECH_AT_MS - 1000))).toBeLessThan(300);
		expect(found.speech[0]!.toMs).toBe(found.durationMs);
	});

	it('reads segments whose paths hold quotes, spaces and other characters ffconcat treats specially', async () => {
		const odd = join(dir, "it's a $segment #1 \\ x.mkv");
		copyFileSync(segments[0]!.path, odd);
		const out = join(dir, 'odd.wav');
		await regionWav({ segments: [{ ...segments[0]!, path: odd }], fromMs: 500, toMs: 1500, out });
		expect(Math.abs((await wavDurationMs(out))! - 1000)).toBeLessThan(50);
	});

	it('answers a file without audio with a coded error', async () => {
		const text = join(dir, 'not-audio.mkv');
		writeFileSync(text, 'not a recording');
		await expect(detectSpeech(text)).rejects.toMatchObject({ code: 'unavailable', problem: 'bad-audio' });
		await expect(regionWav({ segments: [{ path: text, startMs: 0, endMs: 1000 }], fromMs: 0, toMs: 1000, out: join(dir, 'bad.wav') })).rejects.toMatchObject({ problem: 'bad-audio' });
		expect(readdirSync(dir).filter((name) => name.startsWith('.region-') || name.endsWith('.partial') || name === 'bad.wav')).toEqual([]);
	});

	it('stops ffmpeg on abort', async () => {
		const controller = new AbortController();
		controller.abort(new Error('stop'));
		await expect(detectSpeech(segments[0]!.path, { signal: controller.signal })).rejects.toThrow('stop');
	});
});
