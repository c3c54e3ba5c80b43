import { useEffect, useState } from 'react';
import { connectSocket, type AppSocket } from '../signaling/socket.ts';

export type SocketStatus = 'connecting' | 'connected' | 'lost' | 'restarting';

/** One socket.io connection for the page, with its status for the banner. */
export function useSocket(): { socket: AppSocket | null; status: SocketStatus } {
	const [socket, setSocket] = useState<AppSocket | null>(null);
	const [status, setStatus] = useState<SocketStatus>('connecting');
	useEffect(() => {
		const s = connectSocket();
		setSocket(s);
		// Diagnostics from the browser console (and the e2e tests): window.__giaobanSocket.
		(window as unknown as { __giaobanSocket?: typeof s }).__giaobanSocket = s;
		s.on('connect', () => setStatus('connected'));
		s.on('disconnect', () => setStatus((prev) => (prev === 'restarting' ? prev : 'lost')));
		s.on('server:shutting-down', () => setStatus('restarting'));
		return () => {
			s.close();
		};
	}, []);
	return { socket, status };
}
