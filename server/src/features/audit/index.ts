import fp from 'fastify-plugin';
import { createAuditRepository } from './audit.repository.ts';
import auditRoutes from './audit.routes.ts';
import { createAuditService, type AuditService } from './audit.service.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** The security audit log: features record sign-ins, password and account changes here. */
		audit: AuditService;
	}
}

/**
 * App-wide (fastify-plugin) so that the features registered after it can record events; its one
 * route stays in an encapsulated child.
 */
export default fp(
	async (fastify) => {
		fastify.decorate('audit', createAuditService(createAuditRepository(fastify.db)));
		await fastify.register(auditRoutes);
	},
	{ name: 'audit', dependencies: ['database', 'auth'] }
);
