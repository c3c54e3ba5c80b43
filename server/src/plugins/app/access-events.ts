import fp from 'fastify-plugin';
import { AccessEventBus } from '../../domain/access-events.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** Revocations (links, invitations, cancelled meetings, disabled users, ended sessions) for features to enforce. */
		accessEvents: AccessEventBus;
	}
}

export default fp(
	async (fastify) => {
		const log = fastify.log.child({ component: 'access-events' });
		fastify.decorate('accessEvents', new AccessEventBus((event, error) => log.error({ err: error, event }, 'access event subscriber failed')));
	},
	{ name: 'access-events' }
);
