import { useEffect, useState } from 'react';
import type { MeetingDetail } from '#shared/api/meetings.ts';
import type { MinutesView } from '#shared/api/minutes.ts';
import { api, ApiError } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { NavLink } from '../meetings/nav-link.tsx';
import { navigate } from '../router.tsx';
import { errorCause, useErrorText } from '../ui/error-text.ts';

type State = { kind: 'loading' } | { kind: 'none' } | { kind: 'hidden' } | { kind: 'shown'; minutes: MinutesView } | { kind: 'failed'; error: unknown };

/**
 * The meeting page's "Biên bản" part, for the host unit (the working minutes are its own paper
 * until issued): a link to the minutes with their step, or, once the meeting has started and
 * none exist, "Lập biên bản" for a secretary or administrator, which drafts them and opens them.
 */
export function MeetingMinutes({ meeting }: { meeting: MeetingDetail }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const { user } = useSession();
	const [state, setState] = useState<State>({ kind: 'loading' });
	const [creating, setCreating] = useState(false);
	const [createError, setCreateError] = useState<unknown>(null);
	const hostUser = user !== null && user.unit.id === meeting.hostUnit.id;
	const writer = hostUser && (user.role === 'secretary' || user.role === 'admin');
	const started = meeting.startedAt !== null;

	useEffect(() => {
		if (!hostUser) {
			setState({ kind: 'hidden' });
			return undefined;
		}
		let live = true;
		setState({ kind: 'loading' });
		api<MinutesView>('GET', `/api/meetings/${meeting.id}/minutes`).then(
			(minutes) => live && setState({ kind: 'shown', minutes }),
			(e: unknown) => {
				if (!live) {
					return;
				}
				if (e instanceof ApiError && e.status === 404) {
					setState({ kind: 'none' });
				} else if (e instanceof ApiError && e.status === 403) {
					setState({ kind: 'hidden' });
				} else {
					setState({ kind: 'failed', error: e });
				}
			}
		);
		return () => {
			live = false;
		};
	}, [meeting.id, hostUser, meeting.status]);

	if (state.kind === 'hidden' || state.kind === 'loading' || (state.kind === 'none' && !started && meeting.status !== 'ended')) {
		return null;
	}

	const create = async () => {
		setCreating(true);
		setCreateError(null);
		try {
			const minutes = await api<MinutesView>('POST', `/api/meetings/${meeting.id}/minutes`);
			navigate(`/minutes/${minutes.id}`);
		} catch (e) {
			// Someone else drafted them a moment ago: open theirs.
			if (errorCause(e).reason === 'minutes_exists') {
				try {
					const existing = await api<MinutesView>('GET', `/api/meetings/${meeting.id}/minutes`);
					navigate(`/minutes/${existing.id}`);
					return;
				} catch {
					// Fall through to the first error.
				}
			}
			setCreateError(e);
			setCreating(false);
		}
	};

	return (
		<section className="meeting-minutes" aria-labelledby="meeting-minutes-title" data-testid="meeting-minutes" data-state={state.kind === 'shown' ? state.minutes.status : state.kind}>
			<h3 id="meeting-minutes-title">{t('meetingMinutes.title')}</h3>
			{state.kind === 'failed' && (
				<p role="alert" className="inline-error">
					{errorText(state.error)}
				</p>
			)}
			{state.kind === 'shown' && (
				<p className="actions wrap">
					<NavLink to={`/minutes/${state.minutes.id}`} className="button" data-testid="open-minutes">
						{t('meetingMinutes.open')}
					</NavLink>
					<span data-testid="meeting-minutes-status">
						{t('meetingMinutes.state', { status: t(`minutesStatus.${state.minutes.status}`) })}
						{state.minutes.document && ` · ${t('meetingMinutes.issued', { reference: state.minutes.document.reference })}`}
					</span>
				</p>
			)}
			{state.kind === 'none' && !started && <p className="meta">{t('meetingMinutes.notStarted')}</p>}
			{state.kind === 'none' && started && !writer && <p className="meta">{t('meetingMinutes.none')} {t('meetingMinutes.waitSecretary')}</p>}
			{state.kind === 'none' && started && writer && (
				<>
					<p className="meta">{t('meetingMinutes.createHelp')}</p>
					<div className="actions">
						<button type="button" className="primary" disabled={creating} onClick={() => void create()} data-testid="create-minutes">
							{t('meetingMinutes.create')}
						</button>
						{creating && <span role="status">{t('meetingMinutes.creating')}</span>}
					</div>
				</>
			)}
			{createError !== null && (
				<p role="alert" className="inline-error" data-testid="create-minutes-error">
					{errorText(createError)}
				</p>
			)}
		</section>
	);
}
