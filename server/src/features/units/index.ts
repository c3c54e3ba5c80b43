import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../../lib/errors.ts';
import { createUnitsRepository } from './units.repository.ts';

const units: FastifyPluginAsync = async (fastify) => {
	const repository = createUnitsRepository(fastify.db);

	// Public: the start screen names the district and its conference points before anyone signs in.
	fastify.get('/api/district', async () => {
		const district = await repository.findDistrict();
		if (!district) {
			throw new NotFoundError('No district is set up yet');
		}
		return district;
	});
};

export default units;
