/**
 * What the page's socket handshake needs from the session: whether the session is known yet, and
 * its CSRF token ('' when signed out). The socket lives above the SessionProvider (the join page of
 * a commune room needs it without any session), so the provider publishes here and useSocket
 * reads it with useSyncExternalStore.
 */
export type SocketCredentials = { readonly ready: boolean; readonly csrfToken: string };

let current: SocketCredentials = { ready: false, csrfToken: '' };
const listeners = new Set<() => void>();
let refresher: (() => void) | null = null;

export function socketCredentials(): SocketCredentials {
	return current;
}

export function subscribeSocketCredentials(listener: () => void): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** Called by the SessionProvider whenever the session is learnt or changes. */
export function publishSocketCredentials(next: SocketCredentials): void {
	// A new object only on a real change: the socket is recreated for every new value.
	if (next.ready === current.ready && next.csrfToken === current.csrfToken) {
		return;
	}
	current = next;
	listeners.forEach((listener) => listener());
}

/** The SessionProvider's way to ask the server again who is signed in. */
export function setSessionRefresher(refresh: (() => void) | null): void {
	refresher = refresh;
}

/**
 * The server ended the socket (its session was signed out elsewhere, expired, or the password or
 * account changed): asks the server who is signed in now, which renews the socket as that.
 */
export function refreshSession(): void {
	refresher?.();
}
