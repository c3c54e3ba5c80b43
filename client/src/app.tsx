import { useI18n } from './i18n/index.tsx';
import { ConnectionCheck } from './ui/connection-check.tsx';
import { DistrictCard } from './ui/district-card.tsx';
import { useSocket } from './ui/use-socket.ts';

export function App() {
	const { t, locale, setLocale } = useI18n();
	const { socket, status } = useSocket();
	return (
		<>
			<header className="topbar">
				<div>
					<h1>{t('app.name')}</h1>
					<p className="tagline">{t('app.tagline')}</p>
				</div>
				<button type="button" onClick={() => setLocale(locale === 'vi' ? 'en' : 'vi')} lang={locale === 'vi' ? 'en' : 'vi'}>
					{t('locale.switch')}
				</button>
			</header>
			{(status === 'lost' || status === 'restarting') && (
				<p role="alert" className="banner">
					{t(status === 'lost' ? 'error.connectionLost' : 'error.serverRestarting')}
				</p>
			)}
			<main>
				<DistrictCard />
				<ConnectionCheck socket={socket} connected={status === 'connected'} />
			</main>
			<footer>
				<a href="/readyz">{t('footer.health')}</a>
			</footer>
		</>
	);
}
