import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PasswordResetInfo, PasswordResetUse, ResetTokenParams } from '#shared/api/accounts.ts';
import { ApiError } from '#shared/api/common.ts';
import type { AccountsService } from './accounts.service.ts';

/**
 * The one-time links an administrator hands out (POST /api/accounts/:id/reset-password), used
 * without a session: the token is the credential. Tokens carry 256 random bits, so the rate limit
 * is against load, not guessing; a person opens their link a few times.
 */
const passwordResetRoutes: FastifyPluginAsyncTypebox<{ service: AccountsService }> = async (fastify, { service }) => {
	const rateLimit = { max: 20, timeWindow: '1 minute' };

	fastify.get(
		'/api/password-reset/:token',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Whose password a reset link sets (no session needed); 404 reset_link_invalid when used, expired or unknown',
				params: ResetTokenParams,
				response: { 200: PasswordResetInfo, 400: ApiError, 404: ApiError, 429: ApiError },
			},
			config: { rateLimit },
		},
		async (request, reply) => {
			void reply.header('cache-control', 'no-store');
			return service.resetLinkInfo(request.params.token);
		}
	);

	fastify.post(
		'/api/password-reset/:token',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Set the password with a reset link, once (no session needed); every session of the user ends',
				params: ResetTokenParams,
				body: PasswordResetUse,
				response: { 204: Type.Null(), 400: ApiError, 404: ApiError, 429: ApiError },
			},
			config: { rateLimit },
		},
		async (request, reply) => {
			void reply.header('cache-control', 'no-store');
			const { userId, unitId, sessionsEnded } = await service.useResetLink(request.params.token, request.body.newPassword);
			await fastify.audit.record('auth.password_reset_used', { actorId: userId, unitId, address: request.ip, detail: { sessionsEnded } });
			return reply.code(204).send(null);
		}
	);
};

export default passwordResetRoutes;
