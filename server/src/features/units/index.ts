import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { District } from '#shared/api/units.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { createUnitsRepository } from './units.repository.ts';

const units: FastifyPluginAsyncTypebox = async (fastify) => {
	const repository = createUnitsRepository(fastify.db);

	// Public: the start screen names the district and its conference points before anyone signs in.
	fastify.get(
		'/api/district',
		{ schema: { tags: ['district'], summary: 'The host district and its communes and towns (public)', response: { 200: District } } },
		async () => {
			const district = await repository.findDistrict();
			if (!district) {
				throw new NotFoundError('No district is set up yet');
			}
			return district;
		}
	);
};

export default units;
