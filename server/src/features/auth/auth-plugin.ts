import fastifyCookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { User } from '#shared/api/auth.ts';
import type { ErrorCode, ErrorReason, HandshakeAuth } from '#shared/protocol/index.ts';
import { settleSocket } from '../../lib/define-handler.ts';
import { allowedOrigin } from '../../lib/origin-check.ts';
import { ForbiddenError, UnauthorizedError } from '../../lib/errors.ts';
import { sameSecret } from '../../lib/secrets.ts';
import type { AppSocket } from '../../plugins/app/socket-io.ts';
import { createUsersRepository } from '../accounts/users.repository.ts';
import { createAuthService, type AuthService } from './auth.service.ts';
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
/** Signing in needs no CSRF token: it creates the session the token belongs to. */
export const LOGIN_ROUTE = '/api/auth/login';
/**
 * Writes that never act with the session a cookie may name, so need no CSRF token: signing in, and
 * using a password reset link (its credential is the token in the path; someone else may be signed
 * in on that browser). The origin check still applies to them.
 */
const SESSIONLESS_WRITES = new Set([LOGIN_ROUTE, '/api/password-reset/:token']);

/** How long a socket's "session still valid" answer is reused: a burst of requests costs one lookup. */
const SESSION_CHECK_REUSE_MS = 1000;
/** How often sessions past their expiry are deleted and their sockets disconnected. */
const EXPIRY_SWEEP_MS = 60_000;

/**
 * What a session with a temporary password may do: read itself, sign out, choose a new password.
 * Keyed by method and route pattern (as the router matched it, not the raw URL).
 */
const WHILE_PASSWORD_CHANGE_REQUIRED = new Set(['GET /api/auth/session', 'POST /api/auth/logout', 'POST /api/auth/password']);

/**
 * The session of a request, or 401; 403 (password_change_required) while its user must replace a
 * temporary password, on every route but the three above. Every route that needs a session reads
 * it through here (or userOf), so none can forget the check; a public route with a cookie stays public.
 */
export function sessionOf(request: FastifyRequest): SessionRecord {
	const session = request.session;
	if (!session) {
		throw new UnauthorizedError();
	}
	if (session.mustChangePassword && !WHILE_PASSWORD_CHANGE_REQUIRED.has(`${request.method} ${request.routeOptions.url ?? ''}`)) {
		throw new ForbiddenError('Choose a new password first (POST /api/auth/password)', { reason: 'password_change_required' });
	}
	return session;
}

/** The signed-in user of a request, or 401 (403 while a password change is required: sessionOf). */
export function userOf(request: FastifyRequest): User {
	return sessionOf(request).user;
}

/** A refused socket.io handshake: the client's connect_error carries `data` as the error's code and reason. */
function handshakeError(message: string, data: { code: ErrorCode; reason?: ErrorReason }): Error & { data: typeof data } {
	return Object.assign(new Error(message), { data });
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
			if (request.session && unsafe && !SESSIONLESS_WRITES.has(route ?? '')) {
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
						if (session.mustChangePassword) {
							// Not anonymous either: the page that sent the token is the signed-in one, and must ask for the new password.
							next(handshakeError('Choose a new password first', { code: 'forbidden', reason: 'password_change_required' }));
							return;
						}
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
