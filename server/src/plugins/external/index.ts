import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** Third-party plugins the whole app shares: security headers, rate limits, the OpenAPI document. */
export default fp(
	async (fastify) => {
		await fastify.register(fastifyHelmet, {
			// The connection check plays camera streams; nothing else needs loosening.
			contentSecurityPolicy: { directives: { 'media-src': ["'self'", 'blob:', 'mediastream:'] } },
		});
		// Limits are opt-in per route (config.rateLimit), e.g. sign-in.
		await fastify.register(fastifyRateLimit, { global: false });
		await fastify.register(fastifySwagger, {
			openapi: {
				info: { title: 'GiaoBan API', version: '1', description: 'District-to-commune conferences and minutes' },
				components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'giaoban_session' } } },
			},
		});
		await fastify.register(fastifySwaggerUi, { routePrefix: '/docs' });
	},
	{ name: 'external' }
);
