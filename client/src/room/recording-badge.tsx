import { useEffect, useState } from 'react';
import type { RoomSnapshot } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';

/**
 * Every site must see that it is being recorded, and a screen reader user must hear it: when
 * joining and whenever the chair pauses or resumes. The live region starts empty and is filled
 * after mounting, because screen readers announce changes, not what a region held from the start.
 */
export function RecordingBadge({ recording }: { recording: RoomSnapshot['recording'] | undefined }) {
	const { t } = useI18n();
	const state = !recording?.enabled ? 'off' : recording.paused ? 'paused' : 'on';
	const [announcement, setAnnouncement] = useState('');
	useEffect(() => {
		setAnnouncement(state === 'on' ? t('room.recording.announceOn') : state === 'paused' ? t('room.recording.announcePaused') : '');
	}, [state, t]);
	return (
		<>
			{state !== 'off' && (
				<span className={`recording-badge ${state}`} data-testid="recording-badge" data-state={state}>
					{state === 'on' && <span className="rec-dot" aria-hidden="true" />}
					{t(state === 'on' ? 'room.recording.on' : 'room.recording.paused')}
				</span>
			)}
			<span className="sr-status" role="status" aria-live="polite">
				{announcement}
			</span>
		</>
	);
}
