import type { SegmentFile } from './export/site-audio.ts';

export type Shot = { fromMs: number; toMs: number; label: string; video: SegmentFile[] };

type RunInput = { unitId: string; unitName: string; hasVideo: boolean; segments: SegmentFile[] };

/** Shorter turns are folded into the one before: a cut every second is unwatchable and costs a clip each. */
export const MIN_SHOT_MS = 2000;

/**
 * Who the meeting's video shows, from the speaker changes: each speaker from when they started
 * speaking until the next, the first one from the start; a turn shorter than MIN_SHOT_MS is shown
 * as the turn before it. Each shot carries that site's video segments overlapping it (none: a card with the
 * site's name is shown instead).
 */
export function speakerShots(input: { durationMs: number; changes: { atMs: number; unitId: string | null }[]; runs: RunInput[] }): Shot[] {
	const { durationMs } = input;
	if (durationMs <= 0) {
		return [];
	}
	const names = new Map(input.runs.map((r) => [r.unitId, r.unitName]));
	const turns: { fromMs: number; unitId: string | null }[] = [];
	for (const change of input.changes) {
		if (change.unitId !== null && change.atMs < durationMs && turns.at(-1)?.unitId !== change.unitId) {
			turns.push({ fromMs: turns.length === 0 ? 0 : Math.max(0, change.atMs), unitId: change.unitId });
		}
	}
	// A short turn leaves the screen to the turn before it.
	const kept = turns.filter((turn, i) => i === 0 || (turns[i + 1]?.fromMs ?? durationMs) - turn.fromMs >= MIN_SHOT_MS);
	turns.splice(0, turns.length, ...kept);
	if (turns.length === 0) {
		// Nobody was detected speaking: show the first site that sent video, else a card.
		const first = [...input.runs].filter((r) => r.hasVideo && r.segments.length > 0).sort((a, b) => a.segments[0]!.startMs - b.segments[0]!.startMs)[0];
		turns.push({ fromMs: 0, unitId: first?.unitId ?? null });
	}
	// Consecutive turns of the same site (after folding) are one shot.
	const merged = turns.filter((turn, i) => i === 0 || turn.unitId !== turns[i - 1]!.unitId);
	return merged.map((turn, i) => {
		const fromMs = turn.fromMs;
		const toMs = i + 1 < merged.length ? merged[i + 1]!.fromMs : durationMs;
		const video = input.runs
			.filter((r) => r.unitId === turn.unitId && r.hasVideo)
			.flatMap((r) => r.segments)
			.filter((s) => s.endMs > fromMs && s.startMs < toMs)
			.sort((a, b) => a.startMs - b.startMs);
		return { fromMs, toMs, label: turn.unitId ? (names.get(turn.unitId) ?? '') : '', video };
	});
}
