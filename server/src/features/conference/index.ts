import type { FastifyPluginAsync } from 'fastify';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { registerConferenceHandlers } from './conference.handlers.ts';
import { ConferenceRegistry } from './conference-registry.ts';
import { createConferenceRepository } from './conference.repository.ts';
import { MeetingLifecycle } from './meeting-lifecycle.ts';

/** An empty room keeps its router this long, so a site reloading its page finds it again. */
const EMPTY_ROOM_CLOSE_MS = 60_000;

const conference: FastifyPluginAsync = async (fastify) => {
	const { emptyEndMs, endGraceMs, downlinkKbps, maxThumbnails, lastN } = fastify.config.meetings;
	const log = fastify.log.child({ component: 'conference' });
	const meetings = createMeetingsRepository(fastify.db);
	const repo = createConferenceRepository(fastify.db);
	const registry = new ConferenceRegistry({
		pool: fastify.workerPool,
		repo,
		events: fastify.meetingEvents,
		log,
		emptyRoomCloseMs: Math.min(EMPTY_ROOM_CLOSE_MS, emptyEndMs),
		media: { downlinkKbps, maxThumbnails, lastN },
	});
	// Often enough that a meeting ends within a few percent of its empty time, at most every 30 s.
	const sweepMs = Math.max(200, Math.min(30_000, Math.min(emptyEndMs, endGraceMs || emptyEndMs) / 10));
	const lifecycle = new MeetingLifecycle({ registry, repo, log, emptyEndMs, endGraceMs, sweepMs });
	await lifecycle.start();
	fastify.io.on('connection', (socket) => registerConferenceHandlers(socket, { registry, meetings }));
	// Access taken away elsewhere (meetings, accounts) takes effect in the live rooms at once.
	const unsubscribe = [
		fastify.accessEvents.on('invitation:revoked', async ({ meetingId, unitId, reason }) => {
			// A renewed link ends only the sites that came in with a link; the unit's signed-in
			// operators keep their seats. An uninvited unit loses every site.
			const count = await registry.revoke(meetingId, (site) => site.unitId === unitId && (reason === 'uninvited' || site.userId === null));
			log.info({ meetingId, unitId, reason, count }, 'invitation revoked in the live room');
		}),
		fastify.accessEvents.on('meeting:cancelled', ({ meetingId }) => registry.cancelled(meetingId)),
		fastify.accessEvents.on('invitations:changed', ({ meetingId }) => registry.refreshRoster(meetingId)),
		fastify.accessEvents.on('user:disabled', async ({ userId }) => {
			await registry.revoke(null, (site) => site.userId === userId);
		}),
	];
	// Sockets are already disconnected (socket-io preClose); the rooms record their sites' leaves
	// and close before the workers and the database go.
	fastify.addHook('preClose', async () => {
		for (const off of unsubscribe) {
			off();
		}
		await lifecycle.close();
		await registry.closeAll();
	});
};

export default conference;
