import fp from 'fastify-plugin';
import { openDatabase, type Database } from '../../db/open-database.ts';

declare module 'fastify' {
	interface FastifyInstance {
		db: Database;
	}
}

export default fp(
	async (fastify) => {
		const db = await openDatabase({ file: fastify.config.databaseFile, synchronous: fastify.config.sqliteSynchronous });
		fastify.decorate('db', db);
		fastify.addHook('onClose', async () => {
			await db.$disconnect();
		});
		fastify.log.info({ file: fastify.config.databaseFile }, 'database open');
	},
	{ name: 'database', dependencies: ['config'] }
);
