import type { MinutesContent } from '#shared/api/minutes.ts';
import { isRichEmpty } from '#shared/minutes/rich-text.ts';
import { useI18n } from '../i18n/index.tsx';
import { formatClock, formatDateTime, formatDay } from '../ui/format-date.ts';
import { RichView } from './rich-view.tsx';

const day = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? value.split('-').reverse().join('/') : value);
const when = (value: string) => (value ? formatDateTime(value) : '');

/**
 * Minutes as data, read-only, in the order of the printed page: for a version of the history and
 * for minutes past the draft (the print preview beside it shows the exact layout).
 */
export function ContentView({ content, reference }: { content: MinutesContent; reference?: string | null }) {
	const { t } = useI18n();
	const { header, session } = content;
	const empty = <span className="meta">{t('minutesView.empty')}</span>;
	return (
		<article className="minutes-content" data-testid="minutes-content-view">
			<header className="minutes-content-header">
				<div>
					{header.parentBody && <div>{header.parentBody}</div>}
					<strong>{header.issuingBody}</strong>
					<div>{reference ? t('minutesView.number', { reference }) : t('minutesView.numberBlank', { symbol: header.symbol })}</div>
				</div>
				<div className="meta">
					{header.place}
					{header.date && `, ${day(header.date)}`}
				</div>
			</header>
			<h4 className="minutes-content-title">{t('minutesView.title')}</h4>
			<p className="minutes-content-summary">{header.summary || empty}</p>
			<dl className="meeting-facts">
				<dt>{t('minutesView.time')}</dt>
				<dd>
					{session.startedAt ? when(session.startedAt) : empty}
					{session.endedAt && ` – ${formatDay(session.endedAt) === formatDay(session.startedAt || session.endedAt) ? formatClock(session.endedAt) : when(session.endedAt)}`}
				</dd>
				<dt>{t('minutesView.location')}</dt>
				<dd>{session.location || empty}</dd>
				{session.onlinePoints && (
					<>
						<dt>{t('minutesView.online')}</dt>
						<dd>{session.onlinePoints}</dd>
					</>
				)}
				<dt>{t('minutesView.chair')}</dt>
				<dd>{[session.chair.name, session.chair.title].filter(Boolean).join(', ') || empty}</dd>
				<dt>{t('minutesView.secretary')}</dt>
				<dd>{[session.secretary.name, session.secretary.title].filter(Boolean).join(', ') || empty}</dd>
				{session.otherParticipants && (
					<>
						<dt>{t('minutesView.others')}</dt>
						<dd>{session.otherParticipants}</dd>
					</>
				)}
			</dl>
			<h5>{t('minutesView.attendance')}</h5>
			<div className="table-scroll">
				<table>
					<thead>
						<tr>
							<th>{t('minutesView.unit')}</th>
							<th>{t('minutesView.present')}</th>
							<th>{t('minutesView.joined')}</th>
							<th>{t('minutesView.left')}</th>
							<th>{t('minutesView.note')}</th>
						</tr>
					</thead>
					<tbody>
						{content.attendance.map((line) => (
							<tr key={line.id}>
								<td>{line.unitName}</td>
								<td>{t(line.present ? 'minutesView.present' : 'minutesView.absent')}</td>
								<td>{line.firstJoinAt && formatClock(line.firstJoinAt)}</td>
								<td>{line.lastLeaveAt && formatClock(line.lastLeaveAt)}</td>
								<td>{line.note}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<h5>{t('minutesView.agenda')}</h5>
			<ol className="minutes-content-agenda">
				{content.agenda.map((item) => (
					<li key={item.id}>
						<strong>{item.title || empty}</strong>
						{item.presenter && <span className="meta"> · {t('minutesView.presenter', { name: item.presenter })}</span>}
						<RichView node={item.content} />
					</li>
				))}
			</ol>
			<h5>{t('minutesView.conclusions')}</h5>
			{isRichEmpty(content.conclusions) ? <p>{empty}</p> : <RichView node={content.conclusions} />}
			{content.tasks.length > 0 && (
				<>
					<h5>{t('minutesView.tasks')}</h5>
					<div className="table-scroll">
						<table>
							<thead>
								<tr>
									<th>{t('minutesView.unit')}</th>
									<th>{t('minutesView.task')}</th>
									<th>{t('minutesView.deadline')}</th>
								</tr>
							</thead>
							<tbody>
								{content.tasks.map((task) => (
									<tr key={task.id}>
										<td>{task.unitName}</td>
										<td>{task.text}</td>
										<td>{day(task.deadline)}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</>
			)}
			<h5>{t('minutesView.signers')}</h5>
			<div className="minutes-content-signers">
				{content.signers.map((signer) => (
					<div key={signer.role}>
						<strong>{signer.title}</strong>
						<div>{signer.name || empty}</div>
					</div>
				))}
			</div>
			<h5>{t('minutesView.recipients')}</h5>
			<ul className="minutes-content-recipients">
				{content.recipients.map((r) => (
					<li key={r.id}>{r.name}</li>
				))}
				<li>{t('minutesView.archive', { archive: content.archive })}</li>
			</ul>
		</article>
	);
}
