import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import {
	PROTOCOL_VERSION,
	type ClientToServerEvents,
	type HandshakeAuth,
	type ServerToClientEvents,
} from '#shared/protocol/index.ts';
import type { UserDto } from '../../features/accounts/users.repository.ts';
import { SESSION_COOKIE } from '../../features/auth/session-cookie.ts';
import type { Peer } from '../../sfu/peer.ts';

/** Per-socket state, filled by the connection middleware and by features. */
export type SocketData = {
	log: FastifyBaseLogger;
	/** The signed-in user of the handshake's session cookie, if any (invitation links have none). */
	user: UserDto | null;
	/** The media peer of this socket, once it joined a meeting or started a connection check. */
	peer?: Peer;
	/** Token bucket of define-handler's rate limit. */
	bucket?: { tokens: number; updatedAt: number };
};

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

declare module 'fastify' {
	interface FastifyInstance {
		io: AppServer;
	}
}

/** Largest inbound socket message: SDP-derived RTP parameters are a few kB; anything near this is abuse. */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

export default fp(
	async (fastify) => {
		// Attached to Fastify's own HTTP server rather than through a wrapper plugin, so that
		// shutdown order is ours: sockets are disconnected in preClose, before the HTTP server waits
		// for its connections to end (otherwise open WebSockets keep close() pending).
		const io: AppServer = new Server(fastify.server, {
			serveClient: false,
			maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
			pingInterval: 25000,
			pingTimeout: 20000,
		});
		io.use((socket, next) => {
			const auth = socket.handshake.auth as Partial<HandshakeAuth>;
			if (auth.protocolVersion !== PROTOCOL_VERSION) {
				next(new Error(`protocol version ${String(auth.protocolVersion)} is not supported; reload the page (server speaks ${PROTOCOL_VERSION})`));
				return;
			}
			const token = fastify.parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
			fastify.auth.resolve(token).then(
				(session) => {
					socket.data.user = session?.user ?? null;
					socket.data.log = fastify.log.child({ socketId: socket.id, userId: session?.user.id });
					next();
				},
				(error: unknown) => next(error instanceof Error ? error : new Error('session lookup failed'))
			);
		});
		fastify.decorate('io', io);
		fastify.addHook('preClose', async () => {
			io.emit('server:shutting-down', { reconnectAfterMs: 3000 });
			io.local.disconnectSockets(true);
		});
		fastify.addHook('onClose', async () => {
			await io.close();
		});
	},
	{ name: 'socket-io', dependencies: ['auth'] }
);
