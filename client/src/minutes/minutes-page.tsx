import { useCallback, useEffect, useRef, useState } from 'react';
import type { MinutesProblem, MinutesProblems, MinutesStatus, MinutesView } from '#shared/api/minutes.ts';
import { MINUTES_STATUSES } from '#shared/api/minutes.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { NavLink } from '../meetings/nav-link.tsx';
import { formatBytes } from '../meetings/recording-format.ts';
import { MinutesEditor } from '../minutes-editor/minutes-editor.tsx';
import type { AppSocket } from '../signaling/socket.ts';
import { useErrorText } from '../ui/error-text.ts';
import { formatDateTime } from '../ui/format-date.ts';
import { ProblemsList } from './problems-list.tsx';
import { StatusStepper } from './status-stepper.tsx';
import { VersionsPanel } from './versions-panel.tsx';
import { WorkflowActions, type ActionOutcome } from './workflow-actions.tsx';
import '../meetings/meetings.css';
import './minutes.css';

/**
 * Past the draft nobody edits and the editor is not open, so nothing tells this page that the
 * chair approved or the office issued meanwhile: it asks again at this pace (a small GET).
 */
const FOLLOW_MS = 20_000;
/** While drafting, the list of missing parts follows the co-editors' typing at this pace. */
const PROBLEMS_MS = 15_000;

type Notice = { kind: 'done' | 'error'; text: string };

const isStatus = (value: string): value is MinutesStatus => (MINUTES_STATUSES as readonly string[]).includes(value);

/**
 * One meeting's minutes through their workflow: the steps, what blocks approval, the shared
 * editor while drafting (read-only for those who may not write), the print preview and downloads,
 * signing (on the server or with a USB token), issuing, and the version history.
 */
export function MinutesPage({ id, socket }: { id: string; socket: AppSocket | null }) {
	const { t, locale } = useI18n();
	const errorText = useErrorText();
	const [minutes, setMinutes] = useState<MinutesView | null>(null);
	const [loadError, setLoadError] = useState<unknown>(null);
	const [notice, setNotice] = useState<Notice | null>(null);
	const [problems, setProblems] = useState<MinutesProblem[] | null>(null);
	const [refused, setRefused] = useState(false);
	const [checking, setChecking] = useState(false);
	const [previewOpen, setPreviewOpen] = useState<boolean | null>(null);
	const [previewKey, setPreviewKey] = useState(0);
	const [versionsKey, setVersionsKey] = useState(0);
	const generation = useRef(0);

	const load = useCallback(() => {
		const current = ++generation.current;
		api<MinutesView>('GET', `/api/minutes/${id}`).then(
			(view) => {
				if (current === generation.current) {
					setMinutes(view);
					setLoadError(null);
				}
			},
			(e: unknown) => {
				if (current === generation.current) {
					setLoadError(e);
				}
			}
		);
	}, [id]);

	useEffect(() => {
		setMinutes(null);
		setLoadError(null);
		setNotice(null);
		setProblems(null);
		setRefused(false);
		setPreviewOpen(null);
	}, [id]);
	useEffect(load, [load]);

	const status = minutes?.status;
	const following = status === 'submitted' || status === 'approved' || status === 'signed';
	useEffect(() => {
		if (!following) {
			return undefined;
		}
		const timer = setInterval(load, FOLLOW_MS);
		return () => clearInterval(timer);
	}, [following, load]);

	const checkProblems = useCallback(async (): Promise<MinutesProblem[] | null> => {
		setChecking(true);
		try {
			const { problems: found } = await api<MinutesProblems>('GET', `/api/minutes/${id}/problems`);
			setProblems(found);
			return found;
		} catch {
			// The list is a help, not a gate: the server checks again at approval.
			return null;
		} finally {
			setChecking(false);
		}
	}, [id]);

	const writer = minutes?.abilities.canSubmit ?? false;
	useEffect(() => {
		if (!writer) {
			return undefined;
		}
		void checkProblems();
		const timer = setInterval(() => void checkProblems(), PROBLEMS_MS);
		return () => clearInterval(timer);
	}, [writer, checkProblems]);

	const onStatus = useCallback(
		(next: string) => {
			if (isStatus(next) && next !== status) {
				setNotice({ kind: 'done', text: t('minutesPage.notice.statusChanged', { status: t(`minutesStatus.${next}`) }) });
				load();
			}
		},
		[status, load, t]
	);

	if (!minutes) {
		return loadError === null ? null : (
			<section className="card wide minutes-page" data-testid="minutes-page-error">
				<p role="alert" className="inline-error">
					{t('minutesPage.loadFailed', { message: errorText(loadError) })}
				</p>
				<div className="actions">
					<button type="button" onClick={load}>
						{t('minutesPage.retry')}
					</button>
				</div>
			</section>
		);
	}

	const draft = minutes.status === 'draft';
	// Past the draft the print layout is what there is to read; while drafting the editor is.
	const showPreview = previewOpen ?? !draft;
	const onDone = ({ view, notice: text }: ActionOutcome) => {
		setMinutes(view);
		setNotice({ kind: 'done', text });
		setRefused(false);
		setPreviewKey((k) => k + 1);
		setVersionsKey((k) => k + 1);
	};
	const onError = (error: unknown, incomplete: boolean) => {
		setNotice({ kind: 'error', text: errorText(error) });
		if (incomplete) {
			setRefused(true);
			void checkProblems();
		}
		load();
	};
	const stateText =
		minutes.status === 'draft' ? t(minutes.abilities.canEdit ? 'minutesPage.state.draftWriter' : 'minutesPage.state.draftReader') : t(`minutesPage.state.${minutes.status}`);

	return (
		<section className="card wide minutes-page meeting-page" aria-labelledby="minutes-title" data-testid="minutes-page" data-status={minutes.status}>
			<NavLink to={`/meetings/${minutes.meetingId}`} className="back">
				{t('minutesPage.back')}
			</NavLink>
			<div className="row">
				<h2 id="minutes-title">
					{t('minutesPage.heading')}: {minutes.meetingTitle}
				</h2>
				<span className={`status minutes-${minutes.status}`} data-testid="minutes-status">
					{t(`minutesStatus.${minutes.status}`)}
				</span>
			</div>
			<StatusStepper status={minutes.status} />
			<p className="meta">{stateText}</p>
			{minutes.returnComment && draft && (
				<div className="minutes-return-comment" role="note" data-testid="minutes-return-comment">
					<strong>{t('minutesPage.returnComment')}</strong> <q>{minutes.returnComment}</q>
				</div>
			)}
			{minutes.document && (
				<p className="minutes-document" data-testid="minutes-document">
					<strong>{t('minutesPage.document', { reference: minutes.document.reference })}</strong>{' '}
					<NavLink to={`/documents/${minutes.document.id}`} data-testid="minutes-document-link">
						{t('minutesPage.documentLink')}
					</NavLink>
				</p>
			)}
			<WorkflowActions minutes={minutes} checkProblems={checkProblems} onDone={onDone} onError={onError} />
			{notice && (
				<p role={notice.kind === 'error' ? 'alert' : 'status'} className={notice.kind === 'error' ? 'inline-error' : 'inline-done'} data-testid="minutes-notice">
					{notice.text}
				</p>
			)}
			{problems && ((writer && draft) || (refused && minutes.status === 'submitted')) && (
				<ProblemsList problems={problems} refused={refused} busy={checking} onCheck={() => void checkProblems()} />
			)}

			<div className="minutes-print actions wrap">
				<button type="button" aria-expanded={showPreview} aria-controls="minutes-preview" onClick={() => setPreviewOpen(!showPreview)} data-testid="minutes-preview-toggle">
					{t(showPreview ? 'minutesPage.preview.hide' : 'minutesPage.preview.show')}
				</button>
				{showPreview && (
					<button type="button" onClick={() => setPreviewKey((k) => k + 1)} data-testid="minutes-preview-refresh">
						{t('minutesPage.preview.refresh')}
					</button>
				)}
				<a href={`/api/minutes/${minutes.id}/pdf`} target="_blank" rel="noopener" data-testid="minutes-download-pdf">
					{t('minutesPage.download.pdf')}
				</a>
				<a href={`/api/minutes/${minutes.id}/docx`} data-testid="minutes-download-docx">
					{t('minutesPage.download.docx')}
				</a>
				<span className="meta">{t('minutesPage.download.note')}</span>
			</div>
			{showPreview && (
				// sandbox="": the preview is our own HTML but runs no script and cannot reach this page.
				<iframe
					key={previewKey}
					id="minutes-preview"
					className="minutes-preview"
					title={t('minutesPage.preview.title')}
					sandbox=""
					src={`/api/minutes/${minutes.id}/preview?v=${previewKey}`}
					data-testid="minutes-preview"
				/>
			)}
			{minutes.files.length > 0 && (
				<>
					<h3>{t('minutesPage.files.title')}</h3>
					<ul className="minutes-files" data-testid="minutes-files">
						{minutes.files.map((file) => (
							<li key={file.id} data-kind={file.kind}>
								<a href={file.url}>{file.fileName}</a>{' '}
								<span className="meta">
									{t('minutesFile.line', {
										kind: t(file.kind === 'approved-pdf' || file.kind === 'signed-pdf' || file.kind === 'docx' ? `minutesFile.kind.${file.kind}` : 'minutesFile.kind.other'),
										size: formatBytes(file.sizeBytes, locale),
										time: formatDateTime(file.createdAt),
									})}
								</span>
							</li>
						))}
					</ul>
				</>
			)}

			{draft && (
				<section className="minutes-editor-area" aria-label={t(minutes.abilities.canEdit ? 'minutesPage.editor' : 'minutesPage.content')}>
					<MinutesEditor key={`${minutes.id}:${minutes.status}:${minutes.abilities.canEdit}`} minutesId={minutes.id} meetingId={minutes.meetingId} canEdit={minutes.abilities.canEdit} onStatus={onStatus} socket={socket} />
				</section>
			)}

			<VersionsPanel
				minutes={minutes}
				refreshKey={versionsKey}
				onRestored={(view, time) => {
					setMinutes(view);
					setNotice({ kind: 'done', text: t('minutesPage.notice.restored', { time }) });
					setPreviewKey((k) => k + 1);
					void checkProblems();
				}}
			/>
		</section>
	);
}
