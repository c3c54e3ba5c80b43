import type { FastifyPluginAsync } from 'fastify';
import { databaseReachable } from '../../db/open-database.ts';

/** Liveness (/healthz: the process answers) and readiness (/readyz: it can serve a meeting). */
const health: FastifyPluginAsync = async (fastify) => {
	fastify.get('/healthz', async () => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }));

	fastify.get('/readyz', async (_request, reply) => {
		const database = await databaseReachable(fastify.db);
		const mediasoup = fastify.workerPool.status();
		const ready = database && mediasoup.ready;
		return reply.code(ready ? 200 : 503).send({ ready, database: { ok: database }, mediasoup });
	});
};

export default health;
