import { useCallback, useEffect, useState } from 'react';
import type { ManagedUnit } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { NavLink } from '../meetings/nav-link.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { AccountsPage } from './accounts-page.tsx';
import { UnitsPage } from './units-page.tsx';
import './admin.css';

export type AdminTab = 'units' | 'accounts';

/** The units the administrator manages (GET /api/units), shared by both tabs, reloaded after every change. */
export type UnitsState = { units: ManagedUnit[] | null; error: unknown; reload: () => void };

function useManagedUnits(): UnitsState {
	const [units, setUnits] = useState<ManagedUnit[] | null>(null);
	const [error, setError] = useState<unknown>(null);
	const reload = useCallback(() => {
		api<ManagedUnit[]>('GET', '/api/units').then(
			(list) => {
				setUnits(list);
				setError(null);
			},
			(e: unknown) => setError(e)
		);
	}, []);
	useEffect(reload, [reload]);
	return { units, error, reload };
}

/** /admin/units and /admin/accounts: the administration of the host unit and the units below it (role admin). */
export function AdminPage({ tab }: { tab: AdminTab }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const { user } = useSession();
	const state = useManagedUnits();
	if (user?.role !== 'admin') {
		return (
			<p role="alert" className="card error">
				{t('errors.code.forbidden')}
			</p>
		);
	}
	return (
		<section className="card wide admin-page" aria-labelledby="admin-title">
			<h2 id="admin-title">{t('admin.title')}</h2>
			<nav className="tabs" aria-label={t('admin.title')}>
				<NavLink to="/admin/units" aria-current={tab === 'units' ? 'page' : undefined} data-testid="tab-units">
					{t('admin.tab.units')}
				</NavLink>
				<NavLink to="/admin/accounts" aria-current={tab === 'accounts' ? 'page' : undefined} data-testid="tab-accounts">
					{t('admin.tab.accounts')}
				</NavLink>
			</nav>
			{state.error !== null && (
				<p role="alert" className="inline-error">
					{t('admin.loadFailed', { message: errorText(state.error) })}{' '}
					<button type="button" onClick={state.reload}>
						{t('list.retry')}
					</button>
				</p>
			)}
			{state.units === null ? (
				state.error === null && <p>{t('admin.loading')}</p>
			) : tab === 'units' ? (
				<UnitsPage units={state.units} reload={state.reload} />
			) : (
				<AccountsPage units={state.units} />
			)}
		</section>
	);
}
