import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { paths } from '../../config/paths.ts';

/** Serves the built web client (dist/client); app routes such as /meetings/123 get index.html. */
const webClient: FastifyPluginAsync = async (fastify) => {
	if (!existsSync(paths.clientDist)) {
		fastify.log.warn({ dir: paths.clientDist }, 'web client not built; run npm start or npm run setup');
		return;
	}
	await fastify.register(fastifyStatic, { root: paths.clientDist, wildcard: false, index: 'index.html' });
	fastify.get('/*', (request, reply) => {
		const isPage = !request.url.startsWith('/api/') && request.headers.accept?.includes('text/html');
		if (!isPage) {
			return reply.callNotFound();
		}
		return reply.sendFile('index.html');
	});
};

export default webClient;
