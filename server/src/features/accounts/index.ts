import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Account, AccountCreateInput, AccountParams, AccountSecret, AccountUpdateInput, Chair, PasswordResetInput } from '#shared/api/accounts.ts';
import { ApiError } from '#shared/api/common.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { createAccountsService } from './accounts.service.ts';
import passwordResetRoutes from './password-reset.routes.ts';
import { createPasswordResetsRepository } from './password-resets.repository.ts';
import { createUsersRepository } from './users.repository.ts';

const errors = { 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

const accounts: FastifyPluginAsyncTypebox = async (fastify) => {
	const users = createUsersRepository(fastify.db);
	const service = createAccountsService({
		users,
		resets: createPasswordResetsRepository(fastify.db),
		endSessionsOf: (userId, reason) => fastify.auth.endSessionsOf(userId, reason),
		events: fastify.accessEvents,
	});

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

	fastify.get(
		'/api/accounts',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Accounts of the administrator’s unit and every unit below it, disabled ones included, by unit name then username (administrator)',
				response: { 200: Type.Array(Account), 401: ApiError, 403: ApiError },
			},
		},
		async (request) => service.list(userOf(request))
	);

	fastify.post(
		'/api/accounts',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Create an account in a managed active unit (administrator); the reply holds its temporary password, shown once',
				body: AccountCreateInput,
				response: { 201: AccountSecret, 400: ApiError, ...errors },
			},
		},
		async (request, reply) => {
			const admin = userOf(request);
			const secret = await service.create(admin, request.body);
			await fastify.audit.record('user.created', {
				actorId: admin.id,
				unitId: admin.unit.id,
				address: request.ip,
				detail: { userId: secret.account.id, username: secret.account.username, role: secret.account.role, unitId: secret.account.unit.id },
			});
			// A password is in this reply: no cache may keep it.
			return reply.code(201).header('cache-control', 'no-store').send(secret);
		}
	);

	fastify.patch(
		'/api/accounts/:id',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Change an account’s display name, role or unit (administrator); a changed role or unit ends its sessions',
				params: AccountParams,
				body: AccountUpdateInput,
				response: { 200: Account, 400: ApiError, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const { account, changed, sessionsEnded } = await service.update(admin, request.params.id, request.body);
			const fields = Object.keys(changed);
			if (fields.length > 0) {
				await fastify.audit.record('user.updated', {
					actorId: admin.id,
					unitId: admin.unit.id,
					address: request.ip,
					detail: { userId: account.id, username: account.username, changed: fields.join(','), ...changed, sessionsEnded },
				});
			}
			return account;
		}
	);

	fastify.post(
		'/api/accounts/:id/reset-password',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Reset an account’s password (administrator): a temporary password or a one-time link; every session of the account ends',
				params: AccountParams,
				body: PasswordResetInput,
				response: { 200: AccountSecret, 400: ApiError, ...errors },
			},
		},
		async (request, reply) => {
			const admin = userOf(request);
			const { secret, sessionsEnded } = await service.resetPassword(admin, request.params.id, request.body.mode);
			await fastify.audit.record('user.password_reset', {
				actorId: admin.id,
				unitId: admin.unit.id,
				address: request.ip,
				detail: { userId: secret.account.id, username: secret.account.username, mode: request.body.mode, sessionsEnded },
			});
			return reply.header('cache-control', 'no-store').send(secret);
		}
	);

	fastify.post(
		'/api/accounts/:id/disable',
		{
			schema: {
				tags: ['accounts'],
				summary: 'Disable an account of a managed unit (administrator): it cannot sign in, its sessions end and its sites leave meetings',
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
				summary: 'Enable a disabled account again (administrator)',
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

	await fastify.register(passwordResetRoutes, { service });
};

export default accounts;
