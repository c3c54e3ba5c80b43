import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LoginInput, Session, User } from '#shared/api/auth.ts';
import { api, ApiError, setCsrfToken } from '../api/http.ts';
import { publishSocketCredentials, setSessionRefresher, socketCredentials } from './socket-credentials.ts';

type SessionState = {
	user: User | null;
	loading: boolean;
	/** The session's CSRF token, '' when signed out: every write and the socket handshake send it. */
	csrfToken: string;
	/**
	 * Signed in with a temporary password: the server refuses everything else (403
	 * password_change_required) until a new one is chosen, so the page shows only that form.
	 */
	mustChangePassword: boolean;
	login: (username: string, password: string) => Promise<void>;
	logout: () => Promise<void>;
	/** Asks the server again who is signed in (after setup signed someone in, or a password change). */
	refresh: () => Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
	const [user, setUser] = useState<User | null>(null);
	const [csrfToken, setToken] = useState('');
	const [loading, setLoading] = useState(true);
	const [mustChangePassword, setMustChange] = useState(false);

	const apply = useCallback((session: Session | null) => {
		const token = session?.csrfToken ?? '';
		setCsrfToken(token);
		setToken(token);
		setUser(session?.user ?? null);
		setMustChange(session?.mustChangePassword ?? false);
		// The server refuses a socket of a session that must change its password; an anonymous one
		// (no token) is accepted, so the page shows no "connection lost" banner meanwhile.
		publishSocketCredentials({ ready: true, csrfToken: session?.mustChangePassword ? '' : token });
	}, []);

	const refresh = useCallback(async () => {
		try {
			apply(await api<Session>('GET', '/api/auth/session'));
		} catch (error) {
			if (error instanceof ApiError && error.status === 401) {
				apply(null);
			} else {
				console.warn('session check failed', error);
				// A network blip says nothing about the session: keep what the socket had (the first
				// time that is nothing, and the socket connects anonymous until the next check).
				publishSocketCredentials({ ready: true, csrfToken: socketCredentials().csrfToken });
			}
		}
	}, [apply]);

	useEffect(() => {
		void refresh().finally(() => setLoading(false));
		setSessionRefresher(() => void refresh());
		return () => setSessionRefresher(null);
	}, [refresh]);

	const login = useCallback(
		async (username: string, password: string) => {
			apply(await api<Session>('POST', '/api/auth/login', { username, password } satisfies LoginInput));
		},
		[apply]
	);

	const logout = useCallback(async () => {
		await api('POST', '/api/auth/logout').catch(() => undefined);
		// This tab's session storage holds join links (meetings/fresh-links.ts), which are credentials:
		// the next person at a shared office computer must not find them.
		sessionStorage.clear();
		apply(null);
	}, [apply]);

	const value = useMemo(
		() => ({ user, loading, csrfToken, mustChangePassword, login, logout, refresh }),
		[user, loading, csrfToken, mustChangePassword, login, logout, refresh]
	);
	return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
	const value = useContext(SessionContext);
	if (!value) {
		throw new Error('useSession outside SessionProvider');
	}
	return value;
}
