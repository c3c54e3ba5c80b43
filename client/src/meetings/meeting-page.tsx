import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttendanceEntry, MeetingActionEntry, MeetingDetail, RollCallEntry } from '#shared/api/meetings.ts';
import { api, ApiError } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { MeetingMinutes } from '../minutes/meeting-minutes.tsx';
import type { AppSocket } from '../signaling/socket.ts';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { formatRange } from '../ui/format-date.ts';
import { ActionLog } from './action-log.tsx';
import { AttachmentsList } from './attachments-list.tsx';
import { JoinLinks } from './join-links.tsx';
import { NavLink } from './nav-link.tsx';
import { MeetingRecords } from './recordings-panel.tsx';
import { RollCall } from './roll-call-table.tsx';
import { useMeetingWatch, type WatchTopic } from './use-meeting-watch.ts';
import './meetings.css';

/** While live and the socket cannot tell us of joins and leaves, the page asks again at this pace. */
const LIVE_POLL_MS = 15_000;

/** Announcements about the recordings panel's own resources; everything else (meeting, attendance) concerns this page. */
const RECORDS_TOPICS: ReadonlySet<string> = new Set<WatchTopic>(['jobs', 'transcript', 'recordings']);

/** The caller may not see it, or this server does not have it: the part stays hidden, the page works. */
const notAllowed = (error: unknown) => error instanceof ApiError && (error.status === 403 || error.status === 404);

type Notice = { kind: 'done' | 'error'; text: string };

export function MeetingPage({ id, socket }: { id: string; socket: AppSocket | null }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const confirm = useConfirm();
	const { user } = useSession();
	const [meeting, setMeeting] = useState<MeetingDetail | null>(null);
	const [attendance, setAttendance] = useState<AttendanceEntry[]>([]);
	// 'unavailable': the server has no roll call for us (older server, or not allowed): the raw events remain.
	const [rollCall, setRollCall] = useState<RollCallEntry[] | 'unavailable' | null>(null);
	const [actions, setActions] = useState<MeetingActionEntry[] | null>(null);
	const [loadError, setLoadError] = useState<unknown>(null);
	const [refreshError, setRefreshError] = useState<unknown>(null);
	const [notice, setNotice] = useState<Notice | null>(null);
	const [busy, setBusy] = useState(false);
	// Loads overlap (a join announced while the previous fetch runs): only the newest one's answers count.
	const generation = useRef(0);
	const shown = useRef(false);
	const userUnitId = user?.unit.id ?? null;

	const load = useCallback(() => {
		const current = ++generation.current;
		const fresh = () => current === generation.current;
		api<MeetingDetail>('GET', `/api/meetings/${id}`).then(
			(m) => {
				if (!fresh()) {
					return;
				}
				shown.current = true;
				setMeeting(m);
				setLoadError(null);
				setRefreshError(null);
				const failed = (e: unknown) => {
					if (fresh()) {
						setRefreshError(e);
					}
				};
				api<AttendanceEntry[]>('GET', `/api/meetings/${id}/attendance`).then((rows) => fresh() && setAttendance(rows), (e: unknown) => !notAllowed(e) && failed(e));
				if (m.status === 'live' || m.status === 'ended') {
					api<RollCallEntry[]>('GET', `/api/meetings/${id}/roll-call`).then(
						(rows) => fresh() && setRollCall(rows),
						(e: unknown) => (notAllowed(e) ? fresh() && setRollCall('unavailable') : failed(e))
					);
				}
				// The whole host unit reads the log (the secretary writes the minutes from it).
				if (m.permissions.manage || m.permissions.moderate || userUnitId === m.hostUnit.id) {
					api<MeetingActionEntry[]>('GET', `/api/meetings/${id}/actions`).then(
						(rows) => fresh() && setActions(rows),
						(e: unknown) => (notAllowed(e) ? fresh() && setActions(null) : failed(e))
					);
				}
			},
			(e: unknown) => {
				if (!fresh()) {
					return;
				}
				// Once shown, the page stays: a failed refresh is a notice, not a replacement.
				if (shown.current) {
					setRefreshError(e);
				} else {
					setLoadError(e);
				}
			}
		);
	}, [id, userUnitId]);

	useEffect(() => {
		shown.current = false;
		setMeeting(null);
		setLoadError(null);
		setRefreshError(null);
		setAttendance([]);
		setRollCall(null);
		setActions(null);
		setNotice(null);
	}, [id]);
	useEffect(load, [load]);

	const onUpdate = useCallback(
		(topics: ReadonlySet<WatchTopic>) => {
			if ([...topics].some((topic) => !RECORDS_TOPICS.has(topic))) {
				load();
			}
		},
		[load]
	);
	const watching = useMeetingWatch(socket, id, onUpdate);
	const live = meeting?.status === 'live';
	useEffect(() => {
		if (!live || watching) {
			return undefined;
		}
		const timer = setInterval(load, LIVE_POLL_MS);
		return () => clearInterval(timer);
	}, [live, watching, load]);

	if (!meeting) {
		return loadError === null ? null : (
			<section className="card wide meeting-page">
				<p role="alert" className="inline-error">
					{t('page.loadFailed', { message: errorText(loadError) })}
				</p>
				<div className="actions">
					<button type="button" onClick={load}>
						{t('page.retry')}
					</button>
					<NavLink to="/">{t('page.back')}</NavLink>
				</div>
			</section>
		);
	}

	const open = meeting.status === 'scheduled' || meeting.status === 'live';
	const when = formatRange(meeting.startsAt, meeting.endsAt);
	const isHostUnit = userUnitId !== null && userUnitId === meeting.hostUnit.id;

	const cancelMeeting = async () => {
		const answer = await confirm({
			title: t('page.cancelTitle'),
			message: t('page.cancelMessage', { title: meeting.title, time: when }),
			choices: [{ value: 'cancel', label: t('page.cancelConfirm'), danger: true, testId: 'confirm-cancel-meeting' }],
		});
		if (answer !== 'cancel') {
			return;
		}
		setBusy(true);
		setNotice(null);
		try {
			setMeeting(await api<MeetingDetail>('POST', `/api/meetings/${meeting.id}/cancel`));
			setNotice({ kind: 'done', text: t('page.cancelDone') });
			load();
		} catch (e) {
			setNotice({ kind: 'error', text: errorText(e) });
		} finally {
			setBusy(false);
		}
	};

	return (
		<section className="card wide meeting-page" aria-labelledby="meeting-title" data-testid="meeting-page" data-status={meeting.status}>
			<NavLink to="/" className="back">
				{t('page.back')}
			</NavLink>
			<div className="row">
				<h2 id="meeting-title">{meeting.title}</h2>
				<span className={`status ${meeting.status}`} data-testid="meeting-status">
					{t(`meetings.status.${meeting.status}`)}
				</span>
			</div>
			{refreshError !== null && (
				<p role="status" className="inline-error" data-testid="refresh-error">
					{t('page.refreshFailed', { message: errorText(refreshError) })}{' '}
					<button type="button" onClick={load}>
						{t('page.retry')}
					</button>
				</p>
			)}
			{live && <p className="meta">{t('page.liveNote')}</p>}
			<dl className="meeting-facts">
				<dt>{t('detail.time')}</dt>
				<dd>
					{when}
					{meeting.location && ` · ${meeting.location}`}
				</dd>
				<dt>{t('page.host')}</dt>
				<dd>{meeting.hostUnit.name}</dd>
				<dt>{t('detail.chair')}</dt>
				<dd>{meeting.chair?.displayName ?? '–'}</dd>
				<dt>{t('detail.recording')}</dt>
				<dd data-testid="meeting-recording" data-enabled={String(meeting.recordingEnabled)}>
					{t(meeting.recordingEnabled ? 'detail.recording.on' : 'detail.recording.off')}
				</dd>
			</dl>
			{meeting.description && <p>{meeting.description}</p>}
			<div className="actions wrap">
				{open && meeting.permissions.join && (
					<NavLink to={`/meetings/${meeting.id}/room`} className="button primary join-now" data-testid="join-meeting">
						{t('detail.join')}
					</NavLink>
				)}
				<a href={`/api/meetings/${meeting.id}/calendar.ics`}>{t('meetings.calendar')}</a>
				{meeting.permissions.manage && meeting.status === 'scheduled' && (
					<button type="button" className="danger" data-testid="cancel-meeting" disabled={busy} onClick={() => void cancelMeeting()}>
						{t('detail.cancel')}
					</button>
				)}
			</div>
			{notice && (
				<p role={notice.kind === 'error' ? 'alert' : 'status'} className={notice.kind === 'error' ? 'inline-error' : 'inline-done'} data-testid="meeting-notice">
					{notice.text}
				</p>
			)}
			{(meeting.status === 'live' || meeting.status === 'ended') && <MeetingMinutes meeting={meeting} />}
			{(meeting.status === 'live' || meeting.status === 'ended') && <RollCall meetingId={meeting.id} meetingStart={meeting.startsAt} live={live} entries={rollCall} attendance={attendance} />}
			<JoinLinks meeting={meeting} manage={meeting.permissions.manage && open} />
			<h3>{t('detail.agenda')}</h3>
			{meeting.agenda.length === 0 && <p className="meta">{t('page.noAgenda')}</p>}
			<ol>
				{meeting.agenda.map((a) => (
					<li key={a.id}>
						{a.title} {a.presenter && <em>({a.presenter})</em>} · {a.durationMinutes}′
					</li>
				))}
			</ol>
			<AttachmentsList meeting={meeting} canDelete={meeting.permissions.manage} canUpload={meeting.permissions.manage && open} onChanged={load} />
			{(meeting.status === 'live' || meeting.status === 'ended') && <MeetingRecords meeting={meeting} socket={socket} />}
			{actions && (isHostUnit || meeting.permissions.manage || meeting.permissions.moderate) && <ActionLog entries={actions} meeting={meeting} />}
		</section>
	);
}
