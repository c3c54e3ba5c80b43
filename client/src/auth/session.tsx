import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LoginInput, Session, User } from '#shared/api/auth.ts';
import { api, ApiError, setCsrfToken } from '../api/http.ts';

type SessionState = {
	user: User | null;
	loading: boolean;
	login: (username: string, password: string) => Promise<void>;
	logout: () => Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
	const [user, setUser] = useState<User | null>(null);
	const [loading, setLoading] = useState(true);

	useEffect(() => {
		api<Session>('GET', '/api/auth/session')
			.then(({ user: u, csrfToken }) => {
				setCsrfToken(csrfToken);
				setUser(u);
			})
			.catch((error: unknown) => {
				if (!(error instanceof ApiError && error.status === 401)) {
					console.warn('session check failed', error);
				}
			})
			.finally(() => setLoading(false));
	}, []);

	const login = useCallback(async (username: string, password: string) => {
		const result = await api<Session>('POST', '/api/auth/login', { username, password } satisfies LoginInput);
		setCsrfToken(result.csrfToken);
		setUser(result.user);
	}, []);

	const logout = useCallback(async () => {
		await api('POST', '/api/auth/logout').catch(() => undefined);
		setCsrfToken('');
		setUser(null);
	}, []);

	const value = useMemo(() => ({ user, loading, login, logout }), [user, loading, login, logout]);
	return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
	const value = useContext(SessionContext);
	if (!value) {
		throw new Error('useSession outside SessionProvider');
	}
	return value;
}
