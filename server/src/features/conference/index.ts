import type { FastifyPluginAsync } from 'fastify';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { registerConferenceHandlers } from './conference.handlers.ts';
import { ConferenceRegistry } from './conference-registry.ts';

const conference: FastifyPluginAsync = async (fastify) => {
	const meetings = createMeetingsRepository(fastify.db);
	const registry = new ConferenceRegistry(fastify.workerPool, meetings, fastify.log.child({ component: 'conference' }));
	fastify.io.on('connection', (socket) => registerConferenceHandlers(socket, { registry, meetings }));
	// Sockets are already disconnected (socket-io preClose); close the rooms before the workers go.
	fastify.addHook('preClose', async () => {
		await registry.closeAll();
	});
};

export default conference;
