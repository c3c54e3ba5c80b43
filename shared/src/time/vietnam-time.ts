/**
 * Vietnam keeps UTC+7 all year (no daylight saving), so its wall clock is a fixed shift: no time
 * zone database needed, and the draft reads the same whatever zone the server runs in.
 */
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;

function shifted(at: Date | string | number): Date {
	return new Date(new Date(at).getTime() + VIETNAM_OFFSET_MS);
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The calendar date in Vietnam: "2026-12-03". */
export function vietnamDate(at: Date | string | number): string {
	const d = shifted(at);
	return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
}

/** The wall-clock time in Vietnam: "08:05". */
export function vietnamClock(at: Date | string | number): string {
	const d = shifted(at);
	return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** The calendar year in Vietnam: a document issued at 23:30 UTC on 31 December is next year's. */
export function vietnamYear(at: Date | string | number): number {
	return shifted(at).getUTCFullYear();
}
