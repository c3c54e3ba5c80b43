import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaExportError, type SegmentFile } from '../../../server/src/features/recording/export/ffmpeg.ts';
import { mixAudio } from '../../../server/src/features/recording/export/mixed-audio.ts';
import { buildSiteAudio } from '../../../server/src/features/recording/export/site-audio.ts';
import { renderSpeakerVideo } from '../../../server/src/features/recording/export/speaker-video.ts';
import { probeDurationSec } from '../../helpers/media-files.ts';

const root = mkdtempSync(join(tmpdir(), 'giaoban-export-'));
const media = join(root, 'media');
const work = join(root, 'work');

function ffmpeg(...args: string[]): void {
	execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** Peak level in dB of [fromSec, toSec) of a file's audio (−91 is digital silence). */
function volumeDb(file: string, fromSec: number, toSec: number): number {
	const { stderr } = spawnSync('ffmpeg', ['-nostdin', '-hide_banner', '-ss', String(fromSec), '-to', String(toSec), '-i', file, '-af', 'volumedetect', '-f', 'null', '-'], { encoding: 'utf8' });
	const match = /max_volume: (-?[\d.]+) dB/.exec(stderr);
	if (!match) {
		throw new Error(`no volume for ${file} ${fromSec}-${toSec}: ${stderr.slice(-300)}`);
	}
	return Number(match[1]);
}

function streams(file: string): { codec_name: string; codec_type: string; width?: number; height?: number }[] {
	return (JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,codec_type,width,height', '-of', 'json', file], { encoding: 'utf8' })) as { streams: never[] }).streams;
}

/** The luma of the frame at `sec` (640×360 gray bytes): mean and spread. */
function frameLuma(file: string, sec: number): { mean: number; max: number; min: number } {
	const gray = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-ss', String(sec), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 4 << 20 });
	let sum = 0;
	let max = 0;
	let min = 255;
	for (const value of gray) {
		sum += value;
		max = Math.max(max, value);
		min = Math.min(min, value);
	}
	return { mean: sum / gray.length, max, min };
}

/** Processes (any user) whose command line mentions `text`: a killed export must leave none. */
function processesMentioning(text: string): number {
	let count = 0;
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) {
				count += 1;
			}
		} catch {
			// Gone meanwhile.
		}
	}
	return count;
}

const file = (name: string): string => join(media, name);
const seg = (name: string, startMs: number, endMs: number): SegmentFile => ({ path: file(name), startMs, endMs });

describe('media export (ffmpeg: site audio, mix, speaker video)', () => {
	beforeAll(() => {
		mkdirSync(media, { recursive: true });
		mkdirSync(work, { recursive: true });
		// Recorder-like segments: Opus in Matroska, timestamps from 0.
		const opus = ['-c:a', 'libopus', '-b:a', '32k', '-ac', '1'];
		ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', ...opus, file('tone-4s.mkv'));
		ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=660:duration=2', ...opus, file('tone-2s.mkv'));
		ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=300:duration=5,volume=7', ...opus, file('loud-5s.mkv'));
		// 0-2 s tone, nothing from 2 to 4 s, 4-6 s tone: what DTX leaves in a segment while a site is quiet.
		writeFileSync(file('hole.ffconcat'), `ffconcat version 1.0\nfile '${file('tone-2s.mkv')}'\nduration 4\nfile '${file('tone-2s.mkv')}'\n`);
		ffmpeg('-f', 'concat', '-safe', '0', '-i', file('hole.ffconcat'), '-c', 'copy', file('hole-6s.mkv'));
		writeFileSync(file('not-media.mkv'), 'this is not a Matroska file\n'.repeat(100));
		// VP8 + Opus segments, small and HD, to exercise the scaling.
		const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-c:a', 'libopus', '-ac', '1', '-shortest'];
		ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=500:duration=4', ...vp8, file('small-4s.mkv'));
		ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=15:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=700:duration=4', ...vp8, file('hd-4s.mkv'));
	}, 60_000);

	afterAll(() => {
		rmSync(root, { recursive: true, force: true });
	});

	const siteA = () => [seg('tone-4s.mkv', 1000, 5000), seg('hole-6s.mkv', 7000, 13_000), seg('tone-4s.mkv', 15_000, 19_000)];
	const siteB = () => [seg('loud-5s.mkv', 3000, 8000)];

	it('builds a site’s audio on the meeting clock: gaps and DTX holes silent, exact length', async () => {
		const out = join(root, 'site-a.m4a');
		const progress: number[] = [];
		const result = await buildSiteAudio({ segments: siteA(), durationMs: 20_000, out, workDir: work, onProgress: (pct) => progress.push(pct) });
		expect(result.durationMs).toBe(20_000);
		expect(Math.abs(probeDurationSec(out) - 20)).toBeLessThan(0.1);
		expect(streams(out)).toEqual([expect.objectContaining({ codec_name: 'aac', codec_type: 'audio' })]);
		const silent = [[0, 0.9], [5.1, 6.9], [9.1, 10.9], [13.1, 14.9], [19.1, 20]] as const;
		const sound = [[1.1, 4.9], [7.1, 8.9], [11.1, 12.9], [15.1, 18.9]] as const;
		for (const [from, to] of silent) {
			expect(volumeDb(out, from, to), `${from}-${to} s`).toBeLessThan(-60);
		}
		for (const [from, to] of sound) {
			expect(volumeDb(out, from, to), `${from}-${to} s`).toBeGreaterThan(-30);
		}
		expect(progress.at(-1)).toBe(100);
		expect(readdirSync(work)).toEqual([]);
		expect(existsSync(`${out}.partial`)).toBe(false);
	});

	it('mixes sites without attenuating them, and limits what would clip', async () => {
		const a = join(root, 'mix-a.m4a');
		const b = join(root, 'mix-b.m4a');
		await buildSiteAudio({ segments: siteA(), durationMs: 20_000, out: a, workDir: work });
		await buildSiteAudio({ segments: siteB(), durationMs: 20_000, out: b, workDir: work });
		const out = join(root, 'mix.m4a');
		await mixAudio({ inputs: [a, b], durationMs: 20_000, out });
		expect(Math.abs(probeDurationSec(out) - 20)).toBeLessThan(0.1);
		expect(streams(out)).toEqual([expect.objectContaining({ codec_name: 'aac' })]);
		// Site A alone keeps its level (−18 dB for a 1/8 sine): no 1/N scaling.
		expect(volumeDb(out, 1.1, 2.9)).toBeGreaterThan(-20);
		expect(volumeDb(out, 13.1, 14.9)).toBeLessThan(-60);
		expect(volumeDb(out, 8.1, 8.9)).toBeGreaterThan(-25);
		// Site B is a sine at 7/8 of full scale; with A on top it would reach +0.1 dB.
		expect(volumeDb(out, 3.1, 4.9)).toBeLessThan(0);
		expect(volumeDb(out, 3.1, 4.9)).toBeGreaterThan(-3);
	});

	it('renders a speaker view: 640×360 H.264 + AAC, video shots scaled, a card where there is no video', async () => {
		const audio = join(root, 'speaker-audio.m4a');
		await buildSiteAudio({ segments: siteA(), durationMs: 16_000, out: audio, workDir: work });
		const out = join(root, 'speaker.mp4');
		const progress: number[] = [];
		const started = Date.now();
		const result = await renderSpeakerVideo({
			durationMs: 16_000,
			shots: [
				{ fromMs: 0, toMs: 7000, label: 'Xã Phú Lộc', video: [seg('small-4s.mkv', 0, 4000), seg('small-4s.mkv', 5000, 9000)] },
				{ fromMs: 7000, toMs: 7500, label: 'Blip', video: null },
				{ fromMs: 7500, toMs: 10_000, label: 'Ủy ban nhân dân huyện Đắk Glong', video: [seg('not-media.mkv', 6000, 12_000)] },
				{ fromMs: 10_000, toMs: 16_000, label: 'Thị trấn Cần Giuộc', video: [seg('hd-4s.mkv', 9000, 13_000)] },
			],
			audio,
			out,
			workDir: work,
			onProgress: (pct) => progress.push(pct),
		});
		const seconds = (Date.now() - started) / 1000;
		console.info(`speaker video: 16 s rendered in ${seconds.toFixed(1)} s (${((seconds / 16) * 60).toFixed(1)} s per minute of meeting)`);
		expect(result).toEqual({ durationMs: 16_000, shots: 3, fallbackShots: 1 });
		expect(Math.abs(probeDurationSec(out) - 16)).toBeLessThan(0.2);
		expect(streams(out)).toEqual([
			expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width: 640, height: 360 }),
			expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }),
		]);
		// The joined clips decode without a single error.
		expect(execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', out, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');
		const small = frameLuma(out, 1); // testsrc2 (colour bars) scaled up, pillarboxed
		const hole = frameLuma(out, 4.5); // between the site's segments: background and caption
		const card = frameLuma(out, 8.5); // unreadable video: the card
		const hd = frameLuma(out, 11.5); // HD scaled down
		for (const picture of [small, hd]) {
			expect(picture.mean).toBeGreaterThan(70);
			expect(picture.max - picture.min).toBeGreaterThan(150);
		}
		expect(card.mean).toBeLessThan(50);
		// The name is drawn: white letters on the dark card.
		expect(card.max).toBeGreaterThan(200);
		expect(hole.mean).toBeLessThan(50);
		// The speaker audio is there, on the meeting clock.
		expect(volumeDb(out, 1.1, 4.9)).toBeGreaterThan(-30);
		expect(volumeDb(out, 5.1, 6.9)).toBeLessThan(-60);
		expect(progress.at(-1)).toBe(100);
		expect(readdirSync(work)).toEqual([]);
	}, 60_000);

	it('makes silent audio and a card-only video when there is nothing recorded', async () => {
		const audio = join(root, 'empty.m4a');
		await buildSiteAudio({ segments: [], durationMs: 3000, out: audio, workDir: work });
		expect(Math.abs(probeDurationSec(audio) - 3)).toBeLessThan(0.1);
		const out = join(root, 'empty.mp4');
		const result = await renderSpeakerVideo({ durationMs: 3000, shots: [], audio: null, out, workDir: work });
		expect(result.shots).toBe(1);
		expect(Math.abs(probeDurationSec(out) - 3)).toBeLessThan(0.2);
		expect(streams(out).map((s) => s.codec_name)).toEqual(['h264', 'aac']);
	});

	it('kills ffmpeg on abort and leaves no output, partial file or temporary folder', async () => {
		const out = join(root, 'aborted.m4a');
		const controller = new AbortController();
		// An hour of output: far longer than the abort takes.
		const running = buildSiteAudio({ segments: siteA(), durationMs: 3_600_000, out, workDir: work, signal: controller.signal, onProgress: () => controller.abort(new Error('stop')) });
		await expect(running).rejects.toThrow('stop');
		expect(existsSync(out)).toBe(false);
		expect(existsSync(`${out}.partial`)).toBe(false);
		expect(readdirSync(work)).toEqual([]);
		expect(processesMentioning(out)).toBe(0);
	});

	it('says bad input with a coded error', async () => {
		const run = (segments: SegmentFile[]) => buildSiteAudio({ segments, durationMs: 5000, out: join(root, 'bad.m4a'), workDir: work });
		for (const segments of [[seg('not-media.mkv', 0, 4000)], [seg('missing.mkv', 0, 4000)]]) {
			const error = await run(segments).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(MediaExportError);
			expect(error).toMatchObject({ code: 'bad-input', retryable: false });
			expect((error as Error).message.length).toBeLessThan(1000);
		}
		await expect(mixAudio({ inputs: [file('not-media.mkv')], durationMs: 5000, out: join(root, 'bad-mix.m4a') })).rejects.toMatchObject({ code: 'bad-input' });
		await expect(buildSiteAudio({ segments: [], durationMs: Number.NaN, out: join(root, 'nan.m4a'), workDir: work })).rejects.toMatchObject({ code: 'bad-input' });
		expect(existsSync(join(root, 'bad.m4a'))).toBe(false);
		expect(readdirSync(work)).toEqual([]);
	});
});
