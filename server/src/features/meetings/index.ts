import type { FastifyPluginAsync } from 'fastify';
import joinLinkRoutes from './join-link.routes.ts';
import meetingsRoutes from './meetings.routes.ts';

/** The meetings feature: the signed-in API, and the join-link lookup that needs no session. */
const meetings: FastifyPluginAsync = async (fastify) => {
	await fastify.register(meetingsRoutes);
	await fastify.register(joinLinkRoutes);
};

export default meetings;
