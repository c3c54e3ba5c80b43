import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HostUnit } from '#shared/api/units.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { createUnitsRepository } from './units.repository.ts';
import unitsRoutes from './units.routes.ts';

const units: FastifyPluginAsyncTypebox = async (fastify) => {
	const repository = createUnitsRepository(fastify.db);

	// Public: the start screen names the host unit and its conference points before anyone signs in.
	fastify.get(
		'/api/host-unit',
		{ schema: { tags: ['units'], summary: 'The host unit (province, city or district) and its active member units (public)', response: { 200: HostUnit } } },
		async () => {
			const host = await repository.findHostUnit();
			if (!host) {
				throw new NotFoundError('No host unit is set up yet');
			}
			return host;
		}
	);

	await fastify.register(unitsRoutes, { repository });
};

export default units;
