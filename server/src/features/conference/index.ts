import type { FastifyPluginAsync } from 'fastify';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { registerConferenceHandlers } from './conference.handlers.ts';
import { ConferenceRegistry } from './conference-registry.ts';
import { createConferenceRepository } from './conference.repository.ts';
import { MeetingLifecycle } from './meeting-lifecycle.ts';

/** An empty room keeps its router this long, so a site reloading its page finds it again. */
const EMPTY_ROOM_CLOSE_MS = 60_000;

const conference: FastifyPluginAsync = async (fastify) => {
	const { emptyEndMs, endGraceMs } = fastify.config.meetings;
	const log = fastify.log.child({ component: 'conference' });
	const meetings = createMeetingsRepository(fastify.db);
	const repo = createConferenceRepository(fastify.db);
	const registry = new ConferenceRegistry({
		pool: fastify.workerPool,
		repo,
		events: fastify.meetingEvents,
		log,
		emptyRoomCloseMs: Math.min(EMPTY_ROOM_CLOSE_MS, emptyEndMs),
	});
	// Often enough that a meeting ends within a few percent of its empty time, at most every 30 s.
	const sweepMs = Math.max(200, Math.min(30_000, Math.min(emptyEndMs, endGraceMs || emptyEndMs) / 10));
	const lifecycle = new MeetingLifecycle({ registry, repo, log, emptyEndMs, endGraceMs, sweepMs });
	await lifecycle.start();
	fastify.io.on('connection', (socket) => registerConferenceHandlers(socket, { registry, meetings }));
	// Sockets are already disconnected (socket-io preClose); the rooms record their sites' leaves
	// and close before the workers and the database go.
	fastify.addHook('preClose', async () => {
		await lifecycle.close();
		await registry.closeAll();
	});
};

export default conference;
