import { constants } from 'node:fs';
import { access, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/env.ts';
import { spawnNiced, type SpawnResult } from '../../lib/spawn-niced.ts';
import { lastLines } from '../../lib/last-lines.ts';
import { TranscriptionError } from './transcription-errors.ts';
import { parseWhisperJson, type TranscriptSegment } from './whisper-output.ts';
import { wavDurationMs } from './whisper-wav.ts';

export type { TranscriptSegment } from './whisper-output.ts';

export type Transcript = { segments: TranscriptSegment[] };

export type WhisperSettings = {
	/** The whisper-cli program (WHISPER_CLI). */
	cli: string;
	/** The ggml model file (WHISPER_MODEL); null when none is configured. */
	model: string | null;
	/** Spoken language, forced (WHISPER_LANGUAGE). */
	language: string;
	/** CPU threads (WHISPER_THREADS). */
	threads: number;
};

export type TranscribeRequest = WhisperSettings & {
	/** 16 kHz mono 16-bit WAV, as toWhisperWav writes it. */
	wavPath: string;
	/** Kills whisper-cli; the promise then rejects with the signal's reason once the process is gone. */
	signal?: AbortSignal | undefined;
	/** Added to every time returned: where this audio starts on the caller's clock (e.g. the meeting's). */
	offsetMs?: number | undefined;
};

export function whisperSettings(config: Config['transcription']): WhisperSettings {
	return { cli: config.whisperCli, model: config.model, language: config.language, threads: config.threads };
}

/** "ggml" as whisper.cpp writes it: the uint32 0x67676d6c, little-endian. */
const GGML_MAGIC = 0x67676d6c;

export async function checkModel(model: string | null): Promise<string> {
	if (model === null) {
		throw new TranscriptionError(
			'no-model',
			'No speech-to-text model is configured: set WHISPER_MODEL to a whisper.cpp ggml model file (README, "Speech-to-text models")'
		);
	}
	let magic: number;
	try {
		const handle = await open(model, 'r');
		try {
			const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
			magic = bytesRead === 4 ? buffer.readUInt32LE(0) : -1;
		} finally {
			await handle.close();
		}
	} catch (error) {
		throw new TranscriptionError('model-missing', `Cannot read the speech-to-text model ${model} (WHISPER_MODEL): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	if (magic !== GGML_MAGIC) {
		throw new TranscriptionError('model-invalid', `The speech-to-text model ${model} is not a whisper.cpp ggml model (WHISPER_MODEL)`);
	}
	return model;
}

async function checkProgram(cli: string): Promise<void> {
	try {
		await access(cli, constants.X_OK);
	} catch {
		throw new TranscriptionError(
			'no-program',
			`whisper-cli is missing or not executable at ${cli}: run the setup (npm start, npm test or npm run setup), which builds it, or set WHISPER_CLI`
		);
	}
}

/** Turns whisper-cli's exit into an error, or returns the JSON result it wrote. */
async function judge(outcome: SpawnResult, request: { cli: string; model: string; wavPath: string }, jsonPath: string): Promise<Buffer> {
	const said = lastLines(outcome.stderrTail);
	if (outcome.exitCode === 126 || outcome.exitCode === 127) {
		// nice's own exit codes: the program could not be run at all.
		throw new TranscriptionError('no-program', `whisper-cli could not be run at ${request.cli}: ${said}`);
	}
	if (outcome.signal !== null) {
		const hint = outcome.signal === 'SIGILL' ? ' (built for another CPU? run the setup again on this machine)' : '';
		throw new TranscriptionError('failed', `whisper-cli died with ${outcome.signal}${hint}: ${said}`);
	}
	if (outcome.exitCode === 3 && outcome.stderrTail.includes('failed to initialize whisper context')) {
		throw new TranscriptionError('model-invalid', `The speech-to-text model ${request.model} could not be loaded: damaged, truncated or not a whisper.cpp model (WHISPER_MODEL)`);
	}
	if (outcome.exitCode !== 0) {
		throw new TranscriptionError('failed', `whisper-cli failed (exit ${outcome.exitCode}): ${said}`);
	}
	try {
		return await readFile(jsonPath);
	} catch {
		// whisper-cli skips an input it cannot read and still exits 0.
		if (outcome.stderrTail.includes('failed to read audio file') || outcome.stderrTail.includes('input file not found')) {
			throw new TranscriptionError('bad-audio', `whisper-cli could not read the audio ${request.wavPath}: ${said}`);
		}
		throw new TranscriptionError('failed', `whisper-cli wrote no result: ${said}`);
	}
}

/**
 * Transcribes one WAV file with whisper.cpp's whisper-cli, run as a separate process at the lowest
 * CPU priority: a crash or an out-of-memory kill of the recogniser cannot take a meeting down, and
 * an abort kills it at once. Greedy decoding (`-bs 1`): beam search costs several times more on 2
 * cores for little gain. Problems of configuration or input reject with a TranscriptionError.
 */
export async function transcribe(request: TranscribeRequest): Promise<Transcript> {
	request.signal?.throwIfAborted();
	const model = resolve(await checkModel(request.model));
	await checkProgram(request.cli);
	const wavPath = resolve(request.wavPath);
	let durationMs: number | null;
	try {
		durationMs = await wavDurationMs(wavPath);
	} catch (error) {
		throw new TranscriptionError('bad-audio', `Cannot read the audio to transcribe ${wavPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	// The duration keeps whisper's times inside the audio; toWhisperWav writes the WAV it needs.
	if (durationMs === null) {
		throw new TranscriptionError('bad-audio', `The audio to transcribe is not a PCM WAV file: ${wavPath} (convert it with toWhisperWav)`);
	}

	const dir = await mkdtemp(join(tmpdir(), 'giaoban-whisper-'));
	try {
		const base = join(dir, 'result');
		// -ojf: segments with offsets in ms and every token with its probability; -np: no progress
		// or timing chatter on stderr, which then holds only errors.
		const args = ['-m', model, '-f', wavPath, '-l', request.language, '-t', String(request.threads), '-bs', '1', '-ojf', '-of', base, '-np'];
		// whisper-cli has nothing to save on SIGTERM: a short grace before SIGKILL.
		const outcome = await spawnNiced(request.cli, args, { signal: request.signal, killGraceMs: 1000 });
		const json = await judge(outcome, { cli: request.cli, model, wavPath }, `${base}.json`);
		try {
			return { segments: parseWhisperJson(json, { offsetMs: request.offsetMs ?? 0, durationMs }) };
		} catch (error) {
			throw new TranscriptionError('failed', (error as Error).message);
		}
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
