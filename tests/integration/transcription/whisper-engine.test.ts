import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config/env.ts';
import { TranscriptionError } from '../../../server/src/features/transcription/transcription-errors.ts';
import { transcribe, whisperSettings, type WhisperSettings } from '../../../server/src/features/transcription/whisper-engine.ts';
import { toWhisperWav, wavDurationMs } from '../../../server/src/features/transcription/whisper-wav.ts';
import { writeRandomWhisperModel } from '../../helpers/ggml-model.ts';
import { probeDurationSec } from '../../helpers/media-files.ts';

// Real whisper.cpp (built by the setup), real ffmpeg and espeak-ng (Debian), on a tiny model with
// random weights: the text is nonsense, so only its shape is checked, never its words.

const SENTENCE = 'Ủy ban nhân dân xã Sông Lô báo cáo kết quả công tác tháng mười một. Đề nghị các đồng chí phát biểu ý kiến.';

function durationMs(file: string): number {
	return 1000 * probeDurationSec(file);
}

function stream(file: string): string {
	return execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,sample_rate,channels', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
}

/** Processes (any user) whose command line mentions `needle`: here, this run's private model path. */
function processesMentioning(needle: string): number[] {
	return readdirSync('/proc')
		.filter((name) => /^\d+$/.test(name))
		.filter((pid) => {
			try {
				return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
			} catch {
				return false; // gone meanwhile
			}
		})
		.map(Number);
}

const whisperTemps = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('giaoban-whisper-'));

describe('whisper.cpp transcription engine', () => {
	let dir: string;
	let settings: WhisperSettings & { model: string };
	let speech: string;
	let speechMs: number;

	beforeAll(async () => {
		const configured = whisperSettings(loadConfig(process.env).transcription);
		if (!existsSync(configured.cli)) {
			throw new Error(`whisper-cli is missing at ${configured.cli}: the setup builds it (npm test does, or node scripts/setup/index.mjs --for=test)`);
		}
		dir = mkdtempSync(join(tmpdir(), 'giaoban-stt-test-'));
		const model = join(dir, 'ggml-random-tiny.bin');
		writeRandomWhisperModel(model, { size: 'tiny' });
		settings = { ...configured, model, language: 'vi', threads: 2 };

		const spoken = join(dir, 'spoken.wav');
		execFileSync('espeak-ng', ['-v', 'vi', '-w', spoken, SENTENCE]);
		speech = join(dir, 'speech-16k.wav');
		await toWhisperWav(spoken, speech);
		speechMs = durationMs(speech);
	});

	afterAll(() => {
		if (dir) {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('converts speech to 16 kHz mono 16-bit WAV of the same length', async () => {
		expect(stream(speech)).toBe('pcm_s16le,16000,1');
		expect(speechMs).toBeGreaterThan(4000);
		expect(Math.abs((await wavDurationMs(speech))! - speechMs)).toBeLessThan(2);
		expect(Math.abs(speechMs - durationMs(join(dir, 'spoken.wav')))).toBeLessThan(50);
	});

	it('keeps a hole in Opus timestamps (DTX) as silence instead of closing it', async () => {
		const opus = join(dir, 'part.mka');
		execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', speech, '-t', '2', '-ar', '48000', '-c:a', 'libopus', opus]);
		// The concat demuxer's `duration` starts the second file at 10 s: 8 s with no packets at all.
		const list = join(dir, 'list.txt');
		writeFileSync(list, `file '${opus}'\nduration 10\nfile '${opus}'\n`);
		const gapped = join(dir, 'gapped.mka');
		execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', gapped]);
		const out = join(dir, 'gapped.wav');
		await toWhisperWav(gapped, out);
		expect(stream(out)).toBe('pcm_s16le,16000,1');
		expect(durationMs(out)).toBeGreaterThan(11_900);
		expect(durationMs(out)).toBeLessThan(12_100);
	});

	it('transcribes speech into ordered, timed segments with a confidence', async () => {
		const before = whisperTemps();
		const { segments } = await transcribe({ ...settings, wavPath: speech });
		expect(segments.length).toBeGreaterThan(0);
		let previousStart = 0;
		for (const segment of segments) {
			expect(segment.startMs).toBeGreaterThanOrEqual(previousStart);
			expect(segment.endMs).toBeGreaterThan(segment.startMs);
			expect(segment.endMs).toBeLessThanOrEqual(speechMs + 10); // whisper's times are in 10 ms steps
			expect(segment.confidence).toBeGreaterThanOrEqual(0);
			expect(segment.confidence).toBeLessThanOrEqual(1);
			expect(segment.text).not.toBe('');
			previousStart = segment.startMs;
		}
		expect(whisperTemps().filter((name) => !before.includes(name))).toEqual([]);
	});

	it('answers a missing, truncated or foreign model with a coded error, not a crash', async () => {
		const attempt = (model: string | null) => transcribe({ ...settings, model, wavPath: speech });
		await expect(attempt(null)).rejects.toMatchObject({ code: 'unavailable', problem: 'no-model', message: expect.stringMatching(/WHISPER_MODEL/) as unknown });
		await expect(attempt(join(dir, 'absent.bin'))).rejects.toMatchObject({ code: 'unavailable', problem: 'model-missing', message: expect.stringMatching(/absent\.bin.*ENOENT/) as unknown });

		const foreign = join(dir, 'foreign.bin');
		writeFileSync(foreign, 'GGUF and then something else entirely');
		await expect(attempt(foreign)).rejects.toMatchObject({ code: 'unavailable', problem: 'model-invalid' });

		// Right magic, cut in the middle of its tensors: only whisper-cli's loader can tell.
		const truncated = join(dir, 'truncated.bin');
		copyFileSync(settings.model, truncated);
		truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
		const error: unknown = await attempt(truncated).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TranscriptionError);
		expect(error).toMatchObject({ code: 'unavailable', problem: 'model-invalid', retryable: false, message: expect.stringMatching(/could not be loaded/) as unknown });
	});

	it('answers a missing whisper-cli or audio file with a coded error', async () => {
		await expect(transcribe({ ...settings, cli: join(dir, 'no-such-whisper-cli'), wavPath: speech })).rejects.toMatchObject({
			code: 'unavailable',
			problem: 'no-program',
			message: expect.stringMatching(/run the setup/) as unknown,
		});
		await expect(transcribe({ ...settings, wavPath: join(dir, 'absent.wav') })).rejects.toMatchObject({ problem: 'bad-audio', message: expect.stringMatching(/ENOENT/) as unknown });
		const notAudio = join(dir, 'not-audio.wav');
		writeFileSync(notAudio, 'RIFF? no.');
		await expect(transcribe({ ...settings, wavPath: notAudio })).rejects.toMatchObject({ problem: 'bad-audio', message: expect.stringMatching(/not a PCM WAV file/) as unknown });
		await expect(toWhisperWav(notAudio, join(dir, 'never.wav'))).rejects.toMatchObject({ problem: 'bad-audio' });
		expect(existsSync(join(dir, 'never.wav'))).toBe(false);
		expect(existsSync(join(dir, 'never.wav.partial'))).toBe(false);
	});

	it('kills whisper-cli when aborted and leaves no process or temporary file behind', async () => {
		// Two minutes of speech: whisper-cli works for seconds, so the abort always finds it running
		// (the short clip alone can be done before a loaded machine lets this test look).
		const long = join(dir, 'long-16k.wav');
		execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '19', '-i', speech, '-c', 'copy', long]);
		const before = whisperTemps();
		const controller = new AbortController();
		let settled: unknown = null;
		const outcome = transcribe({ ...settings, wavPath: long, signal: controller.signal }).then(
			() => 'finished',
			(error: unknown) => error
		);
		void outcome.then((value) => (settled = value));
		// Abort once whisper-cli is really running (the checks before the spawn take a few ms).
		let running: number[] = [];
		const deadline = Date.now() + 20_000;
		while (running.length === 0 && settled === null && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 10));
			running = processesMentioning(settings.model);
		}
		expect({ running: running.length, settled }).toEqual({ running: 1, settled: null });
		controller.abort();
		const error = await outcome;
		expect(error).toMatchObject({ name: 'AbortError' });
		expect(processesMentioning(settings.model)).toEqual([]);
		expect(existsSync(`/proc/${running[0]}`)).toBe(false);
		expect(whisperTemps().filter((name) => !before.includes(name))).toEqual([]);
	});
});
