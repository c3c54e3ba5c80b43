import fp from 'fastify-plugin';
import type { MinutesAccess } from '../minutes-collab/index.ts';
import { createMinutesRender } from '../minutes-render/index.ts';
import { isIncrementalUpdateOf, signPdf, verifyPdfSignatures } from '../signing/index.ts';
import { createDraftBuilder } from './draft/index.ts';
import type { MinutesPorts } from './minutes-ports.ts';
import { createMinutesRepository } from './minutes.repository.ts';
import minutesRoutes from './minutes.routes.ts';
import { createMinutesService } from './minutes.service.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** Who may read and edit one minutes now (co-editing asks it for every join and update). */
		minutesAccess: MinutesAccess;
	}
}

/**
 * The minutes workflow (draft → submitted → approved → signed → issued) over the features that
 * do the work: the draft builder, co-editing (fastify.minutesCollab), rendering
 * (fastify.pdfRenderer), signing (fastify.signingKeys) and the document store (fastify.documents).
 */
export default fp(
	async (fastify) => {
		const repo = createMinutesRepository(fastify.db);
		const ports: MinutesPorts = {
			buildDraft: createDraftBuilder(fastify.db),
			collab: fastify.minutesCollab,
			render: createMinutesRender(fastify.pdfRenderer),
			signing: {
				key: (unitId) => fastify.signingKeys.get(unitId),
				configured: (unitId) => fastify.signingKeys.has(unitId),
				sign: (pdf, key, info) => signPdf(pdf, key, info),
				verify: (pdf) => verifyPdfSignatures(pdf),
				isIncrementalUpdateOf,
			},
			files: fastify.documents.files,
			documents: fastify.documents,
		};
		const service = createMinutesService(repo, ports, fastify.audit);
		fastify.decorate('minutesAccess', (user: Parameters<MinutesAccess>[0], minutesId: string) => service.access(user, minutesId));
		await fastify.register(minutesRoutes, { service });
	},
	{ name: 'minutes', dependencies: ['database', 'auth', 'audit', 'minutes-collab', 'pdf-renderer', 'signing-keys', 'documents'] }
);
