import { useEffect, useState } from 'react';
import type { HostUnit } from '#shared/api/units.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';

/**
 * The host unit (a province, a city, or a district of the three-tier era) and its conference
 * points, on the start screen before anyone signs in. Worded for any level: the name says which.
 */
export function HostUnitCard() {
	const { t } = useI18n();
	const [host, setHost] = useState<HostUnit | null | 'missing' | 'error'>(null);
	useEffect(() => {
		fetch('/api/host-unit')
			.then(async (res) => setHost(res.ok ? ((await res.json()) as HostUnit) : res.status === 404 ? 'missing' : 'error'))
			.catch(() => setHost('error'));
	}, []);
	if (host === null) {
		return <p className="card">{t('hostUnit.loading')}</p>;
	}
	if (host === 'error' || host === 'missing') {
		return (
			<p className="card">
				{t('hostUnit.unavailable')}
				{/* Only the one holding the printed setup code can use the page; the link saves typing its address. */}
				{host === 'missing' && (
					<>
						{' '}
						<Link to="/setup">{t('hostUnit.setup')}</Link>
					</>
				)}
			</p>
		);
	}
	return (
		<section className="card" aria-labelledby="host-unit-title">
			<h2 id="host-unit-title" data-testid="district-authority">
				{host.authority}
			</h2>
			<p>
				<strong>{t('hostUnit.host')}:</strong> <span data-testid="host-unit-name">{host.name}</span>
			</p>
			<h3>{t('hostUnit.points', { count: host.members.length + 1 })}</h3>
			<ul className="units" data-testid="host-unit-members">
				{host.members.map((unit) => (
					<li key={unit.id}>{unit.name}</li>
				))}
			</ul>
		</section>
	);
}
