import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runFfmpeg } from './ffmpeg-audio.ts';

/**
 * Converts any audio ffmpeg reads (the recorder's Opus in Matroska, a WAV) into what whisper.cpp
 * takes: 16 kHz mono 16-bit PCM WAV. `aresample=async=1` fills gaps in the timestamps with
 * silence: a microphone with Opus DTX sends nothing while its site is quiet, and without it those
 * pauses would collapse and shift every later word's time. Runs at the lowest CPU priority
 * (spawnNiced); the output appears only complete (written beside, then renamed), and an abort
 * kills ffmpeg.
 */
export async function toWhisperWav(input: string, output: string, signal?: AbortSignal): Promise<void> {
	const target = resolve(output);
	const partial = `${target}.partial`;
	try {
		const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', resolve(input), '-map', '0:a:0', '-af', 'aresample=async=1:first_pts=0', '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', '-f', 'wav', partial];
		await runFfmpeg(args, `convert ${input} for transcription`, signal ? { signal } : {});
		await rename(partial, target);
	} finally {
		await rm(partial, { force: true });
	}
}

/**
 * The length of a PCM WAV file in ms, from its header (the `fmt ` chunk's byte rate and the `data`
 * chunk's size, whatever chunks ffmpeg puts between them); null when it is not a WAV file.
 */
export async function wavDurationMs(path: string): Promise<number | null> {
	const handle = await open(path, 'r');
	try {
		const { size } = await handle.stat();
		const { buffer, bytesRead } = await handle.read(Buffer.alloc(Math.min(size, 64 * 1024)), 0, Math.min(size, 64 * 1024), 0);
		const header = buffer.subarray(0, bytesRead);
		if (header.length < 12 || header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WAVE') {
			return null;
		}
		let byteRate = 0;
		for (let at = 12; at + 8 <= header.length; ) {
			const id = header.toString('latin1', at, at + 4);
			const length = header.readUInt32LE(at + 4);
			if (id === 'fmt ' && at + 20 <= header.length) {
				byteRate = header.readUInt32LE(at + 16);
			} else if (id === 'data') {
				// A writer that could not seek back leaves the size unset (0 or 0xFFFFFFFF): the rest of the file.
				const bytes = length === 0 || length === 0xffffffff ? size - (at + 8) : Math.min(length, size - (at + 8));
				return byteRate > 0 ? (1000 * bytes) / byteRate : null;
			}
			at += 8 + length + (length % 2); // chunks are padded to an even length
		}
		return null;
	} finally {
		await handle.close();
	}
}
