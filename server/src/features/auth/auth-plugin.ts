import fastifyCookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { User } from '#shared/api/auth.ts';
import type { HandshakeAuth } from '#shared/protocol/index.ts';
import { settleSocket } from '../../lib/define-handler.ts';
import { allowedOrigin } from '../../lib/origin-check.ts';
import { ForbiddenError, UnauthorizedError } from '../../lib/errors.ts';
import type { AppSocket } from '../../plugins/app/socket-io.ts';
import { createUsersRepository } from '../accounts/users.repository.ts';
import { createAuthService, sameSecret, type AuthService } from './auth.service.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { createSessionsRepository, type SessionRecord } from './sessions.repository.ts';

declare module 'fastify' {
	interface FastifyInstance {
		auth: AuthService;
	}
	interface FastifyRequest {
		session: SessionRecord | null;
	}
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The one write allowed without a CSRF token: signing in creates the session the token belongs to. */
export const LOGIN_ROUTE = '/api/auth/login';

/** How long a socket's "session still valid" answer is reused: a burst of requests costs one lookup. */
const SESSION_CHECK_REUSE_MS = 1000;
/** How often sessions past their expiry are deleted and their sockets disconnected. */
const EXPIRY_SWEEP_MS = 60_000;

/** The signed-in user of a request, or 401. */
export function userOf(request: FastifyRequest): User {
	if (!request.session) {
		throw new UnauthorizedError();
	}
	return request.session.user;
}

/** The session of a request, or 401. */
export function sessionOf(request: FastifyRequest): SessionRecord {
	if (!request.session) {
		throw new UnauthorizedError();
	}
	return request.session;
}

/**
 * Resolves the session cookie and enforces the synchronizer CSRF token on cookie-authenticated
 * writes. Registered app-wide (fastify-plugin) so every feature sees request.session. Does the same
 * for socket handshakes (socket.data.user), and ends the sockets of sessions that end.
 */
export default fp(
	async (fastify) => {
		await fastify.register(fastifyCookie);
		const auth = createAuthService({
			users: createUsersRepository(fastify.db),
			sessions: createSessionsRepository(fastify.db),
			events: fastify.accessEvents,
		});
		fastify.decorate('auth', auth);
		fastify.decorateRequest('session', null);

		fastify.addHook('onRequest', async (request) => {
			// The matched route's pattern, not the raw URL: the router decodes the path, so
			// "/%61pi/auth/logout" is the logout route while its URL does not start with "/api/".
			const route = request.routeOptions.url;
			const unsafe = UNSAFE_METHODS.has(request.method);
			// A write from another site's page is refused before anything else, sign-in included
			// (login CSRF), as the socket handshake is.
			if (unsafe && !allowedOrigin(request, fastify.config)) {
				throw new ForbiddenError('Requests from this page origin are not allowed (ALLOWED_ORIGINS)');
			}
			if (!unsafe && !route?.startsWith('/api/')) {
				return;
			}
			request.session = await auth.resolve(request.cookies[SESSION_COOKIE]);
			// Every write the cookie would authorise, whatever its path (and whether or not a route
			// matched): only a token read by a page of ours proves the request comes from one.
			if (request.session && unsafe && route !== LOGIN_ROUTE) {
				const header = request.headers['x-csrf-token'];
				if (typeof header !== 'string' || !sameSecret(header, request.session.csrfToken)) {
					throw new ForbiddenError('Missing or wrong CSRF token (x-csrf-token header)');
				}
			}
		});

		// After socket-io's own middleware (protocol version): the handshake's session cookie names
		// the user when the handshake also carries the session's CSRF token. Browsers send the cookie
		// on any handshake to this host, so the cookie alone proves nothing about the page; without
		// the token the socket is anonymous (a commune room PC on a join link needs nothing more).
		fastify.io.use((socket, next) => {
			const token = fastify.parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
			const { csrfToken } = socket.handshake.auth as Partial<HandshakeAuth>;
			auth.resolve(token).then(
				(session) => {
					if (session && typeof csrfToken === 'string' && sameSecret(csrfToken, session.csrfToken)) {
						socket.data.user = session.user;
						socket.data.sessionId = session.id;
						socket.data.sessionCheck = sessionCheck(session.id);
						socket.data.log = fastify.log.child({ socketId: socket.id, userId: session.user.id });
					} else if (session) {
						socket.data.log.debug('session cookie without its CSRF token: connected as anonymous');
					}
					next();
				},
				(error: unknown) => next(error instanceof Error ? error : new Error('session lookup failed'))
			);
		});

		function sessionCheck(sessionId: string): () => Promise<boolean> {
			let confirmedAt = -Infinity;
			return async () => {
				if (performance.now() - confirmedAt < SESSION_CHECK_REUSE_MS) {
					return true;
				}
				const stands = await auth.stillActive(sessionId);
				if (stands) {
					confirmedAt = performance.now();
				}
				return stands;
			};
		}

		// A session that ends takes its sockets with it, whichever way it ended. The leave is a
		// disconnect for the conference (serverClosing stays unset), and publish() resolves only once
		// the sockets' cleanup ran, so a sign-out's reply means its sites are out.
		fastify.accessEvents.on('sessions:ended', async ({ sessionIds }) => {
			const ended = new Set(sessionIds);
			const sockets: AppSocket[] = [];
			for (const socket of fastify.io.of('/').sockets.values()) {
				if (socket.data.sessionId !== undefined && ended.has(socket.data.sessionId)) {
					sockets.push(socket);
				}
			}
			for (const socket of sockets) {
				socket.disconnect(true);
			}
			await Promise.all(sockets.map(settleSocket));
		});

		let sweeping: Promise<unknown> = Promise.resolve();
		const sweep = setInterval(() => {
			sweeping = auth.endExpiredSessions().catch((error: unknown) => fastify.log.error({ err: error }, 'deleting expired sessions failed'));
		}, EXPIRY_SWEEP_MS);
		// A timer alone must not keep the process alive; stopped before the database closes.
		sweep.unref();
		fastify.addHook('preClose', async () => {
			clearInterval(sweep);
			await sweeping;
		});
	},
	{ name: 'auth', dependencies: ['database', 'socket-io', 'access-events'] }
);
