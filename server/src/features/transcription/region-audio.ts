import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { runFfmpeg } from './ffmpeg-audio.ts';

export type RegionWavRequest = {
	/** The segments the region lies in, in order and back to back, times on the meeting clock. */
	segments: readonly { path: string; startMs: number; endMs: number }[];
	/** What to cut out, on the meeting clock: [fromMs, toMs). */
	fromMs: number;
	toMs: number;
	/** The WAV to write; it appears only complete. */
	out: string;
	signal?: AbortSignal | undefined;
};

const SAMPLE_RATE = 16_000;

/** A path as an ffconcat `file` directive takes it: quoted, a quote written as '\''. */
export function ffconcatQuote(path: string): string {
	if (/[\n\r]/.test(path)) {
		// The list is read line by line: no quoting can carry a line break.
		throw new Error(`A segment path with a line break cannot be concatenated: ${JSON.stringify(path)}`);
	}
	return `'${path.replace(/'/g, "'\\''")}'`;
}

/**
 * The ffconcat list: every file with a `duration` up to the next one's start on the meeting clock,
 * so that each starts where the clock says even when its last packets are missing (DTX) or a few
 * ms lie between two segments — without it the concat demuxer starts a file where the previous
 * one's packets ended.
 */
export function ffconcatList(segments: RegionWavRequest['segments']): string {
	const lines = ['ffconcat version 1.0'];
	segments.forEach((segment, index) => {
		const untilMs = (segments[index + 1]?.startMs ?? segment.endMs) - segment.startMs;
		lines.push(`file ${ffconcatQuote(resolve(segment.path))}`, `duration ${(untilMs / 1000).toFixed(3)}`);
	});
	return `${lines.join('\n')}\n`;
}

/**
 * Writes [fromMs, toMs) of the meeting clock, cut from a run's segments, as the 16 kHz mono 16-bit
 * WAV whisper takes, exactly toMs − fromMs long (sample-counted trim, padded with silence where the
 * recording has no packets) so that whisper's times plus fromMs are meeting times. The segments go
 * through the concat demuxer (one decoder, no seams) and `aresample=async=1:first_pts=0` (DTX holes
 * become silence, and the first file's start is time 0). Runs niced; written beside, then renamed;
 * an abort kills ffmpeg. Unreadable segments reject with TranscriptionError 'bad-audio'.
 */
export async function regionWav(request: RegionWavRequest): Promise<void> {
	const { segments, fromMs, toMs, signal } = request;
	const first = segments[0];
	const last = segments.at(-1);
	if (!first || !last || fromMs < first.startMs || toMs > last.endMs || toMs <= fromMs) {
		throw new RangeError(`The region ${fromMs}–${toMs} ms does not lie inside its segments (${first?.startMs ?? '?'}–${last?.endMs ?? '?'} ms)`);
	}
	const target = resolve(request.out);
	const partial = `${target}.partial`;
	// Beside the output, not in /tmp: the same disk, and cleaned up with the recording's folder.
	const dir = await mkdtemp(join(dirname(target), '.region-'));
	try {
		const list = join(dir, 'segments.ffconcat');
		await writeFile(list, ffconcatList(segments), { mode: 0o600 });
		const startSample = Math.round(((fromMs - first.startMs) * SAMPLE_RATE) / 1000);
		const endSample = startSample + Math.round(((toMs - fromMs) * SAMPLE_RATE) / 1000);
		const filter = `aresample=${SAMPLE_RATE}:async=1:first_pts=0,apad=whole_len=${endSample},atrim=start_sample=${startSample}:end_sample=${endSample}`;
		const args = [
			...['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'],
			// Absolute paths need -safe 0; the whitelist keeps the list to local files.
			...['-f', 'concat', '-safe', '0', '-protocol_whitelist', 'file', '-i', list],
			...['-map', '0:a:0', '-af', filter, '-ac', '1', '-c:a', 'pcm_s16le', '-f', 'wav', partial],
		];
		await runFfmpeg(args, `cut ${fromMs}–${toMs} ms out of ${segments.length} segment(s) starting with ${first.path}`, { signal });
		await rename(partial, target);
	} finally {
		await rm(partial, { force: true });
		await rm(dir, { recursive: true, force: true });
	}
}
