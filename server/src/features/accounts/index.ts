import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Chair } from '#shared/api/accounts.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { createUsersRepository } from './users.repository.ts';

const accounts: FastifyPluginAsyncTypebox = async (fastify) => {
	const users = createUsersRepository(fastify.db);

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
};

export default accounts;
