import { useEffect, useState } from 'react';
import type { MeetingSummary } from '#shared/api/meetings.ts';
import { api } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { MonthCalendar } from './month-calendar.tsx';

export function formatTime(iso: string, locale: string): string {
	return new Date(iso).toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function MeetingsPage() {
	const { t, locale } = useI18n();
	const { user } = useSession();
	const [meetings, setMeetings] = useState<MeetingSummary[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [view, setView] = useState<'list' | 'month'>('list');

	useEffect(() => {
		api<MeetingSummary[]>('GET', '/api/meetings')
			.then(setMeetings)
			.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
	}, []);

	return (
		<section className="card wide" aria-labelledby="meetings-title">
			<div className="row">
				<h2 id="meetings-title">{t('meetings.title')}</h2>
				<div className="actions">
					<button type="button" data-testid="view-toggle" aria-pressed={view === 'month'} onClick={() => setView(view === 'list' ? 'month' : 'list')}>
						{view === 'list' ? t('calendar.month') : t('calendar.list')}
					</button>
					<a href="/api/calendar.ics">{t('meetings.calendar')}</a>
					{user?.role === 'district_admin' && (
						<Link to="/meetings/new" className="button primary">
							{t('nav.schedule')}
						</Link>
					)}
				</div>
			</div>
			{error && <p role="alert">{t('common.error', { message: error })}</p>}
			{meetings?.length === 0 && <p>{t('meetings.empty')}</p>}
			{view === 'month' && meetings && <MonthCalendar meetings={meetings} />}
			<ul className="meetings" data-testid="meeting-list" hidden={view === 'month'}>
				{meetings?.map((m) => (
					<li key={m.id} data-status={m.status}>
						<Link to={`/meetings/${m.id}`}>{m.title}</Link>
						<span>{formatTime(m.startsAt, locale)}</span>
						<span className={`status ${m.status}`}>{t(`meetings.status.${m.status}`)}</span>
						<span>{t('meetings.points', { count: m.invitedCount + 1 })}</span>
					</li>
				))}
			</ul>
		</section>
	);
}
