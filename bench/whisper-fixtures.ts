/**
 * What the transcription benchmarks run on: Vietnamese speech made with espeak-ng (about 60 s,
 * sentences separated by pauses) and whisper models with random weights in the sizes of the real
 * ones (tests/helpers/ggml-model.ts), plus helpers to run a program and read whisper.cpp's timings.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomWhisperModel, type WhisperSize } from '../tests/helpers/ggml-model.ts';

export const ROOT = join(import.meta.dirname, '..');
/** Generated models, audio and the builds of other whisper.cpp versions (never used by npm test or npm start). */
export const BENCH_CACHE = join(ROOT, '.cache', 'bench');

export type RunResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number };

export function runProgram(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (c: Buffer) => out.push(c));
		child.stderr.on('data', (c: Buffer) => err.push(c));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), seconds: (performance.now() - t0) / 1000 });
		});
	});
}

export async function mustRun(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
	const result = await runProgram(cmd, args, options);
	if (result.code !== 0) {
		const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-30).join('\n');
		throw new Error(`${cmd} ${args.join(' ')} failed (${result.signal ?? `exit ${result.code}`}):\n${tail}`);
	}
	return result;
}

/** whisper_print_timings lines (the same wording from whisper.cpp 1.5 to 1.9). */
export type WhisperTimings = {
	loadMs: number | null;
	melMs: number | null;
	encodeMs: number | null;
	encodeRuns: number | null;
	decodeMs: number | null;
	decodeRuns: number | null;
	batchdMs: number | null;
	batchdRuns: number | null;
	sampleMs: number | null;
	totalMs: number | null;
	fallbacks: string | null;
};

export function parseTimings(stderr: string): WhisperTimings {
	const field = (name: string) => {
		const match = new RegExp(`${name} time =\\s*([\\d.]+) ms(?: /\\s*(\\d+) runs)?`).exec(stderr);
		return match ? { ms: Number(match[1]), runs: match[2] === undefined ? null : Number(match[2]) } : null;
	};
	const encode = field('encode');
	const decode = field('decode');
	const batchd = field('batchd');
	return {
		loadMs: field('load')?.ms ?? null,
		melMs: field('mel')?.ms ?? null,
		encodeMs: encode?.ms ?? null,
		encodeRuns: encode?.runs ?? null,
		decodeMs: decode?.ms ?? null,
		decodeRuns: decode?.runs ?? null,
		batchdMs: batchd?.ms ?? null,
		batchdRuns: batchd?.runs ?? null,
		sampleMs: field('sample')?.ms ?? null,
		totalMs: field('total')?.ms ?? null,
		fallbacks: /fallbacks =\s*(.+)/.exec(stderr)?.[1]?.trim() ?? null,
	};
}

/** Spoken by espeak-ng in the transcription and turnaround benchmarks (a giao ban's typical lines). */
export const SENTENCES = [
	'Kính thưa các đồng chí, hôm nay ủy ban nhân dân huyện tổ chức cuộc họp giao ban trực tuyến với các xã và thị trấn.',
	'Đề nghị các xã báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế xã hội trong tháng qua.',
	'Xã Tân Phú đã hoàn thành việc thu hoạch lúa vụ đông xuân, năng suất đạt năm mươi tám tạ trên héc ta.',
	'Về công tác phòng chống thiên tai, các địa phương cần rà soát lại phương án sơ tán dân.',
	'Thị trấn đề nghị huyện hỗ trợ kinh phí sửa chữa tuyến đường liên xã bị sạt lở.',
	'Đồng chí chủ tịch kết luận: giao phòng tài chính kế hoạch tổng hợp và báo cáo trước ngày hai mươi.',
];
const PAUSE_S = 1.5;
export const TARGET_AUDIO_S = 60;

function wavHeader(dataBytes: number, sampleRate: number): Buffer {
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVEfmt ', 8, 'latin1');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20); // PCM
	header.writeUInt16LE(1, 22); // mono
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * 2, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'latin1');
	header.writeUInt32LE(dataBytes, 40);
	return header;
}

/** espeak-ng's own WAV (22050 Hz mono s16): the samples after the `data` chunk header. */
function pcmOf(wav: Buffer): { rate: number; pcm: Buffer } {
	let at = 12;
	let rate = 22050;
	while (at + 8 <= wav.length) {
		const id = wav.toString('latin1', at, at + 4);
		const length = wav.readUInt32LE(at + 4);
		if (id === 'fmt ') {
			rate = wav.readUInt32LE(at + 12);
		}
		if (id === 'data') {
			const end = length === 0 || length === 0xffffffff ? wav.length : Math.min(wav.length, at + 8 + length);
			return { rate, pcm: wav.subarray(at + 8, end) };
		}
		at += 8 + length + (length % 2);
	}
	throw new Error('espeak-ng wrote no data chunk');
}

/**
 * About 60 s of Vietnamese speech (espeak-ng `-v vi`), sentences separated by 1.5 s pauses, as
 * espeak-ng writes it (22050 Hz mono): the input of the product's pipeline (toWhisperWav converts
 * it). Cached in .cache/bench/audio.
 */
export async function speechWav(): Promise<{ file: string; seconds: number }> {
	const dir = join(BENCH_CACHE, 'audio');
	mkdirSync(dir, { recursive: true });
	const file = join(dir, 'vi-speech-60s.wav');
	if (!existsSync(file)) {
		const parts: Buffer[] = [];
		let rate = 22050;
		let seconds = 0;
		for (let i = 0; seconds < TARGET_AUDIO_S; i++) {
			const sentenceFile = join(dir, `sentence-${i % SENTENCES.length}.wav`);
			if (!existsSync(sentenceFile)) {
				await mustRun('espeak-ng', ['-v', 'vi', '-w', sentenceFile, SENTENCES[i % SENTENCES.length]!]);
			}
			const sentence = pcmOf(readFileSync(sentenceFile));
			rate = sentence.rate;
			const pause = Buffer.alloc(Math.round(PAUSE_S * rate) * 2);
			parts.push(sentence.pcm, pause);
			seconds += (sentence.pcm.length + pause.length) / 2 / rate;
		}
		const pcm = Buffer.concat(parts).subarray(0, Math.round(TARGET_AUDIO_S * rate) * 2);
		writeFileSync(`${file}.partial`, Buffer.concat([wavHeader(pcm.length, rate), pcm]));
		renameSync(`${file}.partial`, file);
	}
	const { rate, pcm } = pcmOf(readFileSync(file));
	return { file, seconds: pcm.length / 2 / rate };
}

/** The same speech as 16 kHz mono s16 WAV (what whisper.cpp reads), made once with ffmpeg. */
export async function speechWav16k(input: string): Promise<string> {
	const file = join(BENCH_CACHE, 'audio', 'vi-speech-60s-16k.wav');
	if (!existsSync(file)) {
		await mustRun('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', input, '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', '-f', 'wav', `${file}.partial`]);
		renameSync(`${file}.partial`, file);
	}
	return file;
}

export type ModelKind = 'random' | 'quiet';

/**
 * A generated model: `random` as the helper writes it (its decoder emits nonsense until the
 * 224-token limit of each 30 s window, and the temperature fallback retries it several times),
 * or `quiet`: the same weights, but the decoder's final layer norm always outputs ones and three
 * token embeddings are constant, so every greedy step picks a fixed token: each 30 s window
 * decodes to one word, the <|30.00|> timestamp (twice) and end-of-text, with probabilities near 1
 * (no temperature fallback). A quiet model costs what a real one costs minus the text: loading, the
 * mel spectrogram, the encoder (which does not depend on what is said) and 4 decoder steps per window.
 */
export async function benchModel(size: WhisperSize, kind: ModelKind): Promise<string> {
	const dir = join(BENCH_CACHE, 'models');
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `ggml-${kind}-${size}.bin`);
	if (existsSync(file)) {
		return file;
	}
	const partial = `${file}.partial`;
	writeRandomWhisperModel(partial, { size, seed: 1 });
	if (kind === 'quiet') {
		await quietDecoder(partial);
	}
	renameSync(partial, file);
	return file;
}

// Multilingual vocabulary (whisper.cpp's loader): end-of-text 50257, first timestamp <|0.00|> 50364.
// With the decoder's output fixed at ones, a token's logit is n_state times the value of its row:
// the word (0.5) wins the first step (end-of-text and late timestamps are masked there), <|30.00|>
// (1.0) beats end-of-text (0.9) until two timestamps in a row mask timestamps, then end-of-text wins.
const QUIET_ROWS: [token: number, f16: number][] = [
	[260, 0x3800], // " ban", 0.5
	[50257, 0x3b33], // end-of-text, 0.9
	[50364 + 1500, 0x3c00], // <|30.00|>, 1.0
];

async function quietDecoder(file: string): Promise<void> {
	const handle = await open(file, 'r+');
	try {
		const read = async (position: number, length: number) => (await handle.read(Buffer.alloc(length), 0, length, position)).buffer;
		const { size } = await handle.stat();
		const hparams = await read(4, 44);
		const nState = hparams.readInt32LE(24); // n_text_state
		let at = 4 + 44;
		const [nMels, nFft] = [(await read(at, 8)).readInt32LE(0), (await read(at, 8)).readInt32LE(4)];
		at += 8 + nMels * nFft * 4;
		const nVocab = (await read(at, 4)).readInt32LE(0);
		at += 4;
		for (let i = 0; i < nVocab; i++) {
			at += 4 + (await read(at, 4)).readInt32LE(0);
		}
		const patched = new Set<string>();
		while (at < size) {
			const head = await read(at, 12);
			const [nDims, nameLength, type] = [head.readInt32LE(0), head.readInt32LE(4), head.readInt32LE(8)];
			const dimsBuffer = await read(at + 12, 4 * nDims);
			const dims = Array.from({ length: nDims }, (_, i) => dimsBuffer.readInt32LE(4 * i));
			const name = (await read(at + 12 + 4 * nDims, nameLength)).toString('utf8');
			const dataAt = at + 12 + 4 * nDims + nameLength;
			const bytesPerValue = type === 0 ? 4 : 2;
			const count = dims.reduce((a, b) => a * b, 1);
			if (name === 'decoder.ln.weight' || name === 'decoder.ln.bias') {
				const values = new Float32Array(count).fill(name.endsWith('weight') ? 0 : 1);
				await handle.write(Buffer.from(values.buffer), 0, count * 4, dataAt);
				patched.add(name);
			} else if (name === 'decoder.token_embedding.weight' && type === 1 && dims[0] === nState) {
				for (const [token, value] of QUIET_ROWS) {
					const row = new Uint16Array(nState).fill(value);
					await handle.write(Buffer.from(row.buffer), 0, nState * 2, dataAt + token * nState * 2);
				}
				patched.add(name);
			}
			at = dataAt + count * bytesPerValue;
		}
		if (patched.size !== 3) {
			throw new Error(`quietDecoder: patched only ${[...patched].join(', ')} in ${file}`);
		}
	} finally {
		await handle.close();
	}
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
