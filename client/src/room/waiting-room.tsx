import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { JoinAs, MeetingCard } from './meeting-card.tsx';
import type { MeetingInfo } from './meeting-check.ts';
import './join.css';

/**
 * The waiting room of a locked meeting: which meeting and chair the site waits for, its own
 * picture (the camera stays on, ready for the moment the chair lets it in), and a way out.
 */
export function WaitingRoom({ info, local, onCancel }: { info: MeetingInfo | null; local: MediaStream; onCancel: () => void }) {
	const { t } = useI18n();
	const video = useRef<HTMLVideoElement>(null);
	const track = local.getVideoTracks()[0];
	useEffect(() => {
		if (video.current) {
			video.current.srcObject = track ? new MediaStream([track]) : null;
		}
	}, [track]);
	return (
		<section className="card wide waiting-room" aria-labelledby="waiting-title" data-testid="waiting-room">
			<h2 id="waiting-title">{info?.title ?? t('join.waiting.title')}</h2>
			{info && <MeetingCard info={info} compact />}
			<div className="waiting-body">
				<div className="prejoin-preview">
					{track ? (
						<video ref={video} autoPlay playsInline muted aria-label={t('join.preview')} data-testid="waiting-preview" />
					) : (
						<div className="preview-off" data-testid="waiting-preview-off">
							{t('join.preview.off')}
						</div>
					)}
				</div>
				<div className="waiting-text">
					<p className="waiting-message">
						<span className="spinner" aria-hidden="true" />
						{t('join.waiting.message')}
					</p>
					<p className="hint">{t('join.waiting.hint')}</p>
					{info && <JoinAs info={info} />}
					<button type="button" className="big" data-testid="waiting-cancel" aria-label={t('join.waiting.cancelLabel')} onClick={onCancel}>
						{t('join.waiting.cancel')}
					</button>
				</div>
			</div>
		</section>
	);
}
