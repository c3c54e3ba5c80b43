import fp from 'fastify-plugin';
import type { NotificationOf } from '#shared/protocol/index.ts';
import { onRequest } from '../../lib/define-handler.ts';
import { UnauthorizedError } from '../../lib/errors.ts';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { createMeetingsService } from '../meetings/meetings.service.ts';

export type MeetingUpdate = NotificationOf<'meeting:updated'>['what'];

declare module 'fastify' {
	interface FastifyInstance {
		/** Tells the pages following a meeting that something of it changed (they fetch it again). */
		meetingWatch: { notify: (meetingId: string, what: MeetingUpdate) => void };
	}
}

/** Job progress comes often; a page needs it about twice a second at most. */
const THROTTLE_MS = 500;

const roomOf = (meetingId: string) => `meeting-watch:${meetingId}`;

/**
 * The meeting page follows its meeting's background work over the socket it already has. Only
 * "what changed" is sent: the page fetches over HTTP, where each read is checked as usual, so a
 * watcher whose access ends learns nothing it could not read.
 */
export default fp(
	async (fastify) => {
		const meetingsRepo = createMeetingsRepository(fastify.db);
		const pending = new Map<string, NodeJS.Timeout>();

		const notify = (meetingId: string, what: MeetingUpdate): void => {
			const key = `${meetingId}:${what}`;
			if (pending.has(key)) {
				return;
			}
			const timer = setTimeout(() => {
				pending.delete(key);
				fastify.io.to(roomOf(meetingId)).emit('meeting:updated', { meetingId, what });
			}, THROTTLE_MS);
			timer.unref();
			pending.set(key, timer);
		};
		fastify.decorate('meetingWatch', { notify });

		for (const event of ['job:started', 'job:progress', 'job:done', 'job:failed', 'job:cancelled'] as const) {
			fastify.jobs.runner.on(event, (job) => {
				if (job.meetingId) {
					notify(job.meetingId, 'jobs');
				}
			});
		}

		fastify.meetingEvents.onAny((event, payload) => {
			if (event === 'meeting:started' || event === 'meeting:ended') {
				notify(payload.meetingId, 'meeting');
			} else if (event === 'recording:changed') {
				notify(payload.meetingId, 'recordings');
			} else if (event === 'site:joined' || event === 'site:left') {
				// The roll call on the meeting page follows the room.
				notify(payload.meetingId, 'attendance');
			}
		});

		fastify.io.on('connection', (socket) => {
			let watching: string | null = null;
			onRequest(socket, 'meeting:watch', async ({ meetingId }) => {
				const user = socket.data.user;
				if (!user) {
					throw new UnauthorizedError();
				}
				// 404 for a meeting this user may not see, as over HTTP.
				await createMeetingsService(meetingsRepo, { publicUrl: () => '', address: socket.data.address }).get(user, meetingId);
				if (watching) {
					await socket.leave(roomOf(watching));
				}
				watching = meetingId;
				await socket.join(roomOf(meetingId));
				return {};
			});
			onRequest(socket, 'meeting:unwatch', async () => {
				if (watching) {
					await socket.leave(roomOf(watching));
					watching = null;
				}
				return {};
			});
		});

		fastify.addHook('onClose', async () => {
			for (const timer of pending.values()) {
				clearTimeout(timer);
			}
			pending.clear();
		});
	},
	{ name: 'meeting-watch', dependencies: ['jobs', 'meeting-events'] }
);
