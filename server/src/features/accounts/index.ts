import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Account, AccountParams, Chair } from '#shared/api/accounts.ts';
import { ApiError } from '#shared/api/common.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { createAccountsService } from './accounts.service.ts';
import { createUsersRepository } from './users.repository.ts';

const errors = { 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

const accounts: FastifyPluginAsyncTypebox = async (fastify) => {
	const users = createUsersRepository(fastify.db);
	const service = createAccountsService({ users, endSessionsOf: (userId, reason) => fastify.auth.endSessionsOf(userId, reason), events: fastify.accessEvents });

	// The scheduling form's chair picker: people of the user's own unit who can chair.
	fastify.get(
		'/api/accounts/chairs',
		{
			schema: {
				tags: ['accounts'],
				response: { 200: Type.Array(Chair) },
			},
		},
		async (request) => {
			const user = userOf(request);
			return (await users.listByUnit(user.unit.id)).filter((u) => u.role === 'chair').map(({ id, displayName }) => ({ id, displayName }));
		}
	);

	fastify.post(
		'/api/accounts/:id/disable',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Disable an account of the district or one of its communes (district administrator): it cannot sign in, its sessions end and its sites leave meetings',
				params: AccountParams,
				response: { 200: Account, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const { account, sessionsEnded } = await service.disable(admin, request.params.id);
			await fastify.audit.record('user.disabled', {
				actorId: admin.id,
				unitId: admin.unit.id,
				address: request.ip,
				detail: { userId: account.id, username: account.username, sessionsEnded },
			});
			return account;
		}
	);

	fastify.post(
		'/api/accounts/:id/enable',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Enable a disabled account again (district administrator)',
				params: AccountParams,
				response: { 200: Account, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const account = await service.enable(admin, request.params.id);
			await fastify.audit.record('user.enabled', {
				actorId: admin.id,
				unitId: admin.unit.id,
				address: request.ip,
				detail: { userId: account.id, username: account.username },
			});
			return account;
		}
	);
};

export default accounts;
