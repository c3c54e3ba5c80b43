import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Session } from '#shared/api/auth.ts';
import { ApiError } from '#shared/api/common.ts';
import { SetupInput, SetupState } from '#shared/api/setup.ts';
import type { Config } from '../../config/env.ts';
import { ForbiddenError } from '../../lib/errors.ts';
import { newToken, sameSecret } from '../../lib/secrets.ts';
import { setSessionCookie } from '../auth/session-cookie.ts';
import { createSetupRepository } from './setup.repository.ts';
import { setUpHost, setupDone } from './setup.service.ts';

export type SetupOptions = {
	/** Where the first-run line goes: the operator reads it on the console of `npm start`. */
	print: (text: string) => void;
};

/** The origin the operator opens: PUBLIC_URL, else the address the server listens on. */
export function listenOrigin(config: Pick<Config, 'publicUrl' | 'host'>, port: number): string {
	if (config.publicUrl !== null) {
		return config.publicUrl;
	}
	// A wildcard address is no place to browse to; on the server's own console localhost is.
	const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
	return `http://${host}:${port}`;
}

/**
 * First run. A server started on a database without any unit (and DEMO_DATA off, or it would have
 * seeded one) makes a one-time token and prints the setup page's address with it, after the
 * fragment (#) so that the token never reaches a request log. POST /api/setup with that token
 * creates the host unit and its administrator and signs them in; from then on, and after any
 * restart, setup answers setup_done: the token lives only in this process's memory, and whether a
 * unit exists is checked again inside the transaction that creates it.
 */
const setup: FastifyPluginAsyncTypebox<SetupOptions> = async (fastify, { print }) => {
	const repo = createSetupRepository(fastify.db);
	let token: string | null = (await repo.hasUnits()) ? null : newToken();

	if (token !== null) {
		const printed = token;
		fastify.addHook('onListen', async () => {
			// The port actually bound: PORT=0 picks a free one.
			const origin = listenOrigin(fastify.config, (fastify.server.address() as AddressInfo).port);
			print(`\nFirst run: open ${origin}/setup#${printed} to set up the host unit and the first administrator (or on this machine: npm run admin -- setup --help)\n\n`);
			fastify.log.info('first run: no unit yet; the setup link was printed on the console');
		});
	}

	fastify.get(
		'/api/setup',
		{ schema: { tags: ['setup'], summary: 'Whether the first-run setup is still open: no unit exists yet (public)', response: { 200: SetupState } } },
		async () => ({ needed: !(await repo.hasUnits()) })
	);

	fastify.post(
		'/api/setup',
		{
			schema: {
				tags: ['setup'],
				summary: 'First run (once, with the token printed at start): create the host unit and its administrator, and sign them in',
				body: SetupInput,
				response: { 201: Session, 400: ApiError, 403: ApiError, 409: ApiError, 429: ApiError },
			},
			// Each try is a guess at the token (256 bits: hopeless), and a setup is made once.
			config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
		},
		async (request, reply) => {
			// Done first: once set up, every try gets the same answer, whatever token it carries.
			if (await repo.hasUnits()) {
				throw setupDone();
			}
			if (token === null || !sameSecret(request.body.token, token)) {
				throw new ForbiddenError('Wrong setup token: use the address printed on the server console at start', { reason: 'setup_token_invalid', field: 'token' });
			}
			const { unit, admin } = request.body;
			const { unitId, user } = await setUpHost(repo, { unit, admin, mustChangePassword: false });
			token = null;
			await fastify.audit.record('setup.completed', {
				actorId: user.id,
				unitId,
				address: request.ip,
				detail: { unitId, kind: unit.kind, username: user.username, via: 'web' },
			});
			// Signed in as after a login: the one who set the server up goes on to add units and accounts.
			const session = await fastify.auth.openSession(user.id);
			setSessionCookie(request, reply, session.token);
			request.log.info({ userId: user.id, unitId }, 'first-run setup completed');
			return reply.code(201).header('cache-control', 'no-store').send({ user, csrfToken: session.csrfToken, mustChangePassword: false });
		}
	);
};

export default setup;
