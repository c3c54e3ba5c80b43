import { access, constants, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { spawnNiced, type SpawnResult } from '../../../lib/spawn-niced.ts';
import { lastLines } from '../../../lib/last-lines.ts';

/**
 * Why an export failed. 'no-program' (ffmpeg missing) and 'bad-input' (a file missing, unreadable
 * or not media, arguments that make no sense) fail the same way on every retry; 'failed' (ffmpeg
 * crashed, disk full) may succeed on another try.
 */
export type MediaExportProblem = 'no-program' | 'bad-input' | 'failed';

/** A background job's error: the message names the step and ends with ffmpeg's last stderr lines. */
export class MediaExportError extends Error {
	readonly code: MediaExportProblem;

	constructor(code: MediaExportProblem, message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'MediaExportError';
		this.code = code;
	}

	/** Whether trying the same work again may succeed without anyone changing anything. */
	get retryable(): boolean {
		return this.code === 'failed';
	}
}

/** A stretch of one site's recording on the meeting clock (ms since the meeting started). */
export type SegmentFile = { path: string; startMs: number; endMs: number };


// What ffmpeg says when an input, not ffmpeg or the machine, is at fault (ffmpeg 5.1 wording).
const BAD_INPUT = [
	/Invalid data found when processing input/i,
	/No such file or directory/i,
	/does not contain any stream/i,
	/matches no streams/i,
	/Impossible to open/i,
	/EBML header parsing failed/i,
	/moov atom not found/i,
];

export type RunFfmpegOptions = {
	/** For error messages: what this run was making. */
	step: string;
	signal?: AbortSignal;
	cwd?: string;
	/** The length of the output in ms, to turn ffmpeg's out_time into a fraction. */
	expectedMs?: number;
	/** Called with 0..1 from ffmpeg's `-progress` lines; without it no progress is asked for. */
	onFraction?: (fraction: number) => void;
};

/**
 * Runs ffmpeg niced (spawnNiced: own process group, an abort kills it) with the arguments after
 * the common head (-nostdin, errors only, overwrite). Any failure becomes a MediaExportError; an
 * abort rejects with the signal's reason, as spawnNiced does.
 */
export async function runFfmpeg(args: readonly string[], options: RunFfmpegOptions): Promise<void> {
	const { step, expectedMs, onFraction } = options;
	const progress = onFraction !== undefined && expectedMs !== undefined && expectedMs > 0;
	const head = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...(progress ? ['-progress', 'pipe:1', '-nostats'] : [])];
	let pending = '';
	const onStdout = progress
		? (chunk: Buffer): void => {
				pending += chunk.toString('latin1');
				const lines = pending.split('\n');
				pending = lines.pop() ?? '';
				for (const line of lines) {
					// ffmpeg 5.1 prints microseconds under both names (out_time_ms is misnamed).
					const match = /^out_time_us=(\d+)/.exec(line);
					if (match) {
						onFraction(Math.min(1, Number(match[1]) / 1000 / expectedMs));
					}
				}
			}
		: undefined;
	let outcome: SpawnResult;
	try {
		outcome = await spawnNiced('ffmpeg', [...head, ...args], { signal: options.signal, cwd: options.cwd, onStdout, stderrTailChars: 2000 });
	} catch (error) {
		// ENOENT when not even `nice` was found and ffmpeg was started directly.
		if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.signal?.aborted) {
			throw new MediaExportError('no-program', `${step}: ffmpeg is not installed (Debian's ffmpeg; the setup installs it)`);
		}
		throw error;
	}
	// nice's own exit codes when it cannot run the program.
	if (outcome.exitCode === 126 || outcome.exitCode === 127) {
		throw new MediaExportError('no-program', `${step}: ffmpeg could not be run: ${lastLines(outcome.stderrTail)}`);
	}
	if (outcome.exitCode !== 0) {
		const tail = lastLines(outcome.stderrTail);
		const code = BAD_INPUT.some((pattern) => pattern.test(outcome.stderrTail)) ? 'bad-input' : 'failed';
		throw new MediaExportError(code, `${step}: ffmpeg ${outcome.signal ?? `exit ${outcome.exitCode}`}: ${tail}`);
	}
	onFraction?.(1);
}

/** The first audio stream's codec name (e.g. 'aac', 'opus'), or null when there is none or ffprobe fails. */
export async function probeAudioCodec(path: string, signal?: AbortSignal): Promise<string | null> {
	let out = '';
	try {
		const result = await spawnNiced('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', path], {
			signal,
			onStdout: (chunk) => (out += chunk.toString('utf8')),
		});
		return result.exitCode === 0 && out.trim() !== '' ? out.trim() : null;
	} catch (error) {
		if (signal?.aborted) {
			throw error;
		}
		return null;
	}
}

/**
 * Runs `write` on `<out>.partial` and renames it to `out` only once it succeeded: a killed or
 * failed job leaves nothing under the real name, and no partial file either.
 */
export async function writeAtomically(out: string, write: (partial: string) => Promise<void>): Promise<void> {
	const target = resolve(out);
	const partial = `${target}.partial`;
	try {
		await write(partial);
		await rename(partial, target);
	} finally {
		await rm(partial, { force: true });
	}
}

/** Throws 'bad-input' naming the first file that cannot be read. */
export async function requireReadable(paths: Iterable<string>): Promise<void> {
	for (const path of paths) {
		try {
			await access(path, constants.R_OK);
		} catch {
			throw new MediaExportError('bad-input', `Cannot read ${path}`);
		}
	}
}

export function requireDuration(durationMs: number): void {
	if (!Number.isFinite(durationMs) || durationMs <= 0) {
		throw new MediaExportError('bad-input', `The export length must be a positive number of ms, not ${durationMs}`);
	}
}

/** Seconds for an ffmpeg option or an ffconcat directive, to the ms. */
export function seconds(ms: number): string {
	return (Math.max(0, ms) / 1000).toFixed(3);
}

export type ConcatEntry = { path: string; inpointMs?: number; outpointMs?: number; durationMs?: number };

/**
 * An ffconcat list (read with `-f concat -safe 0`). Paths are made absolute and single-quoted, so
 * spaces, quotes and backslashes in them are taken literally; a line break cannot be quoted and is
 * refused.
 */
export function ffconcat(entries: readonly ConcatEntry[]): string {
	const lines = ['ffconcat version 1.0'];
	for (const entry of entries) {
		const path = resolve(entry.path);
		if (/[\r\n]/.test(path)) {
			throw new MediaExportError('bad-input', `A file name with a line break cannot be exported: ${JSON.stringify(path)}`);
		}
		lines.push(`file '${path.replaceAll("'", "'\\''")}'`);
		if (entry.inpointMs !== undefined && entry.inpointMs > 0) {
			lines.push(`inpoint ${seconds(entry.inpointMs)}`);
		}
		if (entry.outpointMs !== undefined) {
			lines.push(`outpoint ${seconds(entry.outpointMs)}`);
		}
		if (entry.durationMs !== undefined) {
			lines.push(`duration ${seconds(entry.durationMs)}`);
		}
	}
	return `${lines.join('\n')}\n`;
}

/**
 * Segments cut to [fromMs, toMs), sorted, an overlap given to the earlier one, empty ones dropped:
 * `inpointMs` is where the kept part starts inside the file.
 */
export function clipSegments(segments: readonly SegmentFile[], fromMs: number, toMs: number): (SegmentFile & { inpointMs: number })[] {
	const sorted = segments.filter((s) => Number.isFinite(s.startMs) && Number.isFinite(s.endMs)).toSorted((a, b) => a.startMs - b.startMs);
	const kept: (SegmentFile & { inpointMs: number })[] = [];
	let cursor = fromMs;
	for (const segment of sorted) {
		const startMs = Math.max(segment.startMs, cursor);
		const endMs = Math.min(segment.endMs, toMs);
		if (endMs - startMs < 1) {
			continue;
		}
		kept.push({ path: segment.path, startMs, endMs, inpointMs: startMs - segment.startMs });
		cursor = endMs;
	}
	return kept;
}

/**
 * Concat entries that put each segment at its place on a timeline starting at `fromMs`: each
 * entry declares its length as "until the next segment starts", so the concat demuxer leaves the
 * gaps as holes in the timestamps (measured on 5.1: starts land within ~10 ms), and its outpoint
 * keeps a segment a little longer than its metadata from overlapping the next one. The first
 * entry starts at 0 on the output: returns how late the first segment starts (ms) to delay it by.
 */
export function timelineEntries(segments: readonly (SegmentFile & { inpointMs: number })[], fromMs: number, toMs: number): { entries: ConcatEntry[]; leadMs: number } {
	const entries = segments.map((segment, i): ConcatEntry => {
		const nextStartMs = segments[i + 1]?.startMs ?? toMs;
		return {
			path: segment.path,
			inpointMs: segment.inpointMs,
			outpointMs: segment.inpointMs + (Math.min(segment.endMs, nextStartMs) - segment.startMs),
			durationMs: nextStartMs - segment.startMs,
		};
	});
	return { entries, leadMs: segments.length > 0 ? segments[0]!.startMs - fromMs : 0 };
}
