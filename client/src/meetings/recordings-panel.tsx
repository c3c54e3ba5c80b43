import { useRef, useState } from 'react';
import type { JobSummary } from '#shared/api/jobs.ts';
import type { MeetingDetail } from '#shared/api/meetings.ts';
import type { MediaFileView, MeetingRecordings } from '#shared/api/recordings.ts';
import { api } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { AppSocket } from '../signaling/socket.ts';
import { useErrorText } from '../ui/error-text.ts';
import { formatTime } from './meetings-page.tsx';
import { formatBytes, formatClock, isKnownJobKind, jobsOverview, runStats } from './recording-format.ts';
import { TranscriptView } from './transcript-view.tsx';
import { useMeetingRecords } from './use-meeting-records.ts';

/**
 * The recording part of the meeting page of a live or ended meeting: the recording's status, what
 * each site recorded, the files made afterwards, the background work, and the transcript.
 */
export function MeetingRecords({ meeting, socket, onMeetingChanged }: { meeting: MeetingDetail; socket: AppSocket | null; onMeetingChanged?: () => void }) {
	const live = meeting.status === 'live';
	const { recordings, jobs, transcript, error, reload, replaceSegment } = useMeetingRecords(meeting.id, socket, live, onMeetingChanged);
	const { t } = useI18n();
	const errorText = useErrorText();
	if (!recordings) {
		return error !== null ? (
			<p role="alert" className="error">
				{t('recordings.error.load', { message: errorText(error) })}
			</p>
		) : null;
	}
	const showTranscript = transcript && (recordings.enabled || transcript.segments.length > 0);
	// The job list is refetched on every job change, the transcript only when segments come: the
	// list is the fresher count of what still waits (the same jobs, counted by the server).
	const pending = jobs.length > 0 ? jobsOverview(jobs).transcribePending : (transcript?.pending ?? 0);
	return (
		<>
			<RecordingsPanel meeting={meeting} recordings={recordings} jobs={jobs} problem={transcript?.problem ?? ''} error={error} onDeleted={() => reload()} />
			{showTranscript && <TranscriptView meetingId={meeting.id} transcript={transcript} pending={pending} media={recordings.media} canEdit={recordings.canEditTranscript} onSegment={replaceSegment} />}
		</>
	);
}

function RecordingStatus({ live, recordings }: { live: boolean; recordings: MeetingRecordings }) {
	const { t } = useI18n();
	if (!recordings.enabled) {
		return (
			<p className="recording-status off" data-testid="recording-status" data-state="off">
				{t('recordings.status.off')}
			</p>
		);
	}
	if (!live) {
		return recordings.deleted ? null : (
			<p className="recording-status" data-testid="recording-status" data-state="recorded">
				{t('recordings.status.recorded')}
			</p>
		);
	}
	return recordings.paused ? (
		<p className="recording-status paused" data-testid="recording-status" data-state="paused">
			{t('recordings.status.paused')}
		</p>
	) : (
		<p className="recording-status on" data-testid="recording-status" data-state="recording">
			<span className="rec-dot" aria-hidden="true" />
			{t('recordings.status.recording')}
		</p>
	);
}

function RecordingsPanel({
	meeting,
	recordings,
	jobs,
	problem,
	error,
	onDeleted,
}: {
	meeting: MeetingDetail;
	recordings: MeetingRecordings;
	jobs: JobSummary[];
	problem: string;
	error: unknown;
	onDeleted: () => void;
}) {
	const { t, locale } = useI18n();
	const errorText = useErrorText();
	const { user } = useSession();
	// The server gives the failure text (program output, paths) to the host unit only.
	const hostUnit = user?.unit.id === meeting.hostUnit.id;
	const live = meeting.status === 'live';
	const unitName = (unitId: string | null): string =>
		recordings.sites.find((s) => s.unitId === unitId)?.unitName ??
		(unitId === meeting.hostUnit.id ? meeting.hostUnit.name : meeting.invitations.find((i) => i.unitId === unitId)?.unitName) ??
		unitId ??
		'';
	const overview = jobsOverview(jobs);
	const media = orderMedia(recordings.media, unitName);
	const totalBytes = recordings.media.reduce((sum, m) => sum + m.sizeBytes, 0) + recordings.sites.reduce((sum, s) => sum + s.runs.reduce((r, run) => r + run.sizeBytes, 0), 0);
	const hasSomething = recordings.media.length > 0 || recordings.sites.some((s) => s.runs.length > 0);

	const mediaLabel = (m: MediaFileView): string =>
		m.kind === 'video' ? t('recordings.media.video') : m.kind === 'mixed-audio' ? t('recordings.media.mixed') : t('recordings.media.site', { unit: unitName(m.unitId) });

	return (
		<section aria-labelledby="recordings-title" className="recordings" data-testid="recordings-panel">
			<h3 id="recordings-title">{t('recordings.title')}</h3>
			<RecordingStatus live={live} recordings={recordings} />
			{error !== null && (
				<p role="alert" className="error">
					{t('recordings.error.load', { message: errorText(error) })}
				</p>
			)}
			{recordings.deleted && (
				<p className="notice" data-testid="recordings-deleted" data-reason={recordings.deleted.reason}>
					{t(recordings.deleted.reason === 'retention' ? 'recordings.deleted.retention' : 'recordings.deleted.manual', { date: formatTime(recordings.deleted.at, locale) })}{' '}
					{t('recordings.deleted.keeps')}
				</p>
			)}
			{recordings.enabled && !recordings.deleted && (
				<>
					<h4>{t('recordings.sites')}</h4>
					{recordings.sites.length === 0 ? (
						<p>{t('recordings.sitesEmpty')}</p>
					) : (
						<table data-testid="recording-sites">
							<thead>
								<tr>
									<th scope="col">{t('recordings.site.unit')}</th>
									<th scope="col">{t('recordings.site.time')}</th>
									<th scope="col">{t('recordings.site.runs')}</th>
									<th scope="col">{t('recordings.site.gaps')}</th>
								</tr>
							</thead>
							<tbody>
								{recordings.sites.map((site) => {
									const stats = runStats(site.runs);
									return (
										<tr key={site.unitId} data-unit={site.unitId}>
											<td>
												{site.unitName}
												{stats.recording && live && !recordings.paused && <span className="mark live"> · {t('recordings.site.live')}</span>}
											</td>
											<td>{formatClock(site.recordedMs)}</td>
											<td>{stats.runs}</td>
											<td>{stats.gaps}</td>
										</tr>
									);
								})}
							</tbody>
						</table>
					)}
					<h4>{t('recordings.media')}</h4>
					{media.length > 0 ? (
						<ul className="media-files" data-testid="media-files">
							{media.map((m) => (
								<li key={m.id} data-kind={m.kind}>
									<a href={m.url} download>
										{mediaLabel(m)}
									</a>{' '}
									<span className="meta">{t('recordings.media.meta', { duration: formatClock(m.durationMs), size: formatBytes(m.sizeBytes, locale) })}</span>
								</li>
							))}
						</ul>
					) : (
						<p>{t(live ? 'recordings.media.afterMeeting' : overview.exportJob && overview.exportJob.status !== 'failed' ? 'recordings.media.coming' : 'recordings.media.none')}</p>
					)}
				</>
			)}
			<JobsList overview={overview} hostUnit={hostUnit} problem={problem} />
			{recordings.canDelete && !recordings.deleted && hasSomething && (
				<DeleteRecordings meetingId={meeting.id} sites={recordings.sites.length} size={formatBytes(totalBytes, locale)} onDeleted={onDeleted} />
			)}
		</section>
	);
}

/** MP4 first (what most people want), then the mixed audio, then each site's audio by unit name. */
function orderMedia(media: readonly MediaFileView[], unitName: (unitId: string | null) => string): MediaFileView[] {
	const rank = { video: 0, 'mixed-audio': 1, 'site-audio': 2 } as const;
	return [...media].sort((a, b) => rank[a.kind] - rank[b.kind] || unitName(a.unitId).localeCompare(unitName(b.unitId), 'vi'));
}

function JobsList({ overview, hostUnit, problem }: { overview: ReturnType<typeof jobsOverview>; hostUnit: boolean; problem: string }) {
	const { t } = useI18n();
	const { exportJob, transcribePending, transcribeFailed, otherFailed, retentionRunning } = overview;
	const detail = (message: string) =>
		hostUnit && message !== '' && (
			<>
				{' '}
				<span className="server-error">{t('recordings.job.serverError', { message })}</span>
			</>
		);
	const showExport = exportJob && exportJob.status !== 'done' && exportJob.status !== 'cancelled';
	const lastTranscribeError = transcribeFailed.at(-1)?.error ?? '';
	if (!showExport && transcribePending === 0 && transcribeFailed.length === 0 && otherFailed.length === 0 && !retentionRunning) {
		return null;
	}
	return (
		<>
			<h4>{t('recordings.jobs.title')}</h4>
			<ul className="jobs" data-testid="recording-jobs">
				{showExport && (
					<li data-kind={exportJob.kind} data-status={exportJob.status}>
						{exportJob.status === 'running' ? (
							<label>
								{t('recordings.job.export.running', { progress: exportJob.progress })}{' '}
								<progress max={100} value={exportJob.progress} />
							</label>
						) : exportJob.status === 'failed' ? (
							<span role="alert" className="error">
								{t('recordings.job.export.failed')}
								{detail(exportJob.error)}
							</span>
						) : exportJob.error !== '' ? (
							<span>
								{t('recordings.job.export.retry', { attempt: exportJob.attempts + 1, max: exportJob.maxAttempts })}
								{detail(exportJob.error)}
							</span>
						) : (
							t('recordings.job.export.queued')
						)}
					</li>
				)}
				{transcribePending > 0 && (
					<li data-kind="transcribe-region" data-status="pending">
						{t('recordings.job.transcribe.pending', { count: transcribePending })}
					</li>
				)}
				{transcribeFailed.length > 0 && (
					<li data-kind="transcribe-region" data-status="failed" className="error">
						{t('recordings.job.transcribe.failed', { count: transcribeFailed.length })}
						{detail(problem || lastTranscribeError)}
					</li>
				)}
				{retentionRunning && (
					<li data-kind="recording-retention" data-status="running">
						{t('recordings.job.retention.running')}
					</li>
				)}
				{otherFailed.map(({ kind, count, lastError }) => (
					<li key={kind} data-kind={kind} data-status="failed" className="error">
						{t('recordings.job.other.failed', { kind: isKnownJobKind(kind) ? t(`recordings.jobKind.${kind}`) : kind, count })}
						{detail(lastError)}
					</li>
				))}
			</ul>
		</>
	);
}

/** The host unit's administrator deletes the recorded media; the transcript, the minutes' source, stays. */
function DeleteRecordings({ meetingId, sites, size, onDeleted }: { meetingId: string; sites: number; size: string; onDeleted: () => void }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const dialog = useRef<HTMLDialogElement>(null);
	const cancel = useRef<HTMLButtonElement>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const remove = () => {
		setBusy(true);
		setError(null);
		api('DELETE', `/api/meetings/${meetingId}/recordings`)
			.then(() => {
				dialog.current?.close();
				onDeleted();
			})
			.catch((e: unknown) => setError(errorText(e)))
			.finally(() => setBusy(false));
	};
	const open = () => {
		setError(null);
		dialog.current?.showModal();
		// The dialog opens on Cancel: a hasty Enter must not delete (React's autoFocus acts only on mount).
		cancel.current?.focus();
	};
	return (
		<>
			<p>
				<button type="button" className="danger" data-testid="delete-recordings" onClick={open}>
					{t('recordings.delete')}
				</button>
			</p>
			{error !== null && (
				<p role="alert" className="error">
					{t('recordings.error.delete', { message: error })}
				</p>
			)}
			<dialog ref={dialog} aria-labelledby="delete-recordings-title" aria-describedby="delete-recordings-body" data-testid="delete-recordings-dialog">
				<h3 id="delete-recordings-title">{t('recordings.delete.title')}</h3>
				<div id="delete-recordings-body">
					<p>{t('recordings.delete.body', { sites, size })}</p>
					<p>
						<strong>{t('recordings.delete.keeps')}</strong>
					</p>
				</div>
				<div className="actions">
					<button type="button" className="danger" data-testid="confirm-delete-recordings" disabled={busy} onClick={remove}>
						{busy ? t('recordings.deleting') : t('recordings.delete.confirm')}
					</button>
					<button ref={cancel} type="button" disabled={busy} onClick={() => dialog.current?.close()}>
						{t('common.cancel')}
					</button>
				</div>
			</dialog>
		</>
	);
}
