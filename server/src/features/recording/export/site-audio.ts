import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clipSegments, ffconcat, requireDuration, requireReadable, runFfmpeg, seconds, timelineEntries, writeAtomically, type SegmentFile } from './ffmpeg.ts';

export type { SegmentFile } from './ffmpeg.ts';

export type BuildSiteAudioOptions = {
	/** The site's recorder segments (their first audio stream is used); the order does not matter. */
	segments: readonly SegmentFile[];
	durationMs: number;
	/** The .m4a to write. */
	out: string;
	/** A folder for temporary files; a subfolder is made there and removed afterwards. */
	workDir: string;
	signal?: AbortSignal;
	/** 0..100. */
	onProgress?: (pct: number) => void;
};

/** Mono AAC at 48 kHz, ~48 kbit/s: speech for listening and for transcription, ~21 MB per hour. */
export const SITE_AUDIO_ENCODING = ['-ac', '1', '-ar', '48000', '-c:a', 'aac', '-b:a', '48k'] as const;

/**
 * One site's audio over the whole meeting, as AAC in .m4a (faststart): position t in the file is
 * meeting clock t, whatever was not recorded (muted, disconnected, before the site joined) is
 * silence, and the file is exactly durationMs long. One ffmpeg reads the segments one after the
 * other through the concat demuxer, so an hour's 360 segments cost one process and one open file.
 * `aresample=async` turns holes in the timestamps into silence: those between segments (each
 * concat entry lasts until the next segment starts) and those inside one (Opus DTX sends nothing
 * while a site is quiet); min_hard_comp at one Opus frame fills even short losses at once instead
 * of letting them drift the rest of the file by up to 100 ms.
 */
export async function buildSiteAudio(o: BuildSiteAudioOptions): Promise<{ durationMs: number }> {
	requireDuration(o.durationMs);
	const segments = clipSegments(o.segments, 0, o.durationMs);
	await requireReadable(new Set(segments.map((s) => s.path)));
	const dir = await mkdtemp(join(o.workDir, 'site-audio-'));
	try {
		let input: string[];
		let filter = 'apad';
		if (segments.length === 0) {
			input = ['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono'];
		} else {
			const { entries, leadMs } = timelineEntries(segments, 0, o.durationMs);
			const list = join(dir, 'segments.ffconcat');
			await writeFile(list, ffconcat(entries));
			input = ['-f', 'concat', '-safe', '0', '-i', list, '-map', '0:a:0'];
			filter = `aresample=async=1:min_hard_comp=0.02:first_pts=0,adelay=${Math.round(leadMs)}:all=1,apad`;
		}
		await writeAtomically(o.out, (partial) =>
			runFfmpeg([...input, '-af', filter, '-t', seconds(o.durationMs), ...SITE_AUDIO_ENCODING, '-movflags', '+faststart', '-f', 'mp4', partial], {
				step: `site audio ${o.out}`,
				signal: o.signal,
				expectedMs: o.durationMs,
				onFraction: o.onProgress && ((fraction) => o.onProgress?.(Math.round(fraction * 100))),
			})
		);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
	return { durationMs: o.durationMs };
}
