import { useState } from 'react';
import type { MeetingSummary } from '#shared/api/meetings.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { formatClock } from '../ui/format-date.ts';

/** A month grid (weeks start on Monday, as in Vietnam) with each meeting on its start day. */
export function MonthCalendar({ meetings }: { meetings: MeetingSummary[] }) {
	const { t } = useI18n();
	const [month, setMonth] = useState(() => {
		const now = new Date();
		return new Date(now.getFullYear(), now.getMonth(), 1);
	});
	const first = new Date(month);
	const offset = (first.getDay() + 6) % 7;
	const days = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
	const cells: (Date | null)[] = [...Array.from({ length: offset }, () => null), ...Array.from({ length: days }, (_, i) => new Date(month.getFullYear(), month.getMonth(), i + 1))];
	// Named by the catalog (T2 … CN), not by the browser's locale, which may not be Vietnamese.
	const weekdays = t('calendar.weekdays').split(' ');
	const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
	const shift = (delta: number) => setMonth(new Date(month.getFullYear(), month.getMonth() + delta, 1));

	return (
		<div className="calendar" data-testid="calendar">
			<div className="row">
				<button type="button" onClick={() => shift(-1)} aria-label={t('calendar.previous')}>
					‹
				</button>
				<strong>{t('calendar.monthTitle', { month: month.getMonth() + 1, year: month.getFullYear() })}</strong>
				<button type="button" onClick={() => shift(1)} aria-label={t('calendar.next')}>
					›
				</button>
			</div>
			<div className="month" role="grid">
				{weekdays.map((d) => (
					<div key={d} className="weekday" role="columnheader">
						{d}
					</div>
				))}
				{cells.map((day, i) => (
					<div key={i} className={`day${day && sameDay(day, new Date()) ? ' today' : ''}`} role="gridcell">
						{day && <span className="date">{day.getDate()}</span>}
						{day &&
							meetings
								.filter((m) => sameDay(new Date(m.startsAt), day))
								.map((m) => (
									<Link key={m.id} to={`/meetings/${m.id}`} className={`event ${m.status}`}>
										{formatClock(m.startsAt)} {m.title}
									</Link>
								))}
					</div>
				))}
			</div>
		</div>
	);
}
