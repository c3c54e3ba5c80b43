import { SessionProvider, useSession } from './auth/session.tsx';
import { useI18n } from './i18n/index.tsx';
import { MeetingPage } from './meetings/meeting-page.tsx';
import { MeetingsPage } from './meetings/meetings-page.tsx';
import { ScheduleForm } from './meetings/schedule-form.tsx';
import { JoinPage } from './room/join-page.tsx';
import { Link, usePath } from './router.tsx';
import { ConfirmProvider } from './ui/confirm-dialog.tsx';
import { ConnectionCheck } from './ui/connection-check.tsx';
import { DistrictCard } from './ui/district-card.tsx';
import { LoginForm } from './ui/login-form.tsx';
import { useSocket, type SocketStatus } from './ui/use-socket.ts';
import type { AppSocket } from './signaling/socket.ts';

function Routes({ socket, status }: { socket: AppSocket | null; status: SocketStatus }) {
	const { user, loading } = useSession();
	const path = usePath();
	const joinLink = /^\/join\/([A-Za-z0-9_-]{16,64})$/.exec(path);
	if (joinLink?.[1]) {
		return <JoinPage socket={socket} target={{ invitationToken: joinLink[1] }} />;
	}
	if (loading) {
		return null;
	}
	if (!user) {
		return (
			<main className="grid">
				<LoginForm />
				<DistrictCard />
				<ConnectionCheck socket={socket} connected={status === 'connected'} />
			</main>
		);
	}
	const room = /^\/meetings\/([0-9a-f-]{36})\/room$/.exec(path);
	if (room?.[1]) {
		return <JoinPage socket={socket} target={{ meetingId: room[1] }} />;
	}
	const detail = /^\/meetings\/([0-9a-f-]{36})$/.exec(path);
	return (
		<main className="grid">
			{path === '/meetings/new' ? <ScheduleForm /> : detail?.[1] ? <MeetingPage id={detail[1]} socket={socket} /> : <MeetingsPage />}
			{path === '/' && <ConnectionCheck socket={socket} connected={status === 'connected'} />}
		</main>
	);
}

function TopBar() {
	const { t, locale, setLocale } = useI18n();
	const { user, logout } = useSession();
	return (
		<header className="topbar">
			<div>
				<h1>
					<Link to="/">{t('app.name')}</Link>
				</h1>
				<p className="tagline">{t('app.tagline')}</p>
			</div>
			<nav className="actions">
				{user && (
					<>
						<span data-testid="signed-in">
							{user.displayName} · {user.unit.name}
						</span>
						<Link to="/">{t('nav.meetings')}</Link>
						<button type="button" onClick={() => void logout()}>
							{t('nav.logout')}
						</button>
					</>
				)}
				<button type="button" data-testid="locale-switch" onClick={() => setLocale(locale === 'vi' ? 'en' : 'vi')} lang={locale === 'vi' ? 'en' : 'vi'}>
					{t('locale.switch')}
				</button>
			</nav>
		</header>
	);
}

export function App() {
	const { t } = useI18n();
	const { socket, status } = useSocket();
	// The room shows its own reconnecting banner over the video; a second one here would push the page down.
	const inRoom = /^\/join\/|^\/meetings\/[^/]+\/room$/.test(usePath());
	return (
		<SessionProvider>
			<ConfirmProvider>
				<TopBar />
				{!inRoom && (status === 'lost' || status === 'restarting') && (
					<p role="alert" className="banner">
						{t(status === 'lost' ? 'error.connectionLost' : 'error.serverRestarting')}
					</p>
				)}
				<Routes socket={socket} status={status} />
				<footer>
					<a href="/readyz">{t('footer.health')}</a> · <a href="/docs">API</a>
				</footer>
			</ConfirmProvider>
		</SessionProvider>
	);
}
