import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { createDemoDataRepository } from './demo-data.repository.ts';
import { formatAccounts, saveAccounts, seedDemoData } from './seed-demo-data.ts';

const demoData: FastifyPluginAsync = async (fastify) => {
	if (!fastify.config.demoData) {
		return;
	}
	const accounts = await seedDemoData(createDemoDataRepository(fastify.db));
	if (!accounts) {
		return;
	}
	const file = join(dirname(fastify.config.databaseFile), 'demo-accounts.txt');
	saveAccounts(file, accounts);
	process.stdout.write(`\n${formatAccounts(accounts)}  saved to ${file}\n\n`);
	fastify.log.info({ accounts: accounts.length, file }, 'demo data created');
};

export default demoData;
