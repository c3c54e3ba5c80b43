import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { MediaFileView, MeetingTranscript, TranscriptSegmentView } from '#shared/api/recordings.ts';
import { api, ApiError } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { formatTime } from './meetings-page.tsx';
import { foldText, formatClock, isLowConfidence, pickAudio, searchText, sortSegments } from './recording-format.ts';

type Props = {
	meetingId: string;
	transcript: MeetingTranscript;
	/** Stretches still to transcribe. */
	pending: number;
	media: readonly MediaFileView[];
	canEdit: boolean;
	onSegment: (segment: TranscriptSegmentView) => void;
};

/**
 * The meeting's transcript in meeting-clock order: listen from any segment, and (the host unit's
 * secretary) correct what the machine heard. Built for a long meeting (thousands of segments):
 * rows are memoised and a draft lives in its own row, so typing re-renders one row, and the
 * filter works on text folded once per transcript.
 */
export function TranscriptView({ meetingId, transcript, pending, media, canEdit, onSegment }: Props) {
	const { t } = useI18n();
	const [query, setQuery] = useState('');
	const deferredQuery = useDeferredValue(query);
	const [editingId, setEditingId] = useState<string | null>(null);
	const [activeId, setActiveId] = useState<string | null>(null);
	// What the player holds: a site's own audio (its unit name) or the mixed meeting (null); undefined before the first play.
	const [nowPlaying, setNowPlaying] = useState<string | null | undefined>(undefined);
	const audio = useRef<HTMLAudioElement>(null);
	const pendingSeek = useRef<number | null>(null);
	const mediaRef = useRef(media);
	useEffect(() => {
		mediaRef.current = media;
	}, [media]);

	const indexed = useMemo(() => sortSegments(transcript.segments).map((segment) => ({ segment, haystack: searchText(segment) })), [transcript.segments]);
	const folded = foldText(deferredQuery.trim());
	const visible = useMemo(() => (folded === '' ? indexed : indexed.filter((entry) => entry.haystack.includes(folded))), [indexed, folded]);
	const canPlay = media.some((m) => m.kind === 'site-audio' || m.kind === 'mixed-audio');

	const play = useCallback((segment: TranscriptSegmentView) => {
		const file = pickAudio(mediaRef.current, segment.unitId);
		const element = audio.current;
		if (!file || !element) {
			return;
		}
		setActiveId(segment.id);
		setNowPlaying(file.kind === 'site-audio' ? segment.unitName : null);
		const at = segment.startMs / 1000;
		if (element.dataset['src'] !== file.url) {
			// Seeking before the metadata is known is lost: the seek waits for loadedmetadata.
			element.dataset['src'] = file.url;
			pendingSeek.current = at;
			element.src = file.url;
			element.load();
			return;
		}
		element.currentTime = at;
		void element.play().catch(() => undefined);
	}, []);

	const onMetadata = () => {
		const element = audio.current;
		const at = pendingSeek.current;
		if (element && at !== null) {
			pendingSeek.current = null;
			element.currentTime = at;
			void element.play().catch(() => undefined);
		}
	};

	const startEdit = useCallback((id: string) => setEditingId(id), []);
	const stopEdit = useCallback(() => setEditingId(null), []);
	const saved = useCallback(
		(segment: TranscriptSegmentView) => {
			onSegment(segment);
			setEditingId(null);
		},
		[onSegment]
	);

	const { segments, problem } = transcript;
	return (
		<section aria-labelledby="transcript-title" className="transcript-view" data-testid="transcript">
			<div className="row">
				<h3 id="transcript-title">{t('transcript.title')}</h3>
				{segments.length > 0 && (
					<p className="actions">
						{t('transcript.export')}
						{(['vtt', 'srt', 'json'] as const).map((format) => (
							<a key={format} href={`/api/meetings/${meetingId}/transcript?format=${format}`} download data-format={format}>
								{t(`transcript.format.${format}`)}
							</a>
						))}
					</p>
				)}
			</div>
			{problem !== '' && (
				<p role="alert" className="error">
					{t('transcript.problem', { message: problem })}
				</p>
			)}
			{pending > 0 && (
				<p role="status" data-testid="transcript-pending">
					{segments.length === 0 ? t('transcript.pendingFirst') : t('transcript.pending', { count: pending })}
				</p>
			)}
			{segments.length === 0 && pending === 0 && <p data-testid="transcript-empty">{t('transcript.empty')}</p>}
			{segments.length > 0 && (
				<>
					<div className="player" hidden={!canPlay}>
						<audio ref={audio} controls preload="none" aria-label={t('transcript.player')} onLoadedMetadata={onMetadata} />
						{nowPlaying !== undefined && <span className="meta">{nowPlaying === null ? t('transcript.playingMixed') : t('transcript.playingSite', { unit: nowPlaying })}</span>}
					</div>
					{!canPlay && <p className="meta">{t('transcript.noAudio')}</p>}
					<label className="filter">
						{t('transcript.filter')}{' '}
						<input type="search" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="transcript-filter" />
					</label>
					{folded !== '' && (
						<p className="meta" role="status">
							{t('transcript.filterCount', { shown: visible.length, total: segments.length })}
						</p>
					)}
					<ol className="segments" data-testid="transcript-segments">
						{visible.map(({ segment }) => (
							<SegmentRow
								key={segment.id}
								meetingId={meetingId}
								segment={segment}
								active={segment.id === activeId}
								editing={segment.id === editingId}
								canEdit={canEdit}
								canPlay={canPlay}
								onPlay={play}
								onEdit={startEdit}
								onCancel={stopEdit}
								onSaved={saved}
							/>
						))}
					</ol>
				</>
			)}
		</section>
	);
}

type RowProps = {
	meetingId: string;
	segment: TranscriptSegmentView;
	active: boolean;
	editing: boolean;
	canEdit: boolean;
	canPlay: boolean;
	onPlay: (segment: TranscriptSegmentView) => void;
	onEdit: (id: string) => void;
	onCancel: () => void;
	onSaved: (segment: TranscriptSegmentView) => void;
};

/**
 * Every refetch brings new segment objects: comparing what a row shows keeps a refetch during a
 * live transcription from re-rendering thousands of unchanged rows.
 */
function sameRow(a: RowProps, b: RowProps): boolean {
	const x = a.segment;
	const y = b.segment;
	const sameSegment =
		x === y ||
		(x.id === y.id &&
			x.text === y.text &&
			x.machineText === y.machineText &&
			x.startMs === y.startMs &&
			x.unitId === y.unitId &&
			x.unitName === y.unitName &&
			x.confidence === y.confidence &&
			x.editedAt === y.editedAt &&
			x.editedBy?.name === y.editedBy?.name);
	return (
		sameSegment &&
		a.meetingId === b.meetingId &&
		a.active === b.active &&
		a.editing === b.editing &&
		a.canEdit === b.canEdit &&
		a.canPlay === b.canPlay &&
		a.onPlay === b.onPlay &&
		a.onEdit === b.onEdit &&
		a.onCancel === b.onCancel &&
		a.onSaved === b.onSaved
	);
}

const SegmentRow = memo(function SegmentRow({ meetingId, segment, active, editing, canEdit, canPlay, onPlay, onEdit, onCancel, onSaved }: RowProps) {
	const { t, locale } = useI18n();
	const editButton = useRef<HTMLButtonElement>(null);
	const wasEditing = useRef(editing);
	useEffect(() => {
		// Back from the editor, the keyboard user continues where they were, not at the top of the page.
		if (wasEditing.current && !editing) {
			editButton.current?.focus();
		}
		wasEditing.current = editing;
	}, [editing]);

	const time = formatClock(segment.startMs);
	const low = isLowConfidence(segment);
	const corrected = segment.editedBy !== null && segment.text !== segment.machineText;
	const onRowClick = (event: MouseEvent<HTMLLIElement>) => {
		if (!canPlay || editing || (event.target as HTMLElement).closest('button, a, textarea, input')) {
			return;
		}
		onPlay(segment);
	};

	return (
		<li
			className={`segment${active ? ' active' : ''}${low ? ' low' : ''}${canPlay && !editing ? ' playable' : ''}`}
			data-segment={segment.id}
			data-unit={segment.unitId}
			onClick={onRowClick}
		>
			<span className="when">
				{canPlay ? (
					<button type="button" className="link" aria-label={t('transcript.play', { time, unit: segment.unitName })} onClick={() => onPlay(segment)}>
						▶ {time}
					</button>
				) : (
					time
				)}
			</span>
			<span className="who">{segment.unitName}</span>
			<div className="what">
				{editing ? (
					<SegmentEditor meetingId={meetingId} segment={segment} onCancel={onCancel} onSaved={onSaved} />
				) : (
					<>
						<p className="text">
							{segment.text}
							{low && (
								<span className="mark low" title={t('transcript.lowConfidenceHint', { percent: Math.round(segment.confidence * 100) })}>
									{' '}
									⚠ {t('transcript.lowConfidence')}
								</span>
							)}
							{segment.editedBy && (
								<span className="mark edited" data-testid="segment-edited">
									{' '}
									· {t('transcript.edited')} ({t('transcript.editedBy', { name: segment.editedBy.name, time: segment.editedAt ? formatTime(segment.editedAt, locale) : '–' })})
								</span>
							)}
						</p>
						{corrected && (
							<p className="machine">
								<span>{t('transcript.machine')}</span> {segment.machineText}
							</p>
						)}
					</>
				)}
			</div>
			{canEdit && !editing && (
				<button ref={editButton} type="button" className="edit" aria-label={t('transcript.editLabel', { unit: segment.unitName, time })} onClick={() => onEdit(segment.id)}>
					{t('transcript.edit')}
				</button>
			)}
		</li>
	);
}, sameRow);

function SegmentEditor({
	meetingId,
	segment,
	onCancel,
	onSaved,
}: {
	meetingId: string;
	segment: TranscriptSegmentView;
	onCancel: () => void;
	onSaved: (segment: TranscriptSegmentView) => void;
}) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const [draft, setDraft] = useState(segment.text);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);

	const send = (text: string) => {
		setBusy(true);
		setError(null);
		api<TranscriptSegmentView>('PATCH', `/api/meetings/${meetingId}/transcript/${segment.id}`, { text })
			.then(onSaved)
			.catch((e: unknown) => {
				setError(saveError(e, t, errorText));
				setBusy(false);
			});
	};
	const save = () => {
		if (draft === segment.text) {
			onCancel();
			return;
		}
		send(draft);
	};
	const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
		if (event.key === 'Escape') {
			event.preventDefault();
			onCancel();
		} else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
			event.preventDefault();
			save();
		}
	};
	const id = `segment-edit-${segment.id}`;
	return (
		<form
			className="segment-editor"
			onSubmit={(e) => {
				e.preventDefault();
				save();
			}}
		>
			<label htmlFor={id} className="meta">
				{t('transcript.editHint')}
			</label>
			<textarea id={id} value={draft} maxLength={4000} autoFocus disabled={busy} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} data-testid="segment-textarea" />
			<p className="machine">
				<span>{t('transcript.machine')}</span> {segment.machineText}
			</p>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
			<div className="actions">
				<button type="submit" className="primary" disabled={busy}>
					{busy ? t('transcript.saving') : t('transcript.save')}
				</button>
				<button type="button" disabled={busy} onClick={onCancel}>
					{t('transcript.cancel')}
				</button>
				{segment.editedBy && (
					<button type="button" disabled={busy} onClick={() => send('')} data-testid="segment-restore">
						{t('transcript.restore')}
					</button>
				)}
			</div>
		</form>
	);
}

/** Why a correction was not saved, in the current language; the server's English stays out. */
function saveError(error: unknown, t: ReturnType<typeof useI18n>['t'], errorText: (error: unknown) => string): string {
	if (!(error instanceof ApiError)) {
		return t('transcript.error.other', { message: errorText(error) });
	}
	switch (error.code) {
		case 'network':
			return t('transcript.error.network');
		case 'forbidden':
		case 'unauthorized':
			return t('transcript.error.forbidden');
		case 'not_found':
			return t('transcript.error.notFound');
		case 'invalid_payload':
		case 'payload_too_large':
			return t('transcript.error.invalid');
		case 'conflict':
		case 'invalid_state':
			return t('transcript.error.conflict', { message: errorText(error) });
		case 'rate_limited':
			return t('transcript.error.rateLimited');
		case 'unavailable':
		case 'internal':
			return t('transcript.error.other', { message: errorText(error) });
	}
}
