import { MediaExportError, requireDuration, requireReadable, runFfmpeg, seconds, writeAtomically } from './ffmpeg.ts';

export type MixAudioOptions = {
	/** Files that each start at meeting clock 0 (buildSiteAudio's output); their first audio stream is mixed. */
	inputs: readonly string[];
	durationMs: number;
	/** The .m4a to write. */
	out: string;
	signal?: AbortSignal;
	/** 0..100. */
	onProgress?: (pct: number) => void;
};

// One process decodes every input at once: audio decoders are small, but beyond this many sites
// the command line and the open files are no longer "a few".
const MAX_INPUTS = 200;

/**
 * All sites' audio mixed into one mono AAC .m4a (faststart), exactly durationMs long. amix
 * normally scales every input by 1/N (−26 dB with 20 sites, most of them silent at any moment),
 * so it sums instead (normalize=0) and a limiter keeps two loud sites talking at once from
 * clipping; the limiter's look-ahead delay is compensated, so the mix stays on the meeting clock.
 */
export async function mixAudio(o: MixAudioOptions): Promise<{ durationMs: number }> {
	requireDuration(o.durationMs);
	if (o.inputs.length > MAX_INPUTS) {
		throw new MediaExportError('bad-input', `Cannot mix ${o.inputs.length} audio files at once (at most ${MAX_INPUTS})`);
	}
	await requireReadable(o.inputs);
	const limiter = 'alimiter=limit=0.89:level=0:latency=1:attack=5:release=100';
	let args: string[];
	if (o.inputs.length === 0) {
		args = ['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-map', '0:a'];
	} else {
		const labels = o.inputs.map((_, i) => `[${i}:a:0]`).join('');
		const mix = o.inputs.length === 1 ? `${labels}anull` : `${labels}amix=inputs=${o.inputs.length}:duration=longest:normalize=0`;
		args = [...o.inputs.flatMap((input) => ['-i', input]), '-filter_complex', `${mix},${limiter},apad[mix]`, '-map', '[mix]'];
	}
	await writeAtomically(o.out, (partial) =>
		runFfmpeg([...args, '-t', seconds(o.durationMs), '-ac', '1', '-ar', '48000', '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', '-f', 'mp4', partial], {
			step: `mixed audio ${o.out}`,
			signal: o.signal,
			expectedMs: o.durationMs,
			onFraction: o.onProgress && ((fraction) => o.onProgress?.(Math.round(fraction * 100))),
		})
	);
	return { durationMs: o.durationMs };
}
