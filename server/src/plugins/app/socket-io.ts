import type { IncomingMessage } from 'node:http';
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
import { allowedOrigin, rawRequestView } from '../../lib/origin-check.ts';

/** Per-socket state, filled by the connection middleware and by features. */
export type SocketData = {
	log: FastifyBaseLogger;
	/** The client's address: the TCP peer, or what a TRUST_PROXY peer put in X-Forwarded-For. */
	address: string;
	/**
	 * The signed-in user of the handshake's session cookie, if any (invitation links have none). Only
	 * set when the handshake also carried the session's CSRF token.
	 */
	user: User | null;
	/** The stored (hashed) id of that session, for disconnecting the socket when the session ends. */
	sessionId?: string;
	/** Whether the session is still valid; define-handler asks it before every request of the socket. */
	sessionCheck?: () => Promise<boolean>;
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

/**
 * Open connections (socket.io sessions) one address may hold. Every browser tab is one, and a
 * province or district hall may put all its PCs behind one NAT address (the hall's room PC, the
 * chair's and secretary's laptops, a few staff with the meeting page open), so the cap stays well
 * above what one site uses; it only stops a single host from exhausting memory and file handles.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 30;

export default fp(
	async (fastify) => {
		const view = rawRequestView(fastify.config.trustProxy);
		/** Open engine.io connections per client address. */
		const connections = new Map<string, number>();
		/**
		 * Each connection's address, read when it opens: with long-polling the handshake request's TCP
		 * connection may be gone by the time socket.io's middleware runs.
		 */
		const addresses = new WeakMap<IncomingMessage, string>();
		// Attached to Fastify's own HTTP server rather than through a wrapper plugin, so that
		// shutdown order is ours: sockets are disconnected in preClose, before the HTTP server waits
		// for its connections to end (otherwise open WebSockets keep close() pending).
		const io: AppServer = new Server(fastify.server, {
			serveClient: false,
			maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
			pingInterval: 25000,
			pingTimeout: 20000,
			// Runs on the first request of every engine.io connection (polling or WebSocket), before
			// anything is allocated for it. SameSite=Lax keeps the session cookie off cross-site
			// handshakes only: a page of another origin on the same site (another port of the same IP
			// address, another host under the same domain, plain http) still sends it, so the Origin is
			// what tells our pages from others.
			allowRequest: (request, callback) => {
				const seen = view(request);
				if (!allowedOrigin(seen, fastify.config)) {
					callback('origin not allowed', false);
					return;
				}
				if ((connections.get(seen.ip) ?? 0) >= MAX_CONNECTIONS_PER_ADDRESS) {
					callback('too many connections from this address', false);
					return;
				}
				callback(null, true);
			},
		});
		io.engine.on('connection', (connection: { request: IncomingMessage; once: (event: 'close', listener: () => void) => void; close: () => void }) => {
			const address = view(connection.request).ip;
			addresses.set(connection.request, address);
			const count = (connections.get(address) ?? 0) + 1;
			connections.set(address, count);
			connection.once('close', () => {
				const left = (connections.get(address) ?? 1) - 1;
				if (left > 0) {
					connections.set(address, left);
				} else {
					connections.delete(address);
				}
			});
			// Handshakes that passed allowRequest at the same moment may overshoot the cap together.
			if (count > MAX_CONNECTIONS_PER_ADDRESS) {
				connection.close();
			}
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
			socket.data.address = addresses.get(socket.request) ?? view(socket.request).ip;
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
	{ name: 'socket-io', dependencies: ['config'] }
);
