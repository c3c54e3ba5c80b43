import { resolve } from 'node:path';
import { runFfmpeg } from './ffmpeg-audio.ts';

/** A stretch of speech, in ms from the start of the file analysed. */
export type SpeechSpan = { fromMs: number; toMs: number };

export type SpeechDetection = {
	/** How long the decoded audio is (DTX holes, the leading one too, filled with silence). */
	durationMs: number;
	/** Ordered, not overlapping. */
	speech: SpeechSpan[];
};

export type DetectSpeechOptions = {
	signal?: AbortSignal | undefined;
	/** Sample level below which audio counts as silence, in dBFS; default -35. */
	noiseDb?: number | undefined;
	/** Shortest pause that separates speech, in seconds; default 0.6. */
	minSilenceSec?: number | undefined;
	/** Speech shorter than this (a click, a cough, a door) is left out, except at the file's edges; default 200. */
	minSpeechMs?: number | undefined;
};

const SILENCE_LINE = /^\[silencedetect @ [^\]]*\] silence_(start|end): (-?[\d.]+(?:e[-+]?\d+)?)/;

/**
 * The speech in silencedetect's report: what lies between its silences. A short piece that touches
 * the start or the end of the file is kept, because it may be the edge of a word that continues in
 * the neighbouring segment; the planner decides once it sees both sides.
 */
export function speechBetweenSilences(stderr: string, durationMs: number, minSpeechMs: number): SpeechSpan[] {
	const silences: { fromMs: number; toMs: number }[] = [];
	let openFrom: number | null = null;
	for (const line of stderr.split(/\r?\n|\r/)) {
		const match = SILENCE_LINE.exec(line.trim());
		if (!match) {
			continue;
		}
		const ms = Math.min(durationMs, Math.max(0, Math.round(1000 * Number(match[2]))));
		if (match[1] === 'start') {
			openFrom ??= ms;
		} else if (openFrom !== null) {
			silences.push({ fromMs: openFrom, toMs: ms });
			openFrom = null;
		}
	}
	// Older ffmpeg does not end a silence that lasts to the end of the file.
	if (openFrom !== null) {
		silences.push({ fromMs: openFrom, toMs: durationMs });
	}
	const speech: SpeechSpan[] = [];
	let at = 0;
	for (const silence of [...silences, { fromMs: durationMs, toMs: durationMs }]) {
		if (silence.fromMs > at) {
			speech.push({ fromMs: at, toMs: silence.fromMs });
		}
		at = Math.max(at, silence.toMs);
	}
	return speech.filter((span) => span.toMs - span.fromMs >= minSpeechMs || span.fromMs === 0 || span.toMs === durationMs);
}

/**
 * Where a recording holds speech, so that whisper is run on speech only (it makes up words in long
 * silences, and every second of audio costs CPU on a 2-core machine). ffmpeg's silencedetect after
 * `aresample=async=1:first_pts=0`: Opus DTX sends (almost) nothing while a site is quiet, and those
 * holes, a leading one included, must count as silence rather than be skipped over, or every later
 * time would be early. silencedetect judges single samples, not loudness, so hiss and rumble
 * outside the voice band are filtered off first (measured on Opus: white noise at -39 dBFS RMS read
 * as speech without the band filter, as silence with it, while speech 30 dB below full scale is
 * still found). The length is what ffmpeg decoded (`-progress`, in µs), not the container's claim.
 * Runs niced; a file ffmpeg cannot read rejects with TranscriptionError 'bad-audio'.
 */
export async function detectSpeech(file: string, options: DetectSpeechOptions = {}): Promise<SpeechDetection> {
	const { signal, noiseDb = -35, minSilenceSec = 0.6, minSpeechMs = 200 } = options;
	const filter = `aresample=async=1:first_pts=0,highpass=f=100,lowpass=f=4000,silencedetect=noise=${noiseDb}dB:d=${minSilenceSec}`;
	// -loglevel info: silencedetect reports at that level; -nostats keeps the progress line out of stderr.
	const args = ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info', '-progress', 'pipe:1', '-i', resolve(file), '-map', '0:a:0', '-af', filter, '-f', 'null', '-'];
	let stderr = '';
	let progress = '';
	await runFfmpeg(args, `analyse ${file} for speech`, {
		signal,
		onStderr: (chunk) => {
			stderr += chunk.toString('utf8');
		},
		onStdout: (chunk) => {
			// Only the latest report matters: keep the tail.
			progress = (progress + chunk.toString('utf8')).slice(-4096);
		},
	});
	const reported = [...progress.matchAll(/^out_time_us=(\d+)$/gm)].at(-1)?.[1];
	const durationMs = reported === undefined ? 0 : Math.round(Number(reported) / 1000);
	return { durationMs, speech: speechBetweenSilences(stderr, durationMs, minSpeechMs) };
}
