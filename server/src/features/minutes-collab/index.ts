import fp from 'fastify-plugin';
import type { MinutesAccess } from './minutes-collab-access.ts';
import { minutesRoom, registerMinutesCollabHandlers, toBase64 } from './minutes-collab.handlers.ts';
import { minutesCollabRoutes } from './minutes-collab.routes.ts';
import { MinutesCollab, type MinutesCollabOptions } from './minutes-collab.ts';
import { createMinutesUpdatesRepository } from './minutes-updates.repository.ts';

export { MinutesCollab } from './minutes-collab.ts';
export type { MinutesAccess } from './minutes-collab-access.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** The minutes' shared documents: update log, checkpoints, versions, restore (one per app). */
		minutesCollab: MinutesCollab;
	}
}

/**
 * Co-editing of the minutes (Yjs): fastify.minutesCollab for the workflow, the minutes:* socket
 * requests and the binary state/update routes. App-wide (fastify-plugin) for the decorator; the
 * routes are an encapsulated child, so their octet-stream parser stays theirs.
 */
export default fp<{ collab?: MinutesCollabOptions }>(
	async (fastify, options) => {
		const repo = createMinutesUpdatesRepository(fastify.db);
		const collab = new MinutesCollab(repo, fastify.log, options.collab);
		// The minutes workflow's rule (features/minutes decorates it after this plugin): one place
		// decides who reads and edits, asked again for every join and every batch of edits.
		const access = (): MinutesAccess => fastify.getDecorator<MinutesAccess>('minutesAccess');
		fastify.decorate('minutesCollab', collab);

		collab.on('updated', ({ minutesId, seq, update, origin }) => {
			const room = fastify.io.to(minutesRoom(minutesId));
			(origin ? room.except(origin) : room).emit('minutes:updated', { minutesId, seq, update: toBase64(update) });
		});
		collab.on('awareness', ({ minutesId, update, origin }) => {
			fastify.io.to(minutesRoom(minutesId)).except(origin).emit('minutes:awareness', { minutesId, update: toBase64(update) });
		});
		collab.on('status', ({ minutesId, status }) => {
			fastify.io.to(minutesRoom(minutesId)).emit('minutes:status', { minutesId, status });
		});

		fastify.io.on('connection', (socket) => {
			registerMinutesCollabHandlers({ collab, access }, socket);
		});
		await fastify.register(minutesCollabRoutes({ collab, access }));

		// After socket.io's preClose: the sockets' leaves ran; the last checkpoints go before the database closes.
		fastify.addHook('onClose', async () => {
			await collab.close();
		});
	},
	{ name: 'minutes-collab', dependencies: ['database', 'socket-io', 'auth'] }
);
