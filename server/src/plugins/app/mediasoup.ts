import fp from 'fastify-plugin';
import { WorkerPool } from '../../sfu/worker-pool.ts';

declare module 'fastify' {
	interface FastifyInstance {
		workerPool: WorkerPool;
	}
}

export default fp(
	async (fastify) => {
		const { mediasoup } = fastify.config;
		const pool = await WorkerPool.create(
			{
				numWorkers: mediasoup.numWorkers,
				logLevel: mediasoup.logLevel,
				listenIp: mediasoup.listenIp,
				announcedAddress: mediasoup.announcedAddress,
				portBase: mediasoup.portBase,
				internalPorts: mediasoup.internalPorts,
			},
			fastify.log.child({ component: 'worker-pool' })
		);
		fastify.decorate('workerPool', pool);
		fastify.addHook('onClose', async () => {
			pool.close();
		});
	},
	{ name: 'mediasoup', dependencies: ['config'] }
);
