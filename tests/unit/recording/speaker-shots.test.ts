import { describe, expect, it } from 'vitest';
import { nonOverlappingLanes } from '../../../server/src/features/recording/export-meeting.job.ts';
import { MIN_SHOT_MS, speakerShots } from '../../../server/src/features/recording/speaker-shots.ts';

const seg = (startMs: number, endMs: number) => ({ path: `/r/${startMs}.mkv`, startMs, endMs });
const runs = [
	{ unitId: 'a', unitName: 'Huyện', hasVideo: true, segments: [seg(0, 10_000), seg(10_000, 20_000)] },
	{ unitId: 'b', unitName: 'Xã Đồng Thịnh', hasVideo: true, segments: [seg(5_000, 15_000)] },
	{ unitId: 'c', unitName: 'Xã Hải Lựu', hasVideo: false, segments: [seg(0, 20_000)] },
];

describe('speaker shots', () => {
	it('shows each speaker from when they started until the next, the first from the start', () => {
		const shots = speakerShots({ durationMs: 20_000, changes: [{ atMs: 3000, unitId: 'b' }, { atMs: 9000, unitId: 'a' }, { atMs: 14_000, unitId: 'c' }], runs });
		expect(shots.map((s) => [s.fromMs, s.toMs, s.label])).toEqual([
			[0, 9000, 'Xã Đồng Thịnh'],
			[9000, 14_000, 'Huyện'],
			[14_000, 20_000, 'Xã Hải Lựu'],
		]);
		// Only the segments overlapping the shot; none for a site without video (a card).
		expect(shots[0]!.video.map((v) => v.startMs)).toEqual([5000]);
		expect(shots[1]!.video.map((v) => v.startMs)).toEqual([0, 10_000]);
		expect(shots[2]!.video).toEqual([]);
	});

	it('leaves a turn shorter than the minimum to the speaker before, and keeps the last speaker through silence', () => {
		const shots = speakerShots({
			durationMs: 20_000,
			changes: [{ atMs: 1000, unitId: 'a' }, { atMs: 5000, unitId: 'b' }, { atMs: 5000 + MIN_SHOT_MS - 1, unitId: 'a' }, { atMs: 12_000, unitId: null }],
			runs,
		});
		expect(shots.map((s) => [s.fromMs, s.toMs, s.label])).toEqual([[0, 20_000, 'Huyện']]);
	});

	it('shows the first site with video when nobody was detected speaking, and nothing for an empty meeting', () => {
		expect(speakerShots({ durationMs: 8000, changes: [], runs }).map((s) => s.label)).toEqual(['Huyện']);
		expect(speakerShots({ durationMs: 0, changes: [], runs })).toEqual([]);
	});
});

describe('lanes of runs that do not overlap', () => {
	it('puts two people of one unit recording at once into two lanes, and a later run back into the first free one', () => {
		const run = (startMs: number, endMs: number | null) => ({ startMs, endMs, segments: [{ endMs: endMs ?? startMs + 4000 }] });
		const chair = run(0, 10_000);
		const secretary = run(2000, 8000);
		const later = run(10_000, 15_000);
		const open = run(9000, null);
		expect(nonOverlappingLanes([later, secretary, chair, open])).toEqual([[chair, later], [secretary, open]]);
	});
});
