import { useCallback, useEffect, useState } from 'react';
import type { MinutesVersionContent, MinutesVersionView, MinutesView } from '#shared/api/minutes.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { formatDateTime } from '../ui/format-date.ts';
import { ContentView } from './content-view.tsx';

/**
 * The history: every frozen version (drafted, autosaved, submitted, returned, …) with who and
 * when; any one can be read, and while the draft is open a secretary can bring one back. A
 * restore is a new change on top: the list only grows.
 */
export function VersionsPanel({ minutes, refreshKey, onRestored }: { minutes: MinutesView; refreshKey: number; onRestored: (view: MinutesView, time: string) => void }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const confirm = useConfirm();
	const [versions, setVersions] = useState<MinutesVersionView[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [open, setOpen] = useState<MinutesVersionContent | null>(null);
	const [busy, setBusy] = useState(false);

	const load = useCallback(() => {
		api<MinutesVersionView[]>('GET', `/api/minutes/${minutes.id}/versions`).then(
			(list) => {
				setVersions(list);
				setError(null);
			},
			(e: unknown) => setError(errorText(e))
		);
	}, [minutes.id, errorText]);
	// The workflow freezes a version at each step: the list follows the minutes' status and seq.
	useEffect(load, [load, minutes.status, minutes.updatedAt, refreshKey]);

	const view = async (version: MinutesVersionView) => {
		setBusy(true);
		try {
			setOpen(await api<MinutesVersionContent>('GET', `/api/minutes/${minutes.id}/versions/${version.id}`));
			setError(null);
		} catch (e) {
			setError(errorText(e));
		} finally {
			setBusy(false);
		}
	};

	const restore = async (version: MinutesVersionView) => {
		const time = formatDateTime(version.createdAt);
		const answer = await confirm({
			title: t('minutesPage.versions.restoreTitle', { time }),
			message: t('minutesPage.versions.restoreMessage'),
			choices: [{ value: 'restore', label: t('minutesPage.versions.restoreConfirm'), testId: 'confirm-restore-version' }],
		});
		if (answer !== 'restore') {
			return;
		}
		setBusy(true);
		try {
			const updated = await api<MinutesView>('POST', `/api/minutes/${minutes.id}/versions/${version.id}/restore`);
			setOpen(null);
			setError(null);
			onRestored(updated, time);
			load();
		} catch (e) {
			setError(errorText(e));
		} finally {
			setBusy(false);
		}
	};

	// Newest first: the version people look for is usually the last few.
	const rows = versions ? [...versions].reverse() : [];
	return (
		<section className="minutes-versions" aria-labelledby="minutes-versions-title" data-testid="minutes-versions">
			<h3 id="minutes-versions-title">{t('minutesPage.versions.title')}</h3>
			{error && (
				<p role="alert" className="inline-error">
					{error}
				</p>
			)}
			{versions?.length === 0 && <p className="meta">{t('minutesPage.versions.empty')}</p>}
			{rows.length > 0 && (
				<div className="table-scroll">
					<table>
						<thead>
							<tr>
								<th>{t('minutesPage.versions.when')}</th>
								<th>{t('minutesPage.versions.kind')}</th>
								<th>{t('minutesPage.versions.who')}</th>
								<th>{t('minutesPage.versions.comment')}</th>
								<th />
							</tr>
						</thead>
						<tbody>
							{rows.map((version) => {
								const time = formatDateTime(version.createdAt);
								return (
									<tr key={version.id} data-version={version.id} data-kind={version.kind} className={open?.version.id === version.id ? 'selected' : undefined}>
										<td>{time}</td>
										<td>{t(`minutesVersion.kind.${version.kind}`)}</td>
										<td>{version.createdBy?.displayName ?? t('minutesPage.versions.system')}</td>
										<td>{version.comment}</td>
										<td className="row-actions">
											<button type="button" className="small" disabled={busy} aria-label={t('minutesPage.versions.viewLabel', { time })} onClick={() => void view(version)} data-testid="version-view">
												{t('minutesPage.versions.view')}
											</button>
											{minutes.abilities.canRestore && (
												<button type="button" className="small" disabled={busy} aria-label={t('minutesPage.versions.restoreLabel', { time })} onClick={() => void restore(version)} data-testid="version-restore">
													{t('minutesPage.versions.restore')}
												</button>
											)}
										</td>
									</tr>
								);
							})}
						</tbody>
					</table>
				</div>
			)}
			{open && (
				<div className="minutes-version-open" data-testid="version-open" data-version={open.version.id}>
					<div className="row">
						<h4>{t('minutesPage.versions.viewing', { time: formatDateTime(open.version.createdAt), kind: t(`minutesVersion.kind.${open.version.kind}`) })}</h4>
						<button type="button" className="small" onClick={() => setOpen(null)}>
							{t('minutesPage.versions.close')}
						</button>
					</div>
					<ContentView content={open.content} />
				</div>
			)}
		</section>
	);
}
