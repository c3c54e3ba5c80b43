import { lazy, Suspense } from 'react';
import { AdminPage } from './admin/admin-page.tsx';
import { ChangePasswordPage } from './auth/change-password.tsx';
import { PasswordResetPage, resetTokenOf } from './auth/password-reset-page.tsx';
import { SessionProvider, useSession } from './auth/session.tsx';
import { useI18n } from './i18n/index.tsx';
import { MeetingPage } from './meetings/meeting-page.tsx';
import { MeetingsPage } from './meetings/meetings-page.tsx';
import { NavLink } from './meetings/nav-link.tsx';
import { ScheduleForm } from './meetings/schedule-form.tsx';
import { DocumentPage } from './documents/document-page.tsx';
import { DocumentsPage } from './documents/documents-page.tsx';
import { JoinPage } from './room/join-page.tsx';
import { SetupPage } from './setup/setup-page.tsx';
import { Link, usePath } from './router.tsx';
import { ConfirmProvider } from './ui/confirm-dialog.tsx';
import { ConnectionCheck } from './ui/connection-check.tsx';
import { HostUnitCard } from './ui/district-card.tsx';
import { LoginForm } from './ui/login-form.tsx';
import { useSocket, type SocketStatus } from './ui/use-socket.ts';
import type { AppSocket } from './signaling/socket.ts';

// The minutes page brings the rich-text editor (TipTap, Yjs): loaded when opened, so the meeting
// pages a commune opens over a slow line stay small.
const MinutesPage = lazy(() => import('./minutes/minutes-page.tsx').then((module) => ({ default: module.MinutesPage })));

function Routes({ socket, status }: { socket: AppSocket | null; status: SocketStatus }) {
	const { user, loading, mustChangePassword } = useSession();
	const path = usePath();
	const joinLink = /^\/join\/([A-Za-z0-9_-]{16,64})$/.exec(path);
	if (joinLink?.[1]) {
		return <JoinPage socket={socket} target={{ invitationToken: joinLink[1] }} />;
	}
	// Public pages: whoever opens them has no account to sign in with yet (or lost its password).
	const resetToken = resetTokenOf(path);
	if (resetToken !== null) {
		return (
			<main className="grid">
				<PasswordResetPage token={resetToken} />
			</main>
		);
	}
	if (path === '/setup') {
		return (
			<main className="grid">
				<SetupPage />
			</main>
		);
	}
	if (loading) {
		return null;
	}
	if (!user) {
		return (
			<main className="grid">
				<LoginForm />
				<HostUnitCard />
				<ConnectionCheck socket={socket} connected={status === 'connected'} />
			</main>
		);
	}
	// A temporary password opens nothing else: the server refuses every other request meanwhile.
	if (mustChangePassword || path === '/account/password') {
		return (
			<main className="grid">
				<ChangePasswordPage forced={mustChangePassword} />
			</main>
		);
	}
	const admin = /^\/admin(?:\/(units|accounts))?\/?$/.exec(path);
	if (admin) {
		return (
			<main className="grid">
				<AdminPage tab={admin[1] === 'accounts' ? 'accounts' : 'units'} />
			</main>
		);
	}
	const room = /^\/meetings\/([0-9a-f-]{36})\/room$/.exec(path);
	if (room?.[1]) {
		return <JoinPage socket={socket} target={{ meetingId: room[1] }} />;
	}
	const minutes = /^\/minutes\/([0-9a-f-]{36})$/.exec(path);
	if (minutes?.[1]) {
		return (
			<main className="grid">
				<Suspense fallback={null}>
					<MinutesPage id={minutes[1]} socket={socket} />
				</Suspense>
			</main>
		);
	}
	const document = /^\/documents(?:\/([0-9a-f-]{36}))?\/?$/.exec(path);
	if (document) {
		return <main className="grid">{document[1] ? <DocumentPage id={document[1]} /> : <DocumentsPage />}</main>;
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
	const { user, logout, mustChangePassword } = useSession();
	const path = usePath();
	return (
		<header className="topbar">
			<div>
				<h1>
					<Link to="/">{t('app.name')}</Link>
				</h1>
				<p className="tagline">{t('app.tagline')}</p>
			</div>
			<nav className="actions" data-testid="topbar-nav">
				{user && (
					<>
						<span data-testid="signed-in">
							{user.displayName} · {user.unit.name}
						</span>
						{!mustChangePassword && (
							<>
								<NavLink to="/" aria-current={path === '/' || path.startsWith('/meetings') || path.startsWith('/minutes') ? 'page' : undefined}>
									{t('nav.meetings')}
								</NavLink>
								<NavLink to="/documents" data-testid="nav-documents" aria-current={path.startsWith('/documents') ? 'page' : undefined}>
									{t('nav.documents')}
								</NavLink>
								{user.role === 'admin' && (
									<NavLink to="/admin/units" data-testid="nav-admin" aria-current={path.startsWith('/admin') ? 'page' : undefined}>
										{t('nav.admin')}
									</NavLink>
								)}
								<NavLink to="/account/password" data-testid="nav-password" aria-current={path === '/account/password' ? 'page' : undefined}>
									{t('nav.password')}
								</NavLink>
							</>
						)}
						<button type="button" data-testid="logout" onClick={() => void logout()}>
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
