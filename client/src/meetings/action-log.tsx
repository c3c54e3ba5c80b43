import { isMeetingActionCode } from '#shared/api/audit.ts';
import type { MeetingActionEntry, MeetingDetail } from '#shared/api/meetings.ts';
import { useI18n } from '../i18n/index.tsx';
import { formatClock, formatDateTime, formatDay } from '../ui/format-date.ts';

/**
 * Who did what during the meeting (mute, remove, admit…), for the whole host unit: the secretary
 * writes the minutes from it. Oldest first, as the meeting went.
 */
export function ActionLog({ entries, meeting }: { entries: MeetingActionEntry[]; meeting: MeetingDetail }) {
	const { t } = useI18n();
	const unitNames = new Map([[meeting.hostUnit.id, meeting.hostUnit.name], ...meeting.invitations.map((i): [string, string] => [i.unitId, i.unitName])]);
	// Every code of MEETING_ACTIONS has a message (a missing one fails the typecheck); unknown ones are shown as they are.
	const actionLabel = (code: string): string => (isMeetingActionCode(code) ? t(`action.${code}`) : code);
	// The log spans scheduling days before the meeting: the date shows when it is not the meeting's day.
	const time = (iso: string) => (formatDay(iso) === formatDay(meeting.startsAt) ? formatClock(iso) : formatDateTime(iso));

	return (
		<section className="action-log" aria-labelledby="action-log-title" data-testid="action-log">
			<h3 id="action-log-title">{t('log.title')}</h3>
			{entries.length === 0 ? (
				<p className="meta">{t('log.empty')}</p>
			) : (
				<div className="table-scroll">
					<table data-testid="actions">
						<thead>
							<tr>
								<th scope="col">{t('log.time')}</th>
								<th scope="col">{t('log.actor')}</th>
								<th scope="col">{t('log.action')}</th>
								<th scope="col">{t('log.target')}</th>
							</tr>
						</thead>
						<tbody>
							{entries.map((a, i) => (
								<tr key={i} data-action={a.action}>
									<td>{time(a.at)}</td>
									<td>{a.actor ?? t('log.system')}</td>
									<td>{actionLabel(a.action)}</td>
									<td>{a.targetUnitId ? (unitNames.get(a.targetUnitId) ?? a.targetUnitId) : ''}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</section>
	);
}
