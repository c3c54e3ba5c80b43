import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** Helmet's default: a year, subdomains included. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** Third-party plugins the whole app shares: security headers, rate limits, the OpenAPI document. */
export default fp(
	async (fastify) => {
		await fastify.register(fastifyHelmet, {
			// The connection check plays camera streams; nothing else needs loosening.
			// upgrade-insecure-requests only over HTTPS (added below): a server reached as
			// http://192.168.1.10 on a commune LAN would otherwise have its own scripts fetched over
			// an HTTPS it does not serve, and the page would not load.
			contentSecurityPolicy: { directives: { 'media-src': ["'self'", 'blob:', 'mediastream:'], 'upgrade-insecure-requests': null } },
			// Set below, on HTTPS responses only.
			strictTransportSecurity: false,
		});
		// HSTS over plain HTTP means nothing to a browser (RFC 6797 8.1), and a server reached over
		// HTTP on a commune LAN must not claim HTTPS. Behind a proxy, request.protocol is https only
		// when a TRUST_PROXY peer says so in X-Forwarded-Proto.
		fastify.addHook('onRequest', async (request, reply) => {
			if (request.protocol === 'https') {
				void reply.header('strict-transport-security', HSTS);
			}
		});
		fastify.addHook('onSend', async (request, reply, payload) => {
			const csp = reply.getHeader('content-security-policy');
			if (request.protocol === 'https' && typeof csp === 'string') {
				void reply.header('content-security-policy', `${csp};upgrade-insecure-requests`);
			}
			return payload;
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
