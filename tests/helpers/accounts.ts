import type { FastifyInstance } from 'fastify';
import { createDemoDataRepository } from '../../server/src/features/demo-data/demo-data.repository.ts';
import { seedDemoData, type SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';

export type Signed = { cookie: string; csrf: string; headers: Record<string, string> };

/** Seeds the demo district and returns its accounts by username, passwords included. */
export async function seedAccounts(app: FastifyInstance): Promise<Map<string, SeededAccount>> {
	const accounts = await seedDemoData(createDemoDataRepository(app.db));
	if (!accounts) {
		throw new Error('database was not empty');
	}
	return new Map(accounts.map((a) => [a.username, a]));
}

/**
 * Signs in as a demo account. Sign-in is rate-limited per address (10 a minute): a test that opens
 * more sessions passes its own `remoteAddress`.
 */
export async function login(app: FastifyInstance, accounts: Map<string, SeededAccount>, username: string, remoteAddress?: string): Promise<Signed> {
	const account = accounts.get(username);
	if (!account) {
		throw new Error(`no demo account ${username}`);
	}
	const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: account.password }, ...(remoteAddress ? { remoteAddress } : {}) });
	if (response.statusCode !== 200) {
		throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
	}
	const cookie = response.cookies.find((c) => c.name === 'giaoban_session');
	const csrf = response.json<{ csrfToken: string }>().csrfToken;
	return { cookie: `giaoban_session=${cookie!.value}`, csrf, headers: { cookie: `giaoban_session=${cookie!.value}`, 'x-csrf-token': csrf } };
}
