import { useEffect, useRef, useState } from 'react';
import type { NotificationOf } from '#shared/protocol/index.ts';
import { request, type AppSocket } from '../signaling/socket.ts';

export type WatchTopic = NotificationOf<'meeting:updated'>['what'];

const ALL_TOPICS: readonly WatchTopic[] = ['jobs', 'transcript', 'recordings', 'meeting'];

/**
 * A running job reports progress often; coalescing what arrives within this time into one refetch
 * per resource keeps the page from fetching the transcript dozens of times a minute.
 */
export const WATCH_COALESCE_MS = 300;

/**
 * Follows one meeting's background work over the page's socket: `onUpdate` gets the resources to
 * fetch again. Returns whether the server is following for us now; while it is not (socket down,
 * watch refused) the caller polls instead.
 */
export function useMeetingWatch(socket: AppSocket | null, meetingId: string, onUpdate: (topics: ReadonlySet<WatchTopic>) => void): boolean {
	const [watching, setWatching] = useState(false);
	// The latest callback without re-watching on every render of the caller.
	const handler = useRef(onUpdate);
	useEffect(() => {
		handler.current = onUpdate;
	}, [onUpdate]);

	useEffect(() => {
		if (!socket) {
			return undefined;
		}
		let active = true;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const due = new Set<WatchTopic>();
		// Whether the socket was watching and then dropped: what changed meanwhile was not announced.
		let missed = false;

		const flush = () => {
			timer = undefined;
			if (!active || due.size === 0) {
				return;
			}
			const topics = new Set(due);
			due.clear();
			handler.current(topics);
		};
		const schedule = (topics: Iterable<WatchTopic>) => {
			for (const topic of topics) {
				due.add(topic);
			}
			// Not restarted by later events: a steady stream of progress must not starve the refetch.
			timer ??= setTimeout(flush, WATCH_COALESCE_MS);
		};
		const watch = () => {
			request(socket, 'meeting:watch', { meetingId }).then(
				() => {
					if (active) {
						setWatching(true);
					}
				},
				() => {
					if (active) {
						setWatching(false);
					}
				}
			);
		};
		// The server forgets a socket's watch with the socket: a reconnected one must ask again.
		const onConnect = () => {
			watch();
			if (missed) {
				missed = false;
				schedule(ALL_TOPICS);
			}
		};
		const onDisconnect = () => {
			missed = true;
			setWatching(false);
		};
		const onUpdated = (event: NotificationOf<'meeting:updated'>) => {
			if (event.meetingId === meetingId) {
				schedule([event.what]);
			}
		};

		socket.on('connect', onConnect);
		socket.on('disconnect', onDisconnect);
		socket.on('meeting:updated', onUpdated);
		if (socket.connected) {
			watch();
		}
		return () => {
			active = false;
			clearTimeout(timer);
			socket.off('connect', onConnect);
			socket.off('disconnect', onDisconnect);
			socket.off('meeting:updated', onUpdated);
			setWatching(false);
			if (socket.connected) {
				request(socket, 'meeting:unwatch', {}).catch(() => undefined);
			}
		};
	}, [socket, meetingId]);

	return watching;
}
