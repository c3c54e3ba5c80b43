import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LoginInput, Session, User } from '#shared/api/auth.ts';
import { api, ApiError, setCsrfToken } from '../api/http.ts';
import { publishSocketCredentials, setSessionRefresher, socketCredentials } from './socket-credentials.ts';

type SessionState = {
	user: User | null;
	loading: boolean;
	/** The session's CSRF token, '' when signed out: every write and the socket handshake send it. */
	csrfToken: string;
	login: (username: string, password: string) => Promise<void>;
	logout: () => Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
	const [user, setUser] = useState<User | null>(null);
	const [csrfToken, setToken] = useState('');
	const [loading, setLoading] = useState(true);

	const apply = useCallback((session: Session | null) => {
		const token = session?.csrfToken ?? '';
		setCsrfToken(token);
		setToken(token);
		setUser(session?.user ?? null);
		publishSocketCredentials({ ready: true, csrfToken: token });
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

	const value = useMemo(() => ({ user, loading, csrfToken, login, logout }), [user, loading, csrfToken, login, logout]);
	return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
	const value = useContext(SessionContext);
	if (!value) {
		throw new Error('useSession outside SessionProvider');
	}
	return value;
}
