/**
 * Dates and times as Vietnamese office staff write them, whatever the interface language:
 * "13:33", "03/12/2026", "13:33, 03/12/2026". The browser's own locale formats ("3 thg 12, 2026")
 * read as foreign in minutes and lists, and en-GB gives the same day/month order.
 */
const pad = (n: number): string => String(n).padStart(2, '0');

function toDate(value: string | Date): Date {
	return typeof value === 'string' ? new Date(value) : value;
}

export function formatClock(value: string | Date): string {
	const d = toDate(value);
	return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDay(value: string | Date): string {
	const d = toDate(value);
	return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

export function formatDateTime(value: string | Date): string {
	return `${formatClock(value)}, ${formatDay(value)}`;
}

/** A span of time on one day as "13:30 – 15:00, 03/12/2026"; across days both ends in full. */
export function formatRange(start: string | Date, end: string | Date): string {
	const a = toDate(start);
	const b = toDate(end);
	return formatDay(a) === formatDay(b) ? `${formatClock(a)} – ${formatClock(b)}, ${formatDay(a)}` : `${formatDateTime(a)} – ${formatDateTime(b)}`;
}

/** Whole minutes as "1 giờ 05 phút"-style parts, left to the caller's words: [hours, minutes]. */
export function hoursMinutes(totalMinutes: number): [number, number] {
	const m = Math.max(0, Math.round(totalMinutes));
	return [Math.floor(m / 60), m % 60];
}
