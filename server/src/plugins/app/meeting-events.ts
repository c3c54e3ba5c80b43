import fp from 'fastify-plugin';
import { MeetingEventBus } from '../../domain/meeting-events.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** Live-meeting events (joins, leaves, producers, start and end) for any feature to follow. */
		meetingEvents: MeetingEventBus;
	}
}

export default fp(
	async (fastify) => {
		const log = fastify.log.child({ component: 'meeting-events' });
		fastify.decorate('meetingEvents', new MeetingEventBus((event, error) => log.error({ err: error, event }, 'meeting event subscriber threw')));
	},
	{ name: 'meeting-events' }
);
