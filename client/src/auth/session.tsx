import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from '../api/http.ts';

export type User = {
	id: string;
	username: string;
	displayName: string;
	role: 'district_admin' | 'chair' | 'secretary' | 'commune_operator' | 'viewer';
	unit: { id: string; name: string; kind: string };
};

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
		api<{ user: User; csrfToken: string }>('GET', '/api/auth/session')
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
		const result = await api<{ user: User; csrfToken: string }>('POST', '/api/auth/login', { username, password });
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
