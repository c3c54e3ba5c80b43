import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { createDemoDataRepository } from './demo-data.repository.ts';
import { formatAccounts, saveAccounts, seedDemoData } from './seed-demo-data.ts';

/** `print`: where the accounts are shown for the operator (buildApp's print, stdout by default). */
const demoData: FastifyPluginAsync<{ print: (text: string) => void }> = async (fastify, { print }) => {
	if (!fastify.config.demoData) {
		return;
	}
	const accounts = await seedDemoData(createDemoDataRepository(fastify.db));
	if (!accounts) {
		return;
	}
	const file = join(dirname(fastify.config.databaseFile), 'demo-accounts.txt');
	saveAccounts(file, accounts);
	print(`\n${formatAccounts(accounts)}  saved to ${file}\n\n`);
	fastify.log.info({ accounts: accounts.length, file }, 'demo data created');
};

export default demoData;
