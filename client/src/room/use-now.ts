import { useEffect, useState } from 'react';
import type { MessageKey } from '../i18n/vi.ts';

/** The current time, refreshed every `intervalMs`, for "chờ 2 phút" and "3 phút trước". */
export function useNow(intervalMs = 15_000): number {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
		return () => window.clearInterval(timer);
	}, [intervalMs]);
	return now;
}

/** Whole minutes from `since` (ISO) to `now`, never negative (the server's clock may be ahead). */
export function minutesSince(since: string, now: number): number {
	return Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
}

/** "vừa xong", "3 phút trước", "1 giờ 5 phút trước". */
export function ago(t: (key: MessageKey, params?: Record<string, string | number>) => string, since: string, now: number): string {
	const minutes = minutesSince(since, now);
	if (minutes < 1) {
		return t('room.ago.now');
	}
	return minutes < 60 ? t('room.ago.minutes', { minutes }) : t('room.ago.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}
