import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { navigate } from '../router.tsx';
import type { MeetingInfo } from './meeting-check.ts';
import type { CloseReason } from './room-client.ts';
import './join.css';

/** Reasons after which joining again can work at once: the site chose to go, or the connection or another window took it out. */
const REJOINABLE: ReadonlySet<CloseReason> = new Set<CloseReason>(['left', 'replaced', 'error', 'removed']);

const MESSAGES: Record<CloseReason, MessageKey> = {
	ended: 'join.end.ended',
	removed: 'join.end.removed',
	denied: 'join.end.denied',
	replaced: 'join.end.replaced',
	revoked: 'join.end.revoked',
	left: 'join.end.left',
	error: 'join.end.error',
};

/**
 * What a site sees once it is out of the room, whatever the reason: the reason in words and the
 * ways on (join again, the schedule, the meeting's documents), never a line of text alone.
 */
export function EndScreen({
	reason,
	info,
	errorText,
	cancelledWaiting,
	signedIn,
	onRejoin,
}: {
	reason: CloseReason;
	info: MeetingInfo | null;
	/** For 'error': the cause in the user's language. */
	errorText: string | null;
	cancelledWaiting: boolean;
	signedIn: boolean;
	onRejoin: () => void;
}) {
	const { t } = useI18n();
	const message = cancelledWaiting && reason === 'left' ? 'join.end.cancelledWaiting' : MESSAGES[reason];
	return (
		<section className="card wide end-screen" role="status" aria-labelledby="end-title" data-testid="room-state" data-state="closed" data-reason={reason}>
			<h2 id="end-title">{info?.title ?? t('join.end.title')}</h2>
			<p className="end-reason" data-testid="end-reason">
				{t(message)}
			</p>
			{reason === 'error' && errorText && (
				<p className="end-detail" data-testid="end-error">
					{errorText}
				</p>
			)}
			<div className="actions wrap end-actions">
				{REJOINABLE.has(reason) && (
					<button type="button" className="primary big" data-testid="end-rejoin" onClick={onRejoin}>
						{t('join.rejoin')}
					</button>
				)}
				{signedIn ? (
					<button type="button" className="big" data-testid="end-schedule" onClick={() => navigate('/')}>
						{t('join.schedule')}
					</button>
				) : (
					<button type="button" className="big" data-testid="end-home" onClick={() => navigate('/')}>
						{t('join.home')}
					</button>
				)}
				{info?.canViewPage && (
					<button type="button" className="big" data-testid="end-documents" onClick={() => navigate(`/meetings/${info.meetingId}`)}>
						{t('join.documents')}
					</button>
				)}
			</div>
		</section>
	);
}

/** The pre-join check failed: a dead link, a meeting that is over, no right to join. No camera was asked for. */
export function JoinRefused({ text, reason, signedIn, onRetry }: { text: string; reason: string; signedIn: boolean; onRetry: (() => void) | null }) {
	const { t } = useI18n();
	return (
		<section className="card wide end-screen" aria-labelledby="refused-title" data-testid="join-refused" data-reason={reason}>
			<h2 id="refused-title">{t('join.refused.title')}</h2>
			<p role="alert" className="end-reason">
				{text}
			</p>
			<div className="actions wrap end-actions">
				{onRetry && (
					<button type="button" className="big" data-testid="refused-retry" onClick={onRetry}>
						{t('join.retry')}
					</button>
				)}
				<button type="button" className="primary big" data-testid="refused-home" onClick={() => navigate('/')}>
					{t(signedIn ? 'join.schedule' : 'join.home')}
				</button>
			</div>
		</section>
	);
}
