import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import {
	PROTOCOL_VERSION,
	type ClientToServerEvents,
	type HandshakeAuth,
	type ServerToClientEvents,
} from '#shared/protocol/index.ts';
import type { User } from '#shared/api/auth.ts';
import { drainSocketQueues } from '../../lib/define-handler.ts';

/** Per-socket state, filled by the connection middleware and by features. */
export type SocketData = {
	log: FastifyBaseLogger;
	/** The signed-in user of the handshake's session cookie, if any (invitation links have none). */
	user: User | null;
	/** Token bucket of define-handler's rate limit. */
	bucket?: { tokens: number; updatedAt: number };
	/** Set when the server disconnects its sockets to shut down: a leave then means a restart. */
	serverClosing?: boolean;
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
		// Runs before the handshake middleware features add with fastify.io.use; the auth feature's
		// fills socket.data.user from the session cookie and adds the userId to the logger.
		io.use((socket, next) => {
			const auth = socket.handshake.auth as Partial<HandshakeAuth>;
			if (auth.protocolVersion !== PROTOCOL_VERSION) {
				next(new Error(`protocol version ${String(auth.protocolVersion)} is not supported; reload the page (server speaks ${PROTOCOL_VERSION})`));
				return;
			}
			socket.data.user = null;
			socket.data.log = fastify.log.child({ socketId: socket.id });
			next();
		});
		fastify.decorate('io', io);
		fastify.addHook('preClose', async () => {
			io.emit('server:shutting-down', { reconnectAfterMs: 3000 });
			for (const socket of io.of('/').sockets.values()) {
				socket.data.serverClosing = true;
			}
			io.local.disconnectSockets(true);
			// What the sockets asked before, and the cleanup after their disconnect (leaves recorded),
			// finish before the features and the database close.
			await drainSocketQueues();
		});
		fastify.addHook('onClose', async () => {
			await io.close();
		});
	},
	{ name: 'socket-io' }
);
