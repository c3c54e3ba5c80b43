import { existsSync } from 'node:fs';
import { access, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
	clipSegments,
	ffconcat,
	MediaExportError,
	probeAudioCodec,
	requireDuration,
	requireReadable,
	runFfmpeg,
	seconds,
	timelineEntries,
	writeAtomically,
	type SegmentFile,
} from './ffmpeg.ts';

export type { SegmentFile } from './ffmpeg.ts';

export type TimedShot = { fromMs: number; toMs: number };

/** Who is on screen from fromMs to toMs (meeting clock). */
export type SpeakerShot = TimedShot & {
	/** The unit's name, drawn on the picture. */
	label: string;
	/**
	 * That site's video segments; all of the site's segments is fine (only those overlapping the
	 * shot are read). Empty or null: a card with the label.
	 */
	video: readonly SegmentFile[] | null;
};

export type PlanShotsOptions<T> = {
	durationMs: number;
	/** Shots shorter than this are given to a neighbour; default 2000. */
	minShotMs?: number;
	/** Whether two shots show the same thing, so that neighbours can be joined; default: never. */
	sameSource?: (a: T, b: T) => boolean;
};

/**
 * Turns speaker intervals into shots that tile [0, durationMs): sorted and cut to the meeting, an
 * overlap given to the earlier shot, a hole given to the shot before it (the last speaker stays on
 * screen while nobody talks; one at the start to the first shot), neighbours with the same source
 * joined, and a shot shorter than minShotMs given to the shot before it (the first one to the one
 * after it). A blip of someone else inside one speaker's turn thus disappears, and each shot costs
 * one ffmpeg run, so an hour makes at most durationMs / minShotMs of them. Linear; returns copies.
 */
export function planShots<T extends TimedShot>(shots: readonly T[], o: PlanShotsOptions<T>): T[] {
	const minShotMs = o.minShotMs ?? 2000;
	const same = o.sameSource ?? (() => false);
	const sorted = shots
		.filter((shot) => Number.isFinite(shot.fromMs) && Number.isFinite(shot.toMs))
		.map((shot) => ({ ...shot, fromMs: Math.max(0, shot.fromMs), toMs: Math.min(o.durationMs, shot.toMs) }))
		.toSorted((a, b) => a.fromMs - b.fromMs);
	const out: T[] = [];
	for (const shot of sorted) {
		const last = out.at(-1);
		if (last) {
			shot.fromMs = Math.max(shot.fromMs, last.toMs);
		}
		if (shot.toMs <= shot.fromMs) {
			continue;
		}
		if (!last) {
			shot.fromMs = 0;
			out.push(shot);
			continue;
		}
		last.toMs = shot.fromMs;
		if (same(last, shot) || shot.toMs - shot.fromMs < minShotMs) {
			last.toMs = shot.toMs;
		} else if (out.length === 1 && last.toMs - last.fromMs < minShotMs) {
			shot.fromMs = last.fromMs;
			out[0] = shot;
		} else {
			out.push(shot);
		}
	}
	const last = out.at(-1);
	if (last) {
		last.toMs = o.durationMs;
	}
	return out;
}

export type RenderSpeakerVideoOptions = {
	durationMs: number;
	/** Who is shown when; need not be planned (renderSpeakerVideo plans them with planShots). */
	shots: readonly SpeakerShot[];
	/** The meeting's audio (mixAudio's .m4a: copied as it is; other codecs are encoded to AAC); null: a silent track. */
	audio: string | null;
	/** The .mp4 to write. */
	out: string;
	/** A folder for temporary files; a subfolder is made there and removed afterwards. */
	workDir: string;
	signal?: AbortSignal;
	/** 0..100. */
	onProgress?: (pct: number) => void;
	/** Shots shorter than this are merged into a neighbour; default 2000. */
	minShotMs?: number;
	/** A TrueType font with Vietnamese glyphs; default the first of FONT_CANDIDATES installed; null: no text. */
	fontFile?: string | null;
};

export type RenderSpeakerVideoResult = {
	durationMs: number;
	/** ffmpeg runs for shots after planning. */
	shots: number;
	/** Shots whose video could not be read and that show the label card instead. */
	fallbackShots: number;
};

export const VIDEO_WIDTH = 640;
export const VIDEO_HEIGHT = 360;
export const VIDEO_FPS = 15;

/**
 * Fonts of Debian packages that cover Vietnamese (precomposed letters with diacritics); drawtext
 * has no shaping, so labels are NFC-normalised before drawing. fonts-dejavu-core comes with
 * fontconfig, which ffmpeg depends on.
 */
export const FONT_CANDIDATES = [
	'/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
	'/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
	'/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf',
	'/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
	'/usr/share/fonts/truetype/freefont/FreeSans.ttf',
];

// Every clip is encoded the same way (same SPS/PPS, time base, frame rate), which is what lets the
// concat demuxer join them with -c copy. Level pinned so that it cannot differ between clips.
const CLIP_ENCODING = [
	'-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-level:v', '3.1', '-crf', '27', '-maxrate', '900k', '-bufsize', '1800k',
	'-g', String(VIDEO_FPS * 5), '-pix_fmt', 'yuv420p', '-video_track_timescale', String(VIDEO_FPS * 1024), '-an', '-f', 'mp4',
];

const BACKGROUND = `color=c=0x1f2328:s=${VIDEO_WIDTH}x${VIDEO_HEIGHT}:r=${VIDEO_FPS}`;
const FONT_LINK = 'font.ttf';

// Shot boundaries are put on one frame grid for the whole meeting, so that rounding each clip to
// whole frames cannot add up to drift over a thousand shots.
function frameAt(ms: number): number {
	return Math.round((ms * VIDEO_FPS) / 1000);
}

function sameShotSource(a: SpeakerShot, b: SpeakerShot): boolean {
	if (a.label !== b.label) {
		return false;
	}
	const [va, vb] = [a.video ?? [], b.video ?? []];
	return va === vb || (va.length === vb.length && va.every((s, i) => s.path === vb[i]?.path && s.startMs === vb[i]?.startMs));
}

/**
 * An overlay `enable` expression true while a segment covers the time (s from the shot's start):
 * in a gap between segments overlay would otherwise hold the last frame, which for a camera
 * switched off for minutes shows a picture that is no longer true.
 */
function shownWhile(segments: readonly SegmentFile[], fromMs: number): string {
	const spans: [number, number][] = [];
	for (const segment of segments) {
		const last = spans.at(-1);
		// Back-to-back segments (the recorder's usual 10-s cuts) make one span.
		if (last && segment.startMs - last[1] < 100) {
			last[1] = segment.endMs;
		} else {
			spans.push([segment.startMs, segment.endMs]);
		}
	}
	return spans.map(([start, end]) => `between(t,${seconds(start - fromMs)},${seconds(end - fromMs)})`).join('+');
}

function labelText(label: string): string {
	return label.normalize('NFC').replace(/\s+/g, ' ').trim();
}

// drawtext options are taken from files in the clip's working folder (the label through textfile,
// the font through a symlink), so no label or path ever needs filtergraph escaping.
function drawLabel(textFile: string, label: string, placement: 'card' | 'caption'): string {
	const common = `fontfile=${FONT_LINK}:textfile=${textFile}:expansion=none:fontcolor=white`;
	if (placement === 'caption') {
		return `drawtext=${common}:fontsize=20:box=1:boxcolor=black@0.55:boxborderw=6:x=12:y=h-th-18`;
	}
	// DejaVu Sans averages ~0.6 em per letter: keep a long name on the 640-pixel card.
	const size = Math.max(14, Math.min(40, Math.floor(600 / (0.6 * Math.max(1, [...label].length)))));
	return `drawtext=${common}:fontsize=${size}:x=(w-text_w)/2:y=(h-text_h)/2`;
}

async function findFont(fontFile: string | null | undefined): Promise<string | null> {
	if (fontFile === null) {
		return null;
	}
	if (fontFile !== undefined) {
		await requireReadable([fontFile]);
		return resolve(fontFile);
	}
	return FONT_CANDIDATES.find((candidate) => existsSync(candidate)) ?? null;
}

async function readable(path: string): Promise<boolean> {
	try {
		await access(path);
		return true;
	} catch {
		return false;
	}
}

/**
 * A speaker-view MP4: 640×360 H.264 (yuv420p, 15 fps) with AAC audio, faststart, durationMs long.
 * Sites differ in codec, size and keyframes, so the picture is re-encoded, but linearly: one shot
 * at a time, each a clip from one ffmpeg that decodes only that site's segments (the concat
 * demuxer opens one at a time; the first seeks to the shot's start), scaled and padded to 640×360
 * over a dark background (seen where the site sent no video) with its name as a caption. A shot
 * without video is a card with the name. The clips are then joined with -c copy and muxed with the
 * audio: at most one ffmpeg and one video decoder at any time, however many sites and shots.
 */
export async function renderSpeakerVideo(o: RenderSpeakerVideoOptions): Promise<RenderSpeakerVideoResult> {
	requireDuration(o.durationMs);
	if (o.audio !== null) {
		await requireReadable([o.audio]);
	}
	const font = await findFont(o.fontFile);
	const plan = planShots(o.shots, { durationMs: o.durationMs, minShotMs: o.minShotMs, sameSource: sameShotSource });
	if (plan.length === 0) {
		plan.push({ fromMs: 0, toMs: o.durationMs, label: '', video: null });
	}
	const totalFrames = frameAt(o.durationMs);
	const report = (pct: number): void => o.onProgress?.(Math.round(pct));
	const dir = await mkdtemp(join(o.workDir, 'speaker-video-'));
	try {
		if (font) {
			await symlink(font, join(dir, FONT_LINK));
		}
		const clips: string[] = [];
		let fallbackShots = 0;
		let doneFrames = 0;
		for (const [i, shot] of plan.entries()) {
			const frames = frameAt(shot.toMs) - frameAt(shot.fromMs);
			if (frames <= 0) {
				continue;
			}
			const label = labelText(shot.label);
			const textFile = `label-${i}.txt`;
			await writeFile(join(dir, textFile), label);
			const clip = join(dir, `clip-${i}.mp4`);
			const fromMs = (frameAt(shot.fromMs) * 1000) / VIDEO_FPS;
			const toMs = fromMs + (frames * 1000) / VIDEO_FPS;
			const segments = [];
			for (const segment of clipSegments(shot.video ?? [], fromMs, toMs)) {
				// A lost segment is a hole in the picture, as a muted camera is.
				if (await readable(segment.path)) {
					segments.push(segment);
				}
			}
			const run = { signal: o.signal, cwd: dir, expectedMs: toMs - fromMs, onFraction: (f: number) => report((95 * (doneFrames + f * frames)) / Math.max(1, totalFrames)) };
			const text = (placement: 'card' | 'caption', enable?: string): string =>
				font && label !== '' ? `,${drawLabel(textFile, label, placement)}${enable === undefined ? '' : `:enable='${enable}'`}` : '';
			const card = (): Promise<void> =>
				runFfmpeg(['-filter_complex', `${BACKGROUND}${text('card')},format=yuv420p[out]`, '-map', '[out]', '-frames:v', String(frames), ...CLIP_ENCODING, clip], {
					...run,
					step: `speaker video card ${i}`,
				});
			if (segments.length === 0) {
				await card();
			} else {
				const { entries, leadMs } = timelineEntries(segments, fromMs, toMs);
				const list = `shot-${i}.ffconcat`;
				await writeFile(join(dir, list), ffconcat(entries));
				const shown = shownWhile(segments, fromMs);
				const picture =
					`${BACKGROUND}[bg];` +
					`[0:v:0]scale=${VIDEO_WIDTH}:${VIDEO_HEIGHT}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
					`pad=${VIDEO_WIDTH}:${VIDEO_HEIGHT}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,setpts=PTS+${seconds(leadMs)}/TB[v];` +
					`[bg][v]overlay=eof_action=pass:repeatlast=0:enable='${shown}'${text('caption', shown)}${text('card', `not(${shown})`)},format=yuv420p[out]`;
				try {
					// -copyts: the concat demuxer puts the shot's start at 0 and the frames decoded from the
					// keyframe before it below 0; without it ffmpeg would shift them all up to start at 0.
					await runFfmpeg(['-copyts', '-f', 'concat', '-safe', '0', '-i', list, '-filter_complex', picture, '-map', '[out]', '-frames:v', String(frames), ...CLIP_ENCODING, clip], {
						...run,
						step: `speaker video shot ${i} (${label})`,
					});
				} catch (error) {
					// One damaged segment must not cost the whole meeting's video: that shot shows the card.
					if (!(error instanceof MediaExportError) || error.code === 'no-program' || o.signal?.aborted) {
						throw error;
					}
					fallbackShots += 1;
					await card();
				}
			}
			clips.push(clip);
			doneFrames += frames;
			report((95 * doneFrames) / Math.max(1, totalFrames));
		}
		const list = join(dir, 'clips.ffconcat');
		await writeFile(list, ffconcat(clips.map((path) => ({ path }))));
		const audioCodec = o.audio === null ? null : await probeAudioCodec(o.audio, o.signal);
		if (o.audio !== null && audioCodec === null) {
			throw new MediaExportError('bad-input', `The meeting audio ${o.audio} has no readable audio stream`);
		}
		const audioInput = o.audio === null ? ['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono'] : ['-i', resolve(o.audio)];
		const audioEncoding = audioCodec === 'aac' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '64k', '-ac', '1'];
		await writeAtomically(o.out, (partial) =>
			runFfmpeg(
				['-f', 'concat', '-safe', '0', '-i', list, ...audioInput, '-map', '0:v:0', '-map', '1:a:0', '-c:v', 'copy', ...audioEncoding, '-t', seconds(o.durationMs), '-movflags', '+faststart', '-f', 'mp4', partial],
				{ step: `speaker video ${o.out}`, signal: o.signal, expectedMs: o.durationMs, onFraction: (f) => report(95 + 5 * f) }
			)
		);
		return { durationMs: (totalFrames * 1000) / VIDEO_FPS, shots: clips.length, fallbackShots };
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
