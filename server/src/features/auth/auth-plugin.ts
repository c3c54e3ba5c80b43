import fastifyCookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { User } from '#shared/api/auth.ts';
import { ForbiddenError, UnauthorizedError } from '../../lib/errors.ts';
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
/** Writes allowed without a CSRF token: signing in creates the session the token belongs to. */
const CSRF_EXEMPT = new Set(['/api/auth/login']);

/** The signed-in user of a request, or 401. */
export function userOf(request: FastifyRequest): User {
	if (!request.session) {
		throw new UnauthorizedError();
	}
	return request.session.user;
}

/**
 * Resolves the session cookie on every request and enforces the synchronizer CSRF token on
 * cookie-authenticated writes. Registered app-wide (fastify-plugin) so every feature sees
 * request.session. Does the same for socket handshakes: socket.data.user.
 */
export default fp(
	async (fastify) => {
		await fastify.register(fastifyCookie);
		const auth = createAuthService(createUsersRepository(fastify.db), createSessionsRepository(fastify.db));
		fastify.decorate('auth', auth);
		fastify.decorateRequest('session', null);

		fastify.addHook('onRequest', async (request) => {
			if (!request.url.startsWith('/api/')) {
				return;
			}
			request.session = await auth.resolve(request.cookies[SESSION_COOKIE]);
			if (request.session && UNSAFE_METHODS.has(request.method) && !CSRF_EXEMPT.has(request.url.split('?')[0] ?? '')) {
				const header = request.headers['x-csrf-token'];
				if (typeof header !== 'string' || !sameSecret(header, request.session.csrfToken)) {
					throw new ForbiddenError('Missing or wrong CSRF token (x-csrf-token header)');
				}
			}
		});

		// After socket-io's own middleware (protocol version): the handshake's session cookie names
		// the user; a commune room PC on a join link has none.
		fastify.io.use((socket, next) => {
			const token = fastify.parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
			auth.resolve(token).then(
				(session) => {
					socket.data.user = session?.user ?? null;
					socket.data.log = fastify.log.child({ socketId: socket.id, userId: session?.user.id });
					next();
				},
				(error: unknown) => next(error instanceof Error ? error : new Error('session lookup failed'))
			);
		});
	},
	{ name: 'auth', dependencies: ['database', 'socket-io'] }
);
