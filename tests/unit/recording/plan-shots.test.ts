import { describe, expect, it } from 'vitest';
import { planShots } from '../../../server/src/features/recording/export/speaker-video.ts';

type Shot = { fromMs: number; toMs: number; who: string };
const same = (a: Shot, b: Shot): boolean => a.who === b.who;
const plan = (shots: Shot[], durationMs: number, minShotMs = 2000) => planShots(shots, { durationMs, minShotMs, sameSource: same }).map((s) => [s.who, s.fromMs, s.toMs]);
const shot = (who: string, fromMs: number, toMs: number): Shot => ({ who, fromMs, toMs });

describe('planShots', () => {
	it('keeps long shots as they are and tiles the meeting', () => {
		expect(plan([shot('a', 0, 10_000), shot('b', 10_000, 30_000)], 30_000)).toEqual([
			['a', 0, 10_000],
			['b', 10_000, 30_000],
		]);
	});

	it('gives a blip inside a turn to the speaker before it, joining the turn again', () => {
		expect(plan([shot('a', 0, 10_000), shot('b', 10_000, 11_000), shot('a', 11_000, 20_000), shot('c', 20_000, 30_000)], 30_000)).toEqual([
			['a', 0, 20_000],
			['c', 20_000, 30_000],
		]);
	});

	it('gives a short first shot to the one after it, and runs of short shots to the shot before them', () => {
		expect(plan([shot('a', 0, 500), shot('b', 500, 10_000), shot('c', 10_000, 11_000), shot('d', 11_000, 12_500), shot('e', 12_500, 30_000)], 30_000)).toEqual([
			['b', 0, 12_500],
			['e', 12_500, 30_000],
		]);
	});

	it('fills holes with the shot before them, starts at 0, ends at the meeting’s end, sorts and cuts', () => {
		expect(plan([shot('b', 20_000, 25_000), shot('a', 3_000, 8_000), shot('x', 40_000, 50_000)], 30_000)).toEqual([
			['a', 0, 20_000],
			['b', 20_000, 30_000],
		]);
	});

	it('gives an overlap to the earlier shot and drops shots it swallows', () => {
		expect(plan([shot('a', 0, 10_000), shot('b', 5_000, 9_000), shot('c', 8_000, 20_000)], 20_000)).toEqual([
			['a', 0, 10_000],
			['c', 10_000, 20_000],
		]);
	});

	it('returns copies and leaves the input alone', () => {
		const input = [shot('a', 0, 1000), shot('b', 1000, 5000)];
		const out = planShots(input, { durationMs: 5000 });
		expect(out).toEqual([{ who: 'b', fromMs: 0, toMs: 5000 }]);
		expect(input).toEqual([shot('a', 0, 1000), shot('b', 1000, 5000)]);
	});

	it('bounds the number of shots by the meeting length over the shortest shot', () => {
		// An hour of speakers switching every 300-1700 ms.
		const shots: Shot[] = [];
		for (let t = 0, i = 0; t < 3_600_000; i += 1) {
			const length = 300 + ((i * 7919) % 1400);
			shots.push(shot(`s${i % 30}`, t, Math.min(3_600_000, t + length)));
			t += length;
		}
		const planned = planShots(shots, { durationMs: 3_600_000, sameSource: same });
		expect(planned.length).toBeLessThanOrEqual(1800);
		expect(planned[0]!.fromMs).toBe(0);
		expect(planned.at(-1)!.toMs).toBe(3_600_000);
		for (const [i, s] of planned.entries()) {
			expect(s.toMs - s.fromMs).toBeGreaterThanOrEqual(2000);
			if (i > 0) {
				expect(s.fromMs).toBe(planned[i - 1]!.toMs);
			}
		}
	});

	it('gives nothing for no shots, and one shot for a meeting shorter than the minimum', () => {
		expect(plan([], 10_000)).toEqual([]);
		expect(plan([shot('a', 0, 500), shot('b', 500, 1000)], 1000)).toEqual([['a', 0, 1000]]);
	});
});
