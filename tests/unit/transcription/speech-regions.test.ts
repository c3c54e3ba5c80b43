import { describe, expect, it } from 'vitest';
import { planRegions, type PlannerSegment, type SpeechRegion } from '../../../server/src/features/transcription/speech-regions.ts';

type Span = { fromMs: number; toMs: number };

const RUN = 'run-1';

/**
 * A run cut into segments at `bounds` (meeting clock), with the speech of a timeline split at the
 * boundaries the way detectSpeech would report it per file; `analysed` segments get their speech,
 * the others null.
 */
function runOf(bounds: number[], timeline: Span[], analysed = bounds.length - 1): PlannerSegment[] {
	const segments: PlannerSegment[] = [];
	for (let k = 0; k + 1 < bounds.length; k++) {
		const startMs = bounds[k]!;
		const endMs = bounds[k + 1]!;
		const speech = timeline
			.filter((span) => span.toMs > startMs && span.fromMs < endMs)
			.map((span) => ({ fromMs: Math.max(span.fromMs, startMs) - startMs, toMs: Math.min(span.toMs, endMs) - startMs }));
		segments.push({ id: `seg-${k}`, sequence: k, startMs, endMs, speech: k < analysed ? speech : null });
	}
	return segments;
}

/** Boundaries every `stepMs` from `startMs`, `count` segments. */
function every(stepMs: number, count: number, startMs = 0): number[] {
	return Array.from({ length: count + 1 }, (_, k) => startMs + k * stepMs);
}

const plan = (segments: PlannerSegment[], runEnded = false, options = {}): SpeechRegion[] => planRegions({ runId: RUN, segments, runEnded }, options);

describe('planRegions', () => {
	it('plans nothing before the first segment is analysed', () => {
		expect(plan([])).toEqual([]);
		expect(plan(runOf(every(10_000, 2), [{ fromMs: 2000, toMs: 4000 }], 0))).toEqual([]);
	});

	it('pads speech, keeps the padding inside the run and closes after a second of silence', () => {
		const regions = plan(runOf(every(10_000, 1, 5000), [{ fromMs: 5050, toMs: 7000 }]));
		expect(regions).toEqual([{ key: `${RUN}:0:0`, fromMs: 5000, toMs: 7200, segmentIds: ['seg-0'], closed: true }]);
	});

	it('keys a region by its segment and the offset into it', () => {
		const regions = plan(runOf(every(10_000, 2), [{ fromMs: 12_500, toMs: 14_000 }]));
		expect(regions).toEqual([{ key: `${RUN}:1:2300`, fromMs: 12_300, toMs: 14_200, segmentIds: ['seg-1'], closed: true }]);
	});

	it('stops at the first segment not analysed yet, even if later ones are', () => {
		const segments = runOf(every(10_000, 3), [
			{ fromMs: 2000, toMs: 4000 },
			{ fromMs: 25_000, toMs: 26_000 },
		]);
		segments[1] = { ...segments[1]!, speech: null };
		expect(plan(segments).map((r) => [r.fromMs, r.toMs, r.closed])).toEqual([[1800, 4200, true]]);
	});

	it('transcribes speech across a segment boundary once, under the key it had while open', () => {
		const timeline = [{ fromMs: 8500, toMs: 11_500 }];
		const before = plan(runOf(every(10_000, 2), timeline, 1));
		expect(before).toEqual([{ key: `${RUN}:0:8300`, fromMs: 8300, toMs: 10_000, segmentIds: ['seg-0'], closed: false }]);
		const after = plan(runOf(every(10_000, 2), timeline, 2));
		expect(after).toEqual([{ key: `${RUN}:0:8300`, fromMs: 8300, toMs: 11_700, segmentIds: ['seg-0', 'seg-1'], closed: true }]);
	});

	it('joins speech that touches a boundary from both sides within the tolerance', () => {
		// 250 ms of quiet before the boundary and 250 after: too short for silencedetect on either side.
		const segments = runOf(every(10_000, 2), [
			{ fromMs: 8000, toMs: 9750 },
			{ fromMs: 10_250, toMs: 12_000 },
		]);
		expect(plan(segments, false, { mergeGapMs: 0 }).map((r) => [r.fromMs, r.toMs])).toEqual([[7800, 12_200]]);
	});

	it('waits for the next segment when speech ends less than the merge gap before the end', () => {
		const timeline = [{ fromMs: 8000, toMs: 9200 }];
		expect(plan(runOf(every(10_000, 2), timeline, 1))).toEqual([{ key: `${RUN}:0:7800`, fromMs: 7800, toMs: 9400, segmentIds: ['seg-0'], closed: false }]);
		expect(plan(runOf(every(10_000, 2), timeline, 2))).toEqual([{ key: `${RUN}:0:7800`, fromMs: 7800, toMs: 9400, segmentIds: ['seg-0'], closed: true }]);
	});

	it('merges speech separated by less than a second, and only that', () => {
		const bounds = every(10_000, 1);
		expect(plan(runOf(bounds, [{ fromMs: 1000, toMs: 2000 }, { fromMs: 2900, toMs: 4000 }])).map((r) => [r.fromMs, r.toMs])).toEqual([[800, 4200]]);
		expect(plan(runOf(bounds, [{ fromMs: 1000, toMs: 2000 }, { fromMs: 3000, toMs: 4000 }])).map((r) => [r.fromMs, r.toMs])).toEqual([
			[800, 2200],
			[2800, 4200],
		]);
		// Regions never overlap, even with a gap shorter than twice the padding.
		expect(plan(runOf(bounds, [{ fromMs: 1000, toMs: 2000 }, { fromMs: 2300, toMs: 4000 }]), false, { mergeGapMs: 200 }).map((r) => [r.fromMs, r.toMs])).toEqual([
			[800, 2200],
			[2200, 4200],
		]);
	});

	it('leaves out short noises, but not before the next segment has shown whether they go on', () => {
		const blip = [{ fromMs: 3000, toMs: 3100 }];
		expect(plan(runOf(every(10_000, 1), blip))).toEqual([]);
		const atEnd = [{ fromMs: 9900, toMs: 10_000 }];
		expect(plan(runOf(every(10_000, 2), atEnd, 1))).toEqual([]);
		expect(plan(runOf(every(10_000, 2), atEnd, 2))).toEqual([]);
		const goesOn = [{ fromMs: 9900, toMs: 10_400 }];
		expect(plan(runOf(every(10_000, 2), goesOn, 2)).map((r) => [r.fromMs, r.toMs, r.closed])).toEqual([[9700, 10_600, true]]);
		// A speech followed, less than a second later, by a short noise at the end closes only once the noise is judged.
		const speech = { fromMs: 8000, toMs: 9000 };
		expect(plan(runOf(every(10_000, 2), [speech, { fromMs: 9900, toMs: 10_000 }], 1)).map((r) => [r.fromMs, r.toMs, r.closed])).toEqual([[7800, 10_000, false]]);
		expect(plan(runOf(every(10_000, 2), [speech, { fromMs: 9900, toMs: 10_000 }], 2)).map((r) => [r.fromMs, r.toMs, r.closed])).toEqual([[7800, 9200, true]]);
		expect(plan(runOf(every(10_000, 2), [speech, { fromMs: 9900, toMs: 10_400 }], 2)).map((r) => [r.fromMs, r.toMs, r.closed])).toEqual([[7800, 10_600, true]]);
	});

	it('closes an open region when the run ends, clipped to the run', () => {
		const segments = runOf(every(10_000, 2), [{ fromMs: 15_000, toMs: 20_000 }]);
		expect(plan(segments, false)).toEqual([{ key: `${RUN}:1:4800`, fromMs: 14_800, toMs: 20_000, segmentIds: ['seg-1'], closed: false }]);
		expect(plan(segments, true)).toEqual([{ key: `${RUN}:1:4800`, fromMs: 14_800, toMs: 20_000, segmentIds: ['seg-1'], closed: true }]);
		// Ended, but a segment is still being analysed: the region waits for it.
		const pending = runOf(every(10_000, 3), [{ fromMs: 15_000, toMs: 21_000 }], 2);
		expect(plan(pending, true).map((r) => r.closed)).toEqual([false]);
	});

	it('splits continuous speech at segment boundaries, at most maxRegionMs long', () => {
		const timeline = [{ fromMs: 1000, toMs: 75_000 }];
		const regions = plan(runOf(every(10_000, 8), timeline), true);
		expect(regions.map((r) => [r.key, r.fromMs, r.toMs, r.closed])).toEqual([
			[`${RUN}:0:800`, 800, 30_000, true],
			[`${RUN}:3:0`, 30_000, 60_000, true],
			[`${RUN}:6:0`, 60_000, 75_200, true],
		]);
		expect(regions[1]!.segmentIds).toEqual(['seg-3', 'seg-4', 'seg-5']);
	});

	it('splits long speech in its longest pause in the second half rather than at a boundary', () => {
		const timeline = [
			{ fromMs: 0, toMs: 5000 },
			{ fromMs: 5900, toMs: 17_000 }, // a 900-ms pause, too early
			{ fromMs: 17_700, toMs: 22_000 }, // 700 ms
			{ fromMs: 22_800, toMs: 40_000 }, // 800 ms: the cut
		];
		const regions = plan(runOf(every(10_000, 5), timeline), true);
		expect(regions.map((r) => [r.fromMs, r.toMs])).toEqual([
			[0, 22_200],
			[22_600, 40_200],
		]);
	});

	it('decides a cut only once the audio past the limit is analysed', () => {
		const timeline = [{ fromMs: 0, toMs: 45_000 }];
		const partial = plan(runOf(every(10_000, 5), timeline, 3));
		expect(partial).toEqual([{ key: `${RUN}:0:0`, fromMs: 0, toMs: 30_000, segmentIds: ['seg-0', 'seg-1', 'seg-2'], closed: false }]);
		const more = plan(runOf(every(10_000, 5), timeline, 4));
		expect(more[0]).toEqual({ ...partial[0], closed: true });
		expect(more[1]).toMatchObject({ key: `${RUN}:3:0`, fromMs: 30_000, closed: false });
	});

	it('does not cut long speech in a pause before a short noise that may still vanish', () => {
		const bounds = [0, 10_100, 20_200, 30_300, 40_400];
		const timeline = [
			{ fromMs: 0, toMs: 29_810 },
			{ fromMs: 29_850, toMs: 30_000 }, // ends 300 ms before the analysed audio does
		];
		const early = plan(runOf(bounds, timeline, 3));
		const late = plan(runOf(bounds, timeline, 4));
		expect(late[0]).toMatchObject({ fromMs: 0, toMs: 20_200, closed: true });
		expect(early).toEqual([{ key: `${RUN}:0:0`, fromMs: 0, toMs: 30_000, segmentIds: ['seg-0', 'seg-1', 'seg-2'], closed: false }]);
	});

	it('never lets a region span a hole between segments', () => {
		const segments = runOf([0, 10_000], [{ fromMs: 8000, toMs: 10_000 }]).concat(
			runOf([0, 12_000, 22_000], [{ fromMs: 12_000, toMs: 13_000 }]).slice(1).map((s) => ({ ...s, id: 'seg-1', sequence: 1 }))
		);
		const regions = plan(segments);
		expect(regions.map((r) => [r.fromMs, r.toMs, r.segmentIds, r.closed])).toEqual([
			[7800, 10_000, ['seg-0'], true],
			[12_000, 13_200, ['seg-1'], true],
		]);
	});
});

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('planRegions with growing input', () => {
	it('never changes or overlaps what it has closed, whatever the speech and the order of analysis', () => {
		for (let seed = 1; seed <= 600; seed++) {
			const rand = random(seed);
			// Every third run on a coarse grid, where times often coincide with boundaries and limits.
			const grid = seed % 3 === 0 ? 500 : 1;
			const snap = (ms: number): number => Math.round(ms / grid) * grid;
			const count = 3 + Math.floor(rand() * 10);
			const bounds = [snap(Math.floor(rand() * 5000))];
			for (let k = 0; k < count; k++) {
				bounds.push(bounds.at(-1)! + snap(9_000 + Math.floor(rand() * 2000)));
			}
			const timeline: Span[] = [];
			for (let at = bounds[0]! + Math.floor(rand() * 3000); at < bounds.at(-1)!; ) {
				const kind = rand();
				// Short noises, phrases, and now and then a long speech.
				const lengthMs = kind < 0.2 ? 50 + Math.floor(rand() * 300) : kind < 0.9 ? 300 + Math.floor(rand() * 8000) : 20_000 + Math.floor(rand() * 40_000);
				timeline.push({ fromMs: snap(at), toMs: snap(Math.min(at + lengthMs, bounds.at(-1)!)) });
				// Pauses shorter than silencedetect reports too: a planner must not rely on its minimum.
				const pause = rand();
				at += lengthMs + (pause < 0.2 ? 20 + Math.floor(rand() * 600) : pause < 0.6 ? 600 + Math.floor(rand() * 800) : 1000 + Math.floor(rand() * 5000));
			}
			const options = rand() < 0.5 ? {} : { maxRegionMs: 12_000 + Math.floor(rand() * 20_000), mergeGapMs: Math.floor(rand() * 2000) };
			const maxRegionMs = (options as { maxRegionMs?: number }).maxRegionMs ?? 30_000;

			const closed = new Map<string, SpeechRegion>();
			const seen = new Set<string>();
			// Segments close one by one; analysis lags behind by 0–2 segments; the run ends at the end.
			const steps: [number, number, boolean][] = [];
			let analysedSoFar = 0;
			for (let present = 1; present <= count; present++) {
				analysedSoFar = Math.max(analysedSoFar, present - Math.floor(rand() * 3));
				steps.push([present, analysedSoFar, false]);
			}
			steps.push([count, count, false], [count, count, true]);
			for (const [present, analysed, ended] of steps) {
				const segments = runOf(bounds.slice(0, present + 1), timeline, analysed);
				const regions = planRegions({ runId: RUN, segments, runEnded: ended }, options);
				const context = `seed ${seed}, ${present} segments, ${analysed} analysed${ended ? ', ended' : ''}`;
				regions.forEach((region, index) => {
					expect(region.toMs, context).toBeGreaterThan(region.fromMs);
					expect(region.toMs - region.fromMs, context).toBeLessThanOrEqual(maxRegionMs);
					expect(region.fromMs, context).toBeGreaterThanOrEqual(bounds[0]!);
					expect(region.toMs, context).toBeLessThanOrEqual(bounds[analysed]!);
					expect(region.segmentIds.length, context).toBeGreaterThan(0);
					if (index > 0) {
						expect(region.fromMs, context).toBeGreaterThanOrEqual(regions[index - 1]!.toMs);
					}
					expect(region.closed || index === regions.length - 1, `${context}: only the last region may be open`).toBe(true);
				});
				const keys = new Set(regions.map((r) => r.key));
				expect(keys.size, context).toBe(regions.length);
				for (const [key, before] of closed) {
					expect(regions.find((r) => r.key === key), `${context}: ${key} closed earlier`).toEqual(before);
				}
				for (const key of seen) {
					expect(keys.has(key), `${context}: ${key} was planned before`).toBe(true);
				}
				for (const region of regions) {
					seen.add(region.key);
					if (region.closed) {
						closed.set(region.key, region);
					}
				}
			}
			// At the end, everything is closed and every real speech is inside a region.
			const final = planRegions({ runId: RUN, segments: runOf(bounds, timeline), runEnded: true }, options);
			expect(final.every((r) => r.closed)).toBe(true);
			for (const span of timeline.filter((s) => s.toMs - s.fromMs >= 300)) {
				const covered = final.filter((r) => r.toMs > span.fromMs && r.fromMs < span.toMs).reduce((sum, r) => sum + Math.min(r.toMs, span.toMs) - Math.max(r.fromMs, span.fromMs), 0);
				expect(covered, `seed ${seed}: speech ${span.fromMs}–${span.toMs}`).toBe(span.toMs - span.fromMs);
			}
		}
	});
});
