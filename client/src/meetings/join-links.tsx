import { useEffect, useRef, useState } from 'react';
import type { JoinLink, MeetingDetail } from '#shared/api/meetings.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { formatRange } from '../ui/format-date.ts';
import { freshLinks } from './fresh-links.ts';

const byName = new Intl.Collator('vi');

/** How long "Đã sao chép" stays on a button. */
const COPIED_MS = 3000;

/**
 * Puts `text` on the clipboard. The Clipboard API exists only on secure pages (https, localhost):
 * a server reached by plain http on the office network gets the old select-and-copy instead.
 */
export async function copyText(text: string): Promise<boolean> {
	try {
		if (navigator.clipboard && window.isSecureContext) {
			await navigator.clipboard.writeText(text);
			return true;
		}
	} catch {
		// Refused (no permission, page not focused): try the old way.
	}
	const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
	const area = document.createElement('textarea');
	area.value = text;
	area.setAttribute('readonly', '');
	area.style.position = 'fixed';
	area.style.opacity = '0';
	document.body.append(area);
	area.select();
	let copied = false;
	try {
		// Deprecated, but the only way without the Clipboard API.
		copied = document.execCommand('copy');
	} catch {
		copied = false;
	}
	area.remove();
	focused?.focus();
	return copied;
}

/** Links of this meeting known to this tab (the schedule form and renewals keep them in sessionStorage). */
function knownLinks(meetingId: string): JoinLink[] {
	return freshLinks.get(meetingId) ?? [];
}

type UnitNotice = { unitId: string; kind: 'done' | 'error'; text: string };

/**
 * The invited units with their join links, for the host unit's administrator to hand out: copy one,
 * copy all as "Xã …: link" lines for Zalo or e-mail, print the list; renew a lost link (asking first:
 * the old one stops working). Others see the invited units only.
 */
export function JoinLinks({ meeting, manage }: { meeting: MeetingDetail; manage: boolean }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const confirm = useConfirm();
	const [links, setLinks] = useState<JoinLink[]>(() => knownLinks(meeting.id));
	const [copied, setCopied] = useState<string | null>(null);
	const [status, setStatus] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);
	const [unitNotice, setUnitNotice] = useState<UnitNotice | null>(null);
	const [renewing, setRenewing] = useState<string | null>(null);
	const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

	useEffect(() => setLinks(knownLinks(meeting.id)), [meeting.id]);
	useEffect(() => () => clearTimeout(timer.current), []);

	// By name, as the roll call and the printed list: the order staff look a commune up in.
	const units = meeting.invitations.filter((i) => !i.revoked).sort((a, b) => byName.compare(a.unitName, b.unitName));
	const linkOf = (unitId: string) => links.find((l) => l.unitId === unitId);
	const shown = manage ? units.flatMap((u) => (linkOf(u.unitId) ? [{ unit: u, url: linkOf(u.unitId)!.url }] : [])) : [];
	const when = formatRange(meeting.startsAt, meeting.endsAt);

	const flash = (what: string) => {
		setCopied(what);
		clearTimeout(timer.current);
		timer.current = setTimeout(() => setCopied(null), COPIED_MS);
	};

	const copyOne = async (unitName: string, unitId: string, url: string) => {
		if (await copyText(url)) {
			flash(unitId);
			setStatus({ kind: 'done', text: `${t('links.copied')}: ${unitName}` });
		} else {
			setStatus({ kind: 'error', text: t('links.copyFailed') });
		}
	};

	const copyAll = async () => {
		const text = [t('links.copyAllHeader', { title: meeting.title, time: when }), ...shown.map((s) => `${s.unit.unitName}: ${s.url}`)].join('\n');
		if (await copyText(text)) {
			flash('all');
			setStatus({ kind: 'done', text: t('links.copiedAll', { count: shown.length }) });
		} else {
			setStatus({ kind: 'error', text: t('links.copyFailed') });
		}
	};

	const print = () => {
		// Only the list is printed (meetings.css); the class goes when the print dialog closes.
		const root = document.documentElement;
		root.classList.add('print-join-links');
		const done = () => {
			root.classList.remove('print-join-links');
			window.removeEventListener('afterprint', done);
		};
		window.addEventListener('afterprint', done);
		window.print();
	};

	const renew = async (unitId: string, unitName: string) => {
		const answer = await confirm({
			title: t('links.renewTitle', { unit: unitName }),
			message: t(meeting.status === 'live' ? 'links.renewMessageLive' : 'links.renewMessage', { unit: unitName }),
			choices: [{ value: 'renew', label: t('links.renew'), danger: true, testId: 'confirm-renew-link' }],
		});
		if (answer !== 'renew') {
			return;
		}
		setRenewing(unitId);
		setUnitNotice(null);
		try {
			const fresh = await api<JoinLink>('POST', `/api/meetings/${meeting.id}/invitations/${unitId}/link`);
			freshLinks.set(meeting.id, [fresh]);
			setLinks(knownLinks(meeting.id));
			setUnitNotice({ unitId, kind: 'done', text: t('links.renewed', { unit: unitName }) });
		} catch (e) {
			setUnitNotice({ unitId, kind: 'error', text: errorText(e) });
		} finally {
			setRenewing(null);
		}
	};

	return (
		<section className="join-links" aria-labelledby="join-links-title">
			<h3 id="join-links-title">{manage ? t('links.title') : t('detail.invited')}</h3>
			{manage && (
				<>
					<p>{t('links.intro')}</p>
					{shown.length < units.length && <p className="notice" data-testid="links-only-once">{t('links.onlyOnce')}</p>}
					{shown.length > 0 && (
						<div className="actions wrap">
							<button type="button" className="primary" data-testid="copy-all-links" onClick={() => void copyAll()}>
								{copied === 'all' ? `✓ ${t('links.copied')}` : t('links.copyAll')}
							</button>
							<button type="button" data-testid="print-links" onClick={print}>
								{t('links.print')}
							</button>
						</div>
					)}
					<p role="status" className={status?.kind === 'error' ? 'inline-error' : 'inline-done'} data-testid="links-status">
						{status?.text}
					</p>
				</>
			)}
			<ul className="links" data-testid="join-links">
				{units.map((u) => {
					const link = manage ? linkOf(u.unitId) : undefined;
					const note = unitNotice?.unitId === u.unitId ? unitNotice : null;
					return (
						<li key={u.unitId} data-unit={u.unitId} data-has-link={String(Boolean(link))}>
							<span className="unit-name">{u.unitName}</span>
							{link ? (
								<>
									<input readOnly value={link.url} aria-label={t('links.unitLink', { unit: u.unitName })} onFocus={(e) => e.target.select()} />
									<button
										type="button"
										data-testid="copy-link"
										aria-label={t('links.copyUnit', { unit: u.unitName })}
										onClick={() => void copyOne(u.unitName, u.unitId, link.url)}
									>
										{copied === u.unitId ? `✓ ${t('links.copied')}` : t('links.copy')}
									</button>
								</>
							) : (
								manage && <span className="meta no-link">{t('links.notShown')}</span>
							)}
							{manage && (
								<button
									type="button"
									data-testid="renew-link"
									aria-label={t('links.renewUnit', { unit: u.unitName })}
									disabled={renewing === u.unitId}
									onClick={() => void renew(u.unitId, u.unitName)}
								>
									{t('links.renew')}
								</button>
							)}
							{note && (
								<span role={note.kind === 'error' ? 'alert' : 'status'} className={`unit-notice ${note.kind === 'error' ? 'inline-error' : 'inline-done'}`}>
									{note.text}
								</span>
							)}
						</li>
					);
				})}
			</ul>
			{shown.length > 0 && (
				<div className="print-links" aria-hidden="true">
					<h1>{t('links.printTitle', { title: meeting.title })}</h1>
					<p>
						{when}
						{meeting.location && ` · ${meeting.location}`}
					</p>
					<table>
						<thead>
							<tr>
								<th>{t('links.printUnit')}</th>
								<th>{t('links.printLink')}</th>
							</tr>
						</thead>
						<tbody>
							{shown.map((s) => (
								<tr key={s.unit.unitId}>
									<td>{s.unit.unitName}</td>
									<td>{s.url}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</section>
	);
}
