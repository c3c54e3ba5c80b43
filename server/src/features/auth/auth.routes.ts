import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LoginInput, Session } from '#shared/api/auth.ts';
import { userOf } from './auth-plugin.ts';
import { clearSessionCookie, setSessionCookie, SESSION_COOKIE } from './session-cookie.ts';

const authRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
	fastify.post(
		'/api/auth/login',
		{
			schema: {
				tags: ['auth'],
				summary: 'Sign in with username and password; sets the session cookie',
				body: LoginInput,
				response: { 200: Session },
			},
			config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
		},
		async (request, reply) => {
			const result = await fastify.auth.login(request.body.username, request.body.password).catch((error: unknown) => {
				request.log.warn({ username: request.body.username }, 'login failed');
				throw error;
			});
			const { token, csrfToken, user } = result;
			setSessionCookie(request, reply, token);
			request.log.info({ userId: user.id, username: user.username }, 'login succeeded');
			return { user, csrfToken };
		}
	);

	fastify.get(
		'/api/auth/session',
		{ schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token for writes', response: { 200: Session } } },
		async (request) => ({ user: userOf(request), csrfToken: request.session?.csrfToken ?? '' })
	);

	fastify.post(
		'/api/auth/logout',
		{ schema: { tags: ['auth'], summary: 'Sign out: ends the session and clears the cookie' } },
		async (request, reply) => {
			await fastify.auth.logout(request.cookies[SESSION_COOKIE]);
			clearSessionCookie(reply);
			return reply.code(204).send();
		}
	);
};

export default authRoutes;
