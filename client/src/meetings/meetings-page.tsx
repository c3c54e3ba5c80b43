import { useCallback, useEffect, useState } from 'react';
import type { User } from '#shared/api/auth.ts';
import type { MeetingSummary } from '#shared/api/meetings.ts';
import { api } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { formatClock, formatDateTime, formatRange } from '../ui/format-date.ts';
import { MonthCalendar } from './month-calendar.tsx';
import { NavLink } from './nav-link.tsx';
import './meetings.css';

/**
 * @deprecated Use formatDateTime from ui/format-date.ts: dates as staff write them, whatever the
 * locale. Kept only for the files that still import it.
 */
export function formatTime(iso: string, _locale?: string): string {
	return formatDateTime(iso);
}

/** Status changes (scheduled → live) show without a reload; the list is small. */
const REFRESH_MS = 60_000;

type Group = 'today' | 'upcoming' | 'past';

function groupOf(meeting: MeetingSummary, now: Date): Group {
	if (meeting.status === 'live') {
		return 'today';
	}
	const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
	const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
	const start = new Date(meeting.startsAt);
	return start >= tomorrow ? 'upcoming' : start >= today ? 'today' : 'past';
}

/**
 * Who may join as a site, as the server decides it (meeting-policy canJoin): the host unit's staff,
 * and operators of invited communes (the list holds only meetings of the user's unit or to which it
 * is invited). The room itself still checks.
 */
function mayJoin(user: User | null, meeting: MeetingSummary): boolean {
	return user !== null && (user.unit.id === meeting.hostUnit.id || user.role === 'commune_operator');
}

/** Live ones first, then by start; the past most recent first. */
function sorted(meetings: MeetingSummary[], group: Group): MeetingSummary[] {
	const byStart = (a: MeetingSummary, b: MeetingSummary) => a.startsAt.localeCompare(b.startsAt);
	if (group === 'past') {
		return [...meetings].sort((a, b) => byStart(b, a));
	}
	if (group === 'today') {
		return [...meetings].sort((a, b) => Number(b.status === 'live') - Number(a.status === 'live') || byStart(a, b));
	}
	return [...meetings].sort(byStart);
}

export function MeetingsPage() {
	const { t } = useI18n();
	const errorText = useErrorText();
	const { user } = useSession();
	const [meetings, setMeetings] = useState<MeetingSummary[] | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [view, setView] = useState<'list' | 'month'>('list');
	const [now, setNow] = useState(() => new Date());

	const load = useCallback(() => {
		api<MeetingSummary[]>('GET', '/api/meetings').then(
			(list) => {
				setMeetings(list);
				setNow(new Date());
				setError(null);
			},
			(e: unknown) => setError(e)
		);
	}, []);
	useEffect(() => {
		load();
		const timer = setInterval(load, REFRESH_MS);
		return () => clearInterval(timer);
	}, [load]);

	const groups: Record<Group, MeetingSummary[]> = { today: [], upcoming: [], past: [] };
	for (const m of meetings ?? []) {
		groups[groupOf(m, now)].push(m);
	}

	return (
		<section className="card wide meetings-page" aria-labelledby="meetings-title">
			<div className="row">
				<h2 id="meetings-title">{t('meetings.title')}</h2>
				<div className="actions">
					<button type="button" data-testid="view-toggle" aria-pressed={view === 'month'} onClick={() => setView(view === 'list' ? 'month' : 'list')}>
						{view === 'list' ? t('calendar.month') : t('calendar.list')}
					</button>
					<a href="/api/calendar.ics">{t('meetings.calendar')}</a>
					{user?.role === 'admin' && (
						<Link to="/meetings/new" className="button primary">
							{t('nav.schedule')}
						</Link>
					)}
				</div>
			</div>
			{error !== null && (
				// A failed refresh keeps the list already shown; only the notice says it is not current.
				<p role="alert" className="inline-error">
					{t('list.loadFailed', { message: errorText(error) })}{' '}
					<button type="button" onClick={load}>
						{t('list.retry')}
					</button>
				</p>
			)}
			{meetings?.length === 0 && <p>{t('meetings.empty')}</p>}
			{view === 'month' && meetings && <MonthCalendar meetings={meetings} />}
			<div data-testid="meeting-list" hidden={view === 'month'}>
				{meetings &&
					meetings.length > 0 &&
					(['today', 'upcoming', 'past'] as const).map((group) =>
						group !== 'today' && groups[group].length === 0 ? null : (
							<section key={group} className={`meeting-group ${group}`} data-group={group} aria-labelledby={`group-${group}`}>
								<h3 id={`group-${group}`}>{t(`list.${group}`)}</h3>
								{groups[group].length === 0 ? (
									<p className="meta">{t('list.noneToday')}</p>
								) : (
									<ul className="meeting-items">
										{sorted(groups[group], group).map((m) => (
											<MeetingItem key={m.id} meeting={m} group={group} user={user} />
										))}
									</ul>
								)}
							</section>
						)
					)}
			</div>
		</section>
	);
}

function MeetingItem({ meeting: m, group, user }: { meeting: MeetingSummary; group: Group; user: User | null }) {
	const { t } = useI18n();
	const joinable = (m.status === 'live' || (m.status === 'scheduled' && group === 'today')) && mayJoin(user, m);
	// Today's meetings need only the time; others need the day too.
	const when = group === 'today' ? `${formatClock(m.startsAt)} – ${formatClock(m.endsAt)}` : formatRange(m.startsAt, m.endsAt);
	return (
		<li data-status={m.status} data-meeting={m.id} className={`meeting-item ${m.status}`}>
			<span className="when">{when}</span>
			<div className="what">
				<NavLink to={`/meetings/${m.id}`} className="title">
					{m.title}
				</NavLink>
				<span className="meta">
					{[m.location, user && user.unit.id !== m.hostUnit.id ? t('list.host', { name: m.hostUnit.name }) : '', t('meetings.points', { count: m.invitedCount + 1 })]
						.filter(Boolean)
						.join(' · ')}
				</span>
			</div>
			<span className={`status ${m.status}`}>{t(`meetings.status.${m.status}`)}</span>
			{joinable ? (
				<NavLink to={`/meetings/${m.id}/room`} className="button primary join-now" data-testid="join-now" aria-label={t('list.joinNowLabel', { title: m.title })}>
					{t('list.joinNow')}
				</NavLink>
			) : (
				<span />
			)}
		</li>
	);
}
