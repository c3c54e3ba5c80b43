import { useCallback, useEffect, useState } from 'react';
import { isMeetingActionCode } from '#shared/api/audit.ts';
import type { AttendanceEntry, JoinLink, MeetingActionEntry, MeetingDetail } from '#shared/api/meetings.ts';
import { api, upload } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { vi, type MessageKey } from '../i18n/vi.ts';
import { Link } from '../router.tsx';
import type { AppSocket } from '../signaling/socket.ts';
import { formatTime } from './meetings-page.tsx';
import { MeetingRecords } from './recordings-panel.tsx';
import { freshLinks } from './schedule-form.tsx';

export function MeetingPage({ id, socket }: { id: string; socket: AppSocket | null }) {
	const { t, locale } = useI18n();
	const [meeting, setMeeting] = useState<MeetingDetail | null>(null);
	const [links, setLinks] = useState<JoinLink[]>(() => freshLinks.get(id) ?? []);
	const [attendance, setAttendance] = useState<AttendanceEntry[]>([]);
	const [actions, setActions] = useState<MeetingActionEntry[] | null>(null);
	const [error, setError] = useState<string | null>(null);

	const load = useCallback(() => {
		api<MeetingDetail>('GET', `/api/meetings/${id}`)
			.then((m) => {
				setMeeting(m);
				void api<AttendanceEntry[]>('GET', `/api/meetings/${id}/attendance`).then(setAttendance);
				if (m.permissions.manage || m.permissions.moderate) {
					void api<MeetingActionEntry[]>('GET', `/api/meetings/${id}/actions`).then(setActions);
				}
			})
			.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
	}, [id]);
	useEffect(load, [load]);

	/** A recorded code in words; codes this client does not know are shown as they are. */
	const label = (prefix: 'attendance.reason', code: string): string => {
		const key = `${prefix}.${code}` as MessageKey;
		return key in vi ? t(key) : code;
	};
	// Every code of MEETING_ACTIONS has a message (a missing one fails the typecheck).
	const actionLabel = (code: string): string => (isMeetingActionCode(code) ? t(`action.${code}`) : code);

	if (error) {
		return <p role="alert" className="card">{t('common.error', { message: error })}</p>;
	}
	if (!meeting) {
		return null;
	}
	const open = meeting.status === 'scheduled' || meeting.status === 'live';
	const unitNames = new Map([[meeting.hostUnit.id, meeting.hostUnit.name], ...meeting.invitations.map((i): [string, string] => [i.unitId, i.unitName])]);

	return (
		<section className="card wide" aria-labelledby="meeting-title">
			<div className="row">
				<h2 id="meeting-title">{meeting.title}</h2>
				<span className={`status ${meeting.status}`}>{t(`meetings.status.${meeting.status}`)}</span>
			</div>
			<p>
				<strong>{t('detail.time')}:</strong> {formatTime(meeting.startsAt, locale)} – {formatTime(meeting.endsAt, locale)} · {meeting.location}
			</p>
			<p>
				<strong>{t('detail.chair')}:</strong> {meeting.chair?.displayName ?? '–'}
			</p>
			<p data-testid="meeting-recording" data-enabled={String(meeting.recordingEnabled)}>
				<strong>{t('detail.recording')}:</strong> {t(meeting.recordingEnabled ? 'detail.recording.on' : 'detail.recording.off')}
			</p>
			{meeting.description && <p>{meeting.description}</p>}
			<div className="actions">
				{open && meeting.permissions.join && (
					<Link to={`/meetings/${meeting.id}/room`} className="button primary">
						{t('detail.join')}
					</Link>
				)}
				<a href={`/api/meetings/${meeting.id}/calendar.ics`}>{t('meetings.calendar')}</a>
				{meeting.permissions.manage && meeting.status === 'scheduled' && (
					<button type="button" onClick={() => void api('POST', `/api/meetings/${meeting.id}/cancel`).then(load)}>
						{t('detail.cancel')}
					</button>
				)}
			</div>
			<h3>{t('detail.agenda')}</h3>
			<ol>
				{meeting.agenda.map((a) => (
					<li key={a.id}>
						{a.title} {a.presenter && <em>({a.presenter})</em>} · {a.durationMinutes}′
					</li>
				))}
			</ol>
			<h3>{t('detail.documents')}</h3>
			<ul data-testid="attachments">
				{meeting.attachments.map((a) => (
					<li key={a.id}>
						<a href={`/api/meetings/${meeting.id}/attachments/${a.id}`}>{a.originalName}</a> ({Math.ceil(a.sizeBytes / 1024)} KB)
						{meeting.permissions.manage && (
							<button type="button" onClick={() => void api('DELETE', `/api/meetings/${meeting.id}/attachments/${a.id}`).then(load)}>
								{t('detail.removeDocument')}
							</button>
						)}
					</li>
				))}
			</ul>
			{meeting.permissions.manage && open && (
				<label>
					{t('detail.addDocument')}{' '}
					<input
						type="file"
						accept=".pdf,.docx,.doc,.xlsx,.xls,.pptx,.odt,.png,.jpg,.jpeg,.txt"
						onChange={(e) => {
							const file = e.target.files?.[0];
							if (file) {
								upload(`/api/meetings/${meeting.id}/attachments`, file)
									.then(load)
									.catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
								e.target.value = '';
							}
						}}
					/>
				</label>
			)}
			{(meeting.status === 'live' || meeting.status === 'ended') && <MeetingRecords meeting={meeting} socket={socket} onMeetingChanged={load} />}
			<h3>{t('detail.invited')}</h3>
			{links.length > 0 && <p>{t('detail.links')}</p>}
			<ul className="links" data-testid="join-links">
				{meeting.invitations
					.filter((i) => !i.revoked)
					.map((i) => {
						const link = links.find((l) => l.unitId === i.unitId);
						return (
							<li key={i.unitId} data-unit={i.unitId}>
								{i.unitName}
								{link && <input readOnly value={link.url} aria-label={i.unitName} onFocus={(e) => e.target.select()} />}
								{meeting.permissions.manage && open && (
									<button
										type="button"
										onClick={() =>
											void api<JoinLink>('POST', `/api/meetings/${meeting.id}/invitations/${i.unitId}/link`).then((fresh) =>
												setLinks([...links.filter((l) => l.unitId !== i.unitId), fresh])
											)
										}
									>
										{t('detail.renewLink')}
									</button>
								)}
							</li>
						);
					})}
			</ul>
			<h3>{t('detail.attendance')}</h3>
			<table data-testid="attendance">
				<tbody>
					{attendance.map((a, i) => (
						<tr key={i}>
							<td>{formatTime(a.at, locale)}</td>
							<td>{a.unitName}</td>
							<td>
								{t(`attendance.${a.kind}`)} {a.reason && `(${label('attendance.reason', a.reason)})`}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			{actions && (
				<>
					<h3>{t('detail.actions')}</h3>
					<table data-testid="actions">
						<tbody>
							{actions.map((a, i) => (
								<tr key={i}>
									<td>{formatTime(a.at, locale)}</td>
									<td>{a.actor ?? '–'}</td>
									<td>{actionLabel(a.action)}</td>
									<td>{a.targetUnitId ? (unitNames.get(a.targetUnitId) ?? a.targetUnitId) : ''}</td>
								</tr>
							))}
						</tbody>
					</table>
				</>
			)}
		</section>
	);
}
