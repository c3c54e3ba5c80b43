import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Whisper models with random weights in whisper.cpp's ggml file format. No real weights can be
 * downloaded on these machines, and the tests must still run the real whisper-cli end to end: a
 * model of the right architecture loads, encodes and decodes like a trained one (the compute cost
 * does not depend on the weight values), it only says nonsense. Checked against the loader of
 * whisper.cpp 1.9.1 (whisper_model_load in src/whisper.cpp, tensor names in src/whisper-arch.h).
 */

export type WhisperSize = 'tiny' | 'base' | 'small';

const SIZES: Record<WhisperSize, { state: number; heads: number; layers: number }> = {
	tiny: { state: 384, heads: 6, layers: 4 },
	base: { state: 512, heads: 8, layers: 6 },
	small: { state: 768, heads: 12, layers: 12 },
};

const GGML_MAGIC = 0x67676d6c;
const N_VOCAB = 51865; // multilingual: the loader takes 50257 text tokens, the rest are special
const N_TEXT_TOKENS = 50257;
const N_MELS = 80;
const N_FFT = 201;
const TYPE_F32 = 0;
const TYPE_F16 = 1;

/**
 * Text tokens as whisper's byte-level BPE has them: the first 256 are single bytes (so a
 * Vietnamese letter of 2-3 UTF-8 bytes may come out split across tokens, and control bytes can be
 * emitted), then the pieces the decoder's suppression logic looks up (it aborts without " ", " -"
 * and " '"), then Vietnamese syllables and filler.
 */
function vocabulary(): Buffer[] {
	const tokens: Buffer[] = [];
	for (let byte = 0; byte < 256; byte++) {
		tokens.push(Buffer.from([byte]));
	}
	const syllables = ['ủy', 'ban', 'nhân', 'dân', 'xã', 'huyện', 'họp', 'giao', 'ban', 'biên', 'bản', 'đồng', 'chí', 'thị', 'trấn', 'ý', 'kiến', 'phát', 'biểu'];
	for (const text of [' ', ' -', " '", ...syllables.map((s) => ` ${s}`), ...syllables]) {
		tokens.push(Buffer.from(text, 'utf8'));
	}
	while (tokens.length < N_TEXT_TOKENS) {
		tokens.push(Buffer.from(` w${tokens.length}`, 'utf8'));
	}
	return tokens;
}

/** xorshift32: fast, seedable, good enough for weights nobody reads. */
function random(seed: number): () => number {
	let state = seed >>> 0 || 1;
	return () => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) / 0x100000000;
	};
}

type Tensor = { name: string; dims: number[]; type: typeof TYPE_F32 | typeof TYPE_F16; fill: 'random' | 'one' | 'zero' };

function tensors(size: WhisperSize): Tensor[] {
	const { state: n, layers } = SIZES[size];
	const list: Tensor[] = [];
	const f32 = (name: string, dims: number[], fill: Tensor['fill'] = 'random') => list.push({ name, dims, type: TYPE_F32, fill });
	const f16 = (name: string, dims: number[]) => list.push({ name, dims, type: TYPE_F16, fill: 'random' });
	const norm = (prefix: string) => {
		f32(`${prefix}.weight`, [n], 'one');
		f32(`${prefix}.bias`, [n], 'zero');
	};
	const attention = (prefix: string) => {
		f16(`${prefix}.query.weight`, [n, n]);
		f32(`${prefix}.query.bias`, [n]);
		f16(`${prefix}.key.weight`, [n, n]);
		f16(`${prefix}.value.weight`, [n, n]);
		f32(`${prefix}.value.bias`, [n]);
		f16(`${prefix}.out.weight`, [n, n]);
		f32(`${prefix}.out.bias`, [n]);
	};
	const mlp = (prefix: string) => {
		norm(`${prefix}.mlp_ln`);
		f16(`${prefix}.mlp.0.weight`, [n, 4 * n]);
		f32(`${prefix}.mlp.0.bias`, [4 * n]);
		f16(`${prefix}.mlp.2.weight`, [4 * n, n]);
		f32(`${prefix}.mlp.2.bias`, [n]);
	};

	// Dimensions in ggml order (innermost first). The conv biases are [1, n_state], as the loader expects.
	f32('encoder.positional_embedding', [n, 1500]);
	f16('encoder.conv1.weight', [3, N_MELS, n]);
	f32('encoder.conv1.bias', [1, n]);
	f16('encoder.conv2.weight', [3, n, n]);
	f32('encoder.conv2.bias', [1, n]);
	norm('encoder.ln_post');
	for (let i = 0; i < layers; i++) {
		norm(`encoder.blocks.${i}.attn_ln`);
		attention(`encoder.blocks.${i}.attn`);
		mlp(`encoder.blocks.${i}`);
	}
	f32('decoder.positional_embedding', [n, 448]);
	f16('decoder.token_embedding.weight', [n, N_VOCAB]);
	norm('decoder.ln');
	for (let i = 0; i < layers; i++) {
		norm(`decoder.blocks.${i}.attn_ln`);
		attention(`decoder.blocks.${i}.attn`);
		norm(`decoder.blocks.${i}.cross_attn_ln`);
		attention(`decoder.blocks.${i}.cross_attn`);
		mlp(`decoder.blocks.${i}`);
	}
	return list;
}

function int32s(values: number[]): Buffer {
	const buffer = Buffer.alloc(4 * values.length);
	values.forEach((value, i) => buffer.writeInt32LE(value, 4 * i));
	return buffer;
}

function tensorData(tensor: Tensor, next: () => number): Buffer {
	const count = tensor.dims.reduce((a, b) => a * b, 1);
	if (tensor.type === TYPE_F16) {
		// Half floats written as bits: random sign, exponent 2^-10..2^-5, random mantissa, so
		// |w| < 0.0625 and activations stay finite through every layer.
		const bits = new Uint16Array(count);
		for (let i = 0; i < count; i++) {
			const r = next();
			const sign = r < 0.5 ? 0x8000 : 0;
			const exponent = 5 + Math.floor(next() * 6);
			bits[i] = sign | (exponent << 10) | Math.floor(((r * 2) % 1) * 1024);
		}
		return Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength);
	}
	const values = new Float32Array(count);
	if (tensor.fill === 'one') {
		values.fill(1);
	} else if (tensor.fill === 'random') {
		for (let i = 0; i < count; i++) {
			values[i] = (next() - 0.5) * 0.1;
		}
	}
	return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Writes a random-weight whisper model of the given architecture (tiny: 78 MB, about 1.5 s). */
export function writeRandomWhisperModel(file: string, { size = 'tiny', seed = 1 }: { size?: WhisperSize; seed?: number } = {}): void {
	const { state, heads, layers } = SIZES[size];
	const next = random(seed);
	const fd = openSync(file, 'w');
	try {
		const header = Buffer.alloc(4);
		header.writeUInt32LE(GGML_MAGIC, 0);
		writeSync(fd, header);
		// n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx,
		// n_text_state, n_text_head, n_text_layer, n_mels, ftype (1: mostly f16)
		writeSync(fd, int32s([N_VOCAB, 1500, state, heads, layers, 448, state, heads, layers, N_MELS, 1]));

		const filters = new Float32Array(N_MELS * N_FFT);
		for (let i = 0; i < filters.length; i++) {
			filters[i] = next() * 0.01;
		}
		writeSync(fd, int32s([N_MELS, N_FFT]));
		writeSync(fd, Buffer.from(filters.buffer));

		const tokens = vocabulary();
		writeSync(fd, int32s([tokens.length]));
		for (const token of tokens) {
			writeSync(fd, Buffer.concat([int32s([token.length]), token]));
		}

		for (const tensor of tensors(size)) {
			const name = Buffer.from(tensor.name, 'utf8');
			writeSync(fd, Buffer.concat([int32s([tensor.dims.length, name.length, tensor.type, ...tensor.dims]), name]));
			writeSync(fd, tensorData(tensor, next));
		}
	} finally {
		closeSync(fd);
	}
}
