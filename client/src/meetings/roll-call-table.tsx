import type { AttendanceEntry, RollCallEntry } from '#shared/api/meetings.ts';
import { useI18n } from '../i18n/index.tsx';
import { vi, type MessageKey } from '../i18n/vi.ts';
import { formatClock, formatDateTime, formatDay } from '../ui/format-date.ts';

/**
 * The roll call (điểm danh) of a live or ended meeting: one row per unit, host first, as the
 * secretary copies it into the minutes, with a CSV for Excel; the raw joins and leaves stay below,
 * folded, for when a row needs explaining.
 */
export function RollCall({
	meetingId,
	meetingStart,
	live,
	entries,
	attendance,
}: {
	meetingId: string;
	meetingStart: string;
	live: boolean;
	/** null while loading; 'unavailable' when the server gives none (then the events are unfolded). */
	entries: RollCallEntry[] | 'unavailable' | null;
	attendance: AttendanceEntry[];
}) {
	const { t } = useI18n();
	// Times on the meeting's own day need no date; a meeting past midnight shows it.
	const time = (iso: string) => (formatDay(iso) === formatDay(meetingStart) ? formatClock(iso) : formatDateTime(iso));
	/** A recorded reason in words; reasons this client does not know are shown as they are. */
	const reason = (code: string): string => {
		const key = `attendance.reason.${code}` as MessageKey;
		return key in vi ? t(key) : code;
	};
	const rows = Array.isArray(entries) ? entries : [];
	const invited = rows.filter((r) => !r.host);

	return (
		<section className="roll-call" aria-labelledby="roll-call-title">
			<div className="row">
				<h3 id="roll-call-title">{t('rollCall.title')}</h3>
				{Array.isArray(entries) && (
					<a href={`/api/meetings/${meetingId}/roll-call.csv`} download className="button" data-testid="roll-call-csv">
						{t('rollCall.csv')}
					</a>
				)}
			</div>
			{entries === 'unavailable' && <p className="meta">{t('rollCall.unavailable')}</p>}
			{Array.isArray(entries) && (
				<>
					<p data-testid="roll-call-summary">{t('rollCall.summary', { present: invited.filter((r) => r.present).length, total: invited.length })}</p>
					<div className="table-scroll">
						<table data-testid="roll-call" className="roll-call-table">
							<thead>
								<tr>
									<th scope="col">{t('rollCall.unit')}</th>
									<th scope="col">{t('rollCall.state')}</th>
									<th scope="col">{t('rollCall.firstJoined')}</th>
									<th scope="col">{t('rollCall.lastLeft')}</th>
									<th scope="col" className="number">
										{t('rollCall.minutes')}
									</th>
									<th scope="col" className="number">
										{t('rollCall.disconnections')}
									</th>
								</tr>
							</thead>
							<tbody>
								{rows.map((r) => (
									<tr key={r.unitId} data-unit={r.unitName} data-present={String(r.present)} className={r.present ? 'present' : 'absent'}>
										<th scope="row">
											{r.unitName} {r.host && <span className="meta">{t('rollCall.host')}</span>}
										</th>
										<td data-cell="state">
											<span className={`presence ${r.present ? 'present' : 'absent'}`}>{t(r.present ? 'rollCall.present' : 'rollCall.absent')}</span>
										</td>
										<td data-cell="first-joined">{r.firstJoinedAt ? time(r.firstJoinedAt) : '–'}</td>
										<td data-cell="last-left">{r.lastLeftAt ? time(r.lastLeftAt) : live && r.firstJoinedAt ? t('rollCall.stillIn') : '–'}</td>
										<td data-cell="minutes" className="number">
											{r.attendedMinutes}
										</td>
										<td data-cell="disconnections" className="number">
											{r.disconnections}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</>
			)}
			<details className="attendance-events" open={entries === 'unavailable'}>
				<summary>{t('rollCall.events', { count: attendance.length })}</summary>
				{attendance.length === 0 ? (
					<p className="meta">{t('rollCall.noEvents')}</p>
				) : null}
				<table data-testid="attendance">
					<tbody>
						{attendance.map((a, i) => (
							<tr key={i}>
								<td>{time(a.at)}</td>
								<td>{a.unitName}</td>
								<td>
									{t(`attendance.${a.kind}`)} {a.reason && `(${reason(a.reason)})`}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</details>
		</section>
	);
}
