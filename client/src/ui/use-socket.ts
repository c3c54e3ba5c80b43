import { useEffect, useState, useSyncExternalStore } from 'react';
import { refreshSession, socketCredentials, subscribeSocketCredentials } from '../auth/socket-credentials.ts';
import { connectSocket, type AppSocket } from '../signaling/socket.ts';

export type SocketStatus = 'connecting' | 'connected' | 'lost' | 'restarting';

/**
 * One socket.io connection for the page, with its status for the banner. It opens once the session
 * is known and is opened anew when the session changes (sign-in, sign-out): the handshake is where
 * the server learns who the socket acts for.
 */
export function useSocket(): { socket: AppSocket | null; status: SocketStatus } {
	const credentials = useSyncExternalStore(subscribeSocketCredentials, socketCredentials);
	const [socket, setSocket] = useState<AppSocket | null>(null);
	const [status, setStatus] = useState<SocketStatus>('connecting');
	useEffect(() => {
		if (!credentials.ready) {
			return undefined;
		}
		const s = connectSocket(credentials.csrfToken);
		let restarting = false;
		setSocket(s);
		setStatus('connecting');
		// Diagnostics from the browser console (and the e2e tests): window.__giaobanSocket.
		(window as unknown as { __giaobanSocket?: typeof s }).__giaobanSocket = s;
		s.on('connect', () => setStatus('connected'));
		s.on('disconnect', (reason) => {
			setStatus((prev) => (prev === 'restarting' ? prev : 'lost'));
			// The server ended this socket without shutting down: its session ended (signed out in
			// another tab, password changed, account disabled, expired). Asking who is signed in now
			// replaces the socket, and the page shows the sign-in form if nobody is.
			if (reason === 'io server disconnect' && !restarting) {
				refreshSession();
			}
		});
		s.on('server:shutting-down', () => {
			restarting = true;
			setStatus('restarting');
		});
		return () => {
			s.close();
		};
	}, [credentials]);
	return { socket, status };
}
