import type { SpeechSpan } from './speech-detect.ts';

/** A closed segment of one recorder run, as the planner needs it. */
export type PlannerSegment = {
	id: string;
	/** Its index in the run (ffmpeg's file number). */
	sequence: number;
	/** On the meeting clock. */
	startMs: number;
	endMs: number;
	/** detectSpeech's result, in ms from the segment's start; null while not analysed yet. */
	speech: readonly SpeechSpan[] | null;
};

export type PlannerRun = {
	runId: string;
	/** The run's closed segments, in order. */
	segments: readonly PlannerSegment[];
	/** The recorder has stopped: no segment will follow the ones given. */
	runEnded: boolean;
};

/** A stretch of one run to transcribe at once. */
export type SpeechRegion = {
	/**
	 * `${runId}:${sequence}:${offsetMs}`: where the region starts (the segment and the ms into it).
	 * The same in every later plan, so it can be a job's idempotency key.
	 */
	key: string;
	/** On the meeting clock: [fromMs, toMs). */
	fromMs: number;
	toMs: number;
	/** The segments the region's audio lies in, in order. */
	segmentIds: string[];
	/**
	 * Final: this region, with these times, is in every later plan. An open region (at most one, the
	 * last) may still grow, or be cut; it keeps its key and its start.
	 */
	closed: boolean;
};

export type RegionPlanOptions = {
	/** Audio kept before and after the speech, so that no word is clipped; default 200. */
	padMs?: number;
	/** Speech pieces closer than this are one region (fewer whisper runs, and whisper does better with context); default 1000. */
	mergeGapMs?: number;
	/** The longest region: one whisper window (30 s), and a transcript that keeps up with a long speech; default 30000. */
	maxRegionMs?: number;
	/** Speech this close to a segment's end, and to the next one's start, continues across the boundary; default 300. */
	touchMs?: number;
	/** Shorter speech is ignored (clicks, coughs, a door); default 200. */
	minSpeechMs?: number;
	/** Segments further apart than this are not one stretch of audio (a region never spans the hole); default 50. */
	contiguityMs?: number;
};

type Interval = {
	fromMs: number;
	toMs: number;
	/** Index of its stretch of back-to-back segments. */
	block: number;
	/** Ends at the end of the analysed audio: may go on in the next segment, or be left out if it stays short. */
	tentative: boolean;
};

type Block = { startMs: number; endMs: number; segments: PlannerSegment[]; closed: boolean };

type Settings = Required<RegionPlanOptions>;

const DEFAULTS: Settings = { padMs: 200, mergeGapMs: 1000, maxRegionMs: 30_000, touchMs: 300, minSpeechMs: 200, contiguityMs: 50 };

/** Stretches of back-to-back analysed segments; all but the last are complete. */
function blocksOf(analysed: readonly PlannerSegment[], contiguityMs: number, final: boolean): Block[] {
	const blocks: Block[] = [];
	for (const segment of analysed) {
		const current = blocks.at(-1);
		if (current && Math.abs(segment.startMs - current.endMs) <= contiguityMs) {
			current.endMs = segment.endMs;
			current.segments.push(segment);
		} else {
			if (current) {
				current.closed = true;
			}
			blocks.push({ startMs: segment.startMs, endMs: segment.endMs, segments: [segment], closed: false });
		}
	}
	const last = blocks.at(-1);
	if (last && final) {
		last.closed = true;
	}
	return blocks;
}

/** The speech of the analysed segments on the meeting clock, joined across segment boundaries. */
function intervalsOf(blocks: readonly Block[], analysedEndMs: number, final: boolean, s: Settings): Interval[] {
	const intervals: Interval[] = [];
	blocks.forEach((block, blockIndex) => {
		let previous: PlannerSegment | undefined;
		for (const segment of block.segments) {
			const lengthMs = segment.endMs - segment.startMs;
			const spans = [...(segment.speech ?? [])]
				.map((span) => ({ fromMs: Math.max(0, Math.round(span.fromMs)), toMs: Math.min(lengthMs, Math.round(span.toMs)) }))
				.filter((span) => span.toMs > span.fromMs)
				.sort((a, b) => a.fromMs - b.fromMs);
			spans.forEach((span, index) => {
				const fromMs = segment.startMs + span.fromMs;
				const toMs = segment.startMs + span.toMs;
				const last = intervals.at(-1);
				// The previous segment's end, for the first speech of a segment that follows one.
				const boundaryMs = index === 0 ? previous?.endMs : undefined;
				const touches = boundaryMs !== undefined && span.fromMs <= s.touchMs;
				if (last?.block === blockIndex && (fromMs <= last.toMs || (touches && last.toMs >= boundaryMs - s.touchMs))) {
					last.toMs = Math.max(last.toMs, toMs);
				} else {
					intervals.push({ fromMs, toMs, block: blockIndex, tentative: false });
				}
			});
			previous = segment;
		}
	});
	const last = intervals.at(-1);
	if (last && !final && last.block === blocks.length - 1 && last.toMs >= analysedEndMs - s.touchMs) {
		last.tentative = true;
	}
	// A short piece that may still grow stays until the next segment tells.
	return intervals.filter((interval) => interval.tentative || interval.toMs - interval.fromMs >= s.minSpeechMs);
}

/**
 * Where to end a region that would grow past `limitMs`, and where the next may start: in the
 * longest pause of its second half, or else at the last segment boundary (the audio there is
 * continuous on both sides, so only a word may be cut), or else at the limit.
 */
function cutOf(cluster: readonly Interval[], fromMs: number, limitMs: number, block: Block, s: Settings): number {
	const earliest = fromMs + s.maxRegionMs / 2;
	let best: { atMs: number; gapMs: number } | null = null;
	for (let k = 0; k + 1 < cluster.length; k++) {
		const gapMs = cluster[k + 1]!.fromMs - cluster[k]!.toMs;
		const atMs = cluster[k]!.toMs + Math.min(s.padMs, Math.floor(gapMs / 2));
		if (cluster[k]!.toMs >= earliest && atMs <= limitMs && (best === null || gapMs >= best.gapMs)) {
			best = { atMs, gapMs };
		}
	}
	if (best) {
		return best.atMs;
	}
	const boundaries = block.segments.map((segment) => segment.startMs).filter((atMs) => atMs > fromMs && atMs <= limitMs);
	return boundaries.filter((atMs) => atMs >= earliest).at(-1) ?? boundaries.at(-1) ?? limitMs;
}

function regionOf(runId: string, block: Block, fromMs: number, toMs: number, closed: boolean): SpeechRegion {
	const first = block.segments.find((segment) => segment.endMs > fromMs) ?? block.segments.at(-1)!;
	return {
		key: `${runId}:${first.sequence}:${fromMs - first.startMs}`,
		fromMs,
		toMs,
		segmentIds: block.segments.filter((segment) => segment.startMs < toMs && segment.endMs > fromMs).map((segment) => segment.id),
		closed,
	};
}

/**
 * Splits one run's speech into regions to transcribe, from what is known so far. Pure, and
 * monotonic: a region returned closed comes back the same (key, times, segments) from every later
 * call with more segments analysed or the run ended, and no other region overlaps it — each
 * decision waits until the audio it depends on is analysed. Regions:
 * - are the speech plus `padMs` on each side, clipped to the run's audio and to the previous region;
 * - join speech separated by less than `mergeGapMs`, also across segment boundaries;
 * - close once `mergeGapMs` of analysed silence follows, or the run has ended, or they reach
 *   `maxRegionMs` (then they are cut: cutOf);
 * - never span a hole between segments.
 * Planning stops at the first segment not analysed yet.
 */
export function planRegions(run: PlannerRun, options: RegionPlanOptions = {}): SpeechRegion[] {
	const s: Settings = { ...DEFAULTS, ...options };
	const segments = run.segments.map((segment) => ({ ...segment, startMs: Math.round(segment.startMs), endMs: Math.round(segment.endMs) }));
	const pending = segments.findIndex((segment) => segment.speech === null);
	const analysed = pending === -1 ? segments : segments.slice(0, pending);
	const final = run.runEnded && pending === -1;
	const analysedEndMs = analysed.at(-1)?.endMs;
	if (analysedEndMs === undefined) {
		return [];
	}
	const blocks = blocksOf(analysed, s.contiguityMs, final);
	const intervals = intervalsOf(blocks, analysedEndMs, final, s);
	// Closing needs this much analysed silence, so that the padding is known audio too.
	const quietMs = Math.max(s.mergeGapMs, s.padMs);

	const regions: SpeechRegion[] = [];
	let floorMs = -Infinity;
	let i = 0;
	while (i < intervals.length) {
		const first = intervals[i]!;
		const block = blocks[first.block]!;
		const fromMs = Math.max(first.fromMs - s.padMs, block.startMs, floorMs);
		const limitMs = fromMs + s.maxRegionMs;
		let j = i;
		while (j + 1 < intervals.length && intervals[j + 1]!.block === first.block && intervals[j + 1]!.fromMs - intervals[j]!.toMs < s.mergeGapMs) {
			j += 1;
		}
		const last = intervals[j]!;
		// A short piece at the end of the analysed audio may vanish: nothing is decided on it.
		const unsure = last.tentative && last.toMs - last.fromMs < s.minSpeechMs;
		if (unsure && j === i) {
			break;
		}
		const sureEndMs = unsure ? intervals[j - 1]!.toMs : last.toMs;
		const ceilingMs = block.closed ? block.endMs : Infinity;

		if (Math.min(sureEndMs + s.padMs, ceilingMs) > limitMs) {
			// Too long: cut, once all the audio up to the limit is known — strictly past it, so that the
			// run's end arriving later cannot turn the same audio into a region that fits, and with no
			// short piece before it that may still vanish or grow (either would change the pauses).
			if (!block.closed && (analysedEndMs <= limitMs || (unsure && last.fromMs < limitMs))) {
				regions.push(regionOf(run.runId, block, fromMs, Math.min(analysedEndMs, limitMs), false));
				break;
			}
			const cluster = intervals.slice(i, j + 1).filter((interval) => interval.fromMs < limitMs);
			const cutMs = cutOf(cluster, fromMs, limitMs, block, s);
			regions.push(regionOf(run.runId, block, fromMs, cutMs, true));
			floorMs = cutMs;
			// What is left of the speech goes on in the next region.
			while (i < intervals.length && intervals[i]!.toMs <= cutMs) {
				i += 1;
			}
			if (i < intervals.length && intervals[i]!.fromMs < cutMs) {
				intervals[i] = { ...intervals[i]!, fromMs: cutMs };
			}
			continue;
		}

		const closed = j + 1 < intervals.length || block.closed || (!last.tentative && analysedEndMs - last.toMs >= quietMs);
		const toMs = Math.min(last.toMs + s.padMs, ceilingMs, analysedEndMs);
		regions.push(regionOf(run.runId, block, fromMs, toMs, closed));
		if (!closed) {
			break;
		}
		floorMs = toMs;
		i = j + 1;
	}
	return regions;
}
