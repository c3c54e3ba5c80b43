import { useEffect, useState } from 'react';
import type { District } from '#shared/api/units.ts';
import { useI18n } from '../i18n/index.tsx';

export function DistrictCard() {
	const { t } = useI18n();
	const [district, setDistrict] = useState<District | null | 'error'>(null);
	useEffect(() => {
		fetch('/api/district')
			.then(async (res) => (res.ok ? setDistrict((await res.json()) as District) : setDistrict('error')))
			.catch(() => setDistrict('error'));
	}, []);
	if (district === null) {
		return <p className="card">{t('district.loading')}</p>;
	}
	if (district === 'error') {
		return <p className="card">{t('district.unavailable')}</p>;
	}
	return (
		<section className="card" aria-labelledby="district-title">
			<h2 id="district-title" data-testid="district-authority">
				{district.authority}
			</h2>
			<p>
				<strong>{t('district.host')}:</strong> {district.name}
			</p>
			<h3>{t('district.points', { count: district.communes.length + 1 })}</h3>
			<ul className="units">
				{district.communes.map((unit) => (
					<li key={unit.id}>{unit.name}</li>
				))}
			</ul>
		</section>
	);
}
