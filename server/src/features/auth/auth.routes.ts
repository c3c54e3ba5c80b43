import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { LoginInput, PasswordChangeInput, Session } from '#shared/api/auth.ts';
import { ApiError } from '#shared/api/common.ts';
import { UnauthorizedError } from '../../lib/errors.ts';
import { LOGIN_ROUTE, sessionOf, userOf } from './auth-plugin.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';

const authRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
	fastify.post(
		LOGIN_ROUTE,
		{
			schema: {
				tags: ['auth'],
				summary: 'Sign in with username and password; sets the session cookie',
				body: LoginInput,
				response: { 200: Session, 400: ApiError, 401: ApiError, 429: ApiError },
			},
			config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
		},
		async (request, reply) => {
			const { username, password } = request.body;
			let result: Awaited<ReturnType<typeof fastify.auth.login>>;
			try {
				result = await fastify.auth.login(username, password);
			} catch (error) {
				if (error instanceof UnauthorizedError) {
					request.log.warn({ username }, 'login failed');
					// Shown to the administrators of the account's unit and of every unit above it; a
					// username that names no account only to the administrators of a root unit.
					const unitId = await fastify.auth.unitOfUsername(username);
					await fastify.audit.record('auth.login_failed', { username, address: request.ip, ...(unitId ? { unitId } : {}) });
				}
				throw error;
			}
			const { token, csrfToken, user, mustChangePassword } = result;
			await fastify.audit.record('auth.login', { actorId: user.id, unitId: user.unit.id, address: request.ip });
			setSessionCookie(request, reply, token);
			request.log.info({ userId: user.id, username: user.username }, 'login succeeded');
			return { user, csrfToken, mustChangePassword };
		}
	);

	fastify.get(
		'/api/auth/session',
		{ schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token for writes', response: { 200: Session, 401: ApiError } } },
		async (request) => ({ user: userOf(request), csrfToken: request.session?.csrfToken ?? '', mustChangePassword: request.session?.mustChangePassword ?? false })
	);

	fastify.post(
		'/api/auth/logout',
		{ schema: { tags: ['auth'], summary: 'Sign out: ends the session, disconnects its sockets and clears the cookie', response: { 204: Type.Null(), 403: ApiError } } },
		async (request, reply) => {
			const session = request.session;
			if (session) {
				await fastify.auth.logout(session);
				await fastify.audit.record('auth.logout', { actorId: session.user.id, unitId: session.user.unit.id, address: request.ip });
			}
			clearSessionCookie(reply);
			return reply.code(204).send(null);
		}
	);

	fastify.post(
		'/api/auth/password',
		{
			schema: {
				tags: ['auth'],
				summary: 'Change the password (the current one is required; the new one passes the password policy); every other session of the user ends and a temporary password’s mustChangePassword is cleared',
				body: PasswordChangeInput,
				response: { 204: Type.Null(), 400: ApiError, 401: ApiError, 403: ApiError, 429: ApiError },
			},
			// Each try is a guess at the current password, made with a stolen or unattended session.
			config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
		},
		async (request, reply) => {
			const session = sessionOf(request);
			const ended = await fastify.auth.changePassword(session, request.body.currentPassword, request.body.newPassword);
			await fastify.audit.record('auth.password_changed', {
				actorId: session.user.id,
				unitId: session.user.unit.id,
				address: request.ip,
				detail: { otherSessionsEnded: ended },
			});
			return reply.code(204).send(null);
		}
	);
};

export default authRoutes;
