import type { FastifyPluginAsync } from 'fastify';
import { rejectUnknownEvents } from '../../lib/define-handler.ts';
import { registerMediaHandlers } from './media.handlers.ts';

const media: FastifyPluginAsync = async (fastify) => {
	fastify.io.on('connection', (socket) => {
		rejectUnknownEvents(socket);
		registerMediaHandlers(socket);
	});
};

export default media;
