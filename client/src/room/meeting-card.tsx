import { useI18n } from '../i18n/index.tsx';
import { formatRange } from '../ui/format-date.ts';
import type { MeetingInfo } from './meeting-check.ts';
import './join.css';

/** "Bạn vào họp với tư cách: …": the unit of a link, or the person and their unit. */
export function JoinAs({ info }: { info: MeetingInfo }) {
	const { t } = useI18n();
	const name = info.joinAs.unit ? t('join.as.person', { name: info.joinAs.name, unit: info.joinAs.unit }) : info.joinAs.name;
	return (
		<p className="join-as" data-testid="join-as">
			{t('join.as', { name })}
		</p>
	);
}

/**
 * The meeting being joined: title, time, place, host and chair, as on an invitation. `compact`
 * (under a heading that already names the meeting): only the time and the chair.
 */
export function MeetingCard({ info, compact = false }: { info: MeetingInfo; compact?: boolean }) {
	const { t } = useI18n();
	return (
		<div className="meeting-card" data-testid="meeting-card" data-meeting-id={info.meetingId}>
			{!compact && (
				<p className="meeting-card-title">
					<strong data-testid="meeting-card-title">{info.title}</strong>{' '}
					<span className={`status ${info.status}`}>{t(info.status === 'live' ? 'join.card.live' : 'join.card.scheduled')}</span>
				</p>
			)}
			<dl className="meeting-card-facts">
				<dt>{t('join.card.time')}</dt>
				<dd>{formatRange(info.startsAt, info.endsAt)}</dd>
				{!compact && info.location && (
					<>
						<dt>{t('join.card.place')}</dt>
						<dd>{info.location}</dd>
					</>
				)}
				<dt>{t('join.card.chair')}</dt>
				<dd data-testid="meeting-card-chair">{info.chairName ?? t('join.card.noChair')}</dd>
				{!compact && (
					<>
						<dt>{t('join.card.host')}</dt>
						<dd>{info.hostUnitName}</dd>
					</>
				)}
			</dl>
		</div>
	);
}
