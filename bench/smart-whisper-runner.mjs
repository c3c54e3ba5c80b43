// Runs smart-whisper's addon in its own process for bench/whisper-versions.ts:
// node smart-whisper-runner.mjs <addon .node> <model> <16 kHz WAV> <threads>
// Prints one JSON line: model load and transcription times (ms) and the segment count.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [addonPath, model, wav, threads] = process.argv.slice(2);
const binding = createRequire(import.meta.url)(addonPath);

/** 16-bit PCM samples of a WAV file as floats in [-1, 1). */
function samples(file) {
	const data = readFileSync(file);
	let at = 12;
	while (at + 8 <= data.length) {
		const id = data.toString('latin1', at, at + 4);
		const length = data.readUInt32LE(at + 4);
		if (id === 'data') {
			const pcm = new Int16Array(data.buffer.slice(data.byteOffset + at + 8, data.byteOffset + at + 8 + length));
			return Float32Array.from(pcm, (s) => s / 32768);
		}
		at += 8 + length + (length % 2);
	}
	throw new Error(`${file}: no data chunk`);
}

const pcm = samples(wav);
const t0 = performance.now();
// WhisperModel.load(path, gpu) resolves to a model whose handle the transcribe binding takes.
const loaded = await binding.WhisperModel.load(model, false);
const t1 = performance.now();
// Greedy like the others; smart-whisper's default would be beam search.
const params = { strategy: 0, best_of: 5, n_threads: Number(threads), language: 'vi', format: 'simple' };
const segments = await new Promise((resolve, reject) => {
	try {
		binding.transcribe(loaded.handle, pcm, params, (results) => resolve(results), () => {});
	} catch (error) {
		reject(error);
	}
});
const t2 = performance.now();
await loaded.free();
process.stdout.write(`${JSON.stringify({ loadMs: t1 - t0, transcribeMs: t2 - t1, segments: Array.isArray(segments) ? segments.length : -1 })}\n`);
