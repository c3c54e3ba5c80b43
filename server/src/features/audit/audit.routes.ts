import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditPage, AuditQuery } from '#shared/api/audit.ts';
import { ApiError } from '#shared/api/common.ts';
import { userOf } from '../auth/auth-plugin.ts';

const auditRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
	fastify.get(
		'/api/audit',
		{
			schema: {
				tags: ['audit'],
				summary: 'Sign-ins, sign-outs, failed sign-ins, password changes and account changes of the district and its communes, newest first (district administrator)',
				querystring: AuditQuery,
				response: { 200: AuditPage, 400: ApiError, 401: ApiError, 403: ApiError },
			},
		},
		async (request) => fastify.audit.list(userOf(request), request.query)
	);
};

export default auditRoutes;
