import type { RoomSnapshot } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { request, type AppSocket } from '../signaling/socket.ts';
import { Icon } from './icons.tsx';
import { minutesSince } from './use-now.ts';

/**
 * Who holds the floor, and the sites that asked, in order, with how long each has waited. The chair
 * gives the floor, moves a site to the end ("Để sau") or declines (the site is told).
 */
export function FloorQueue({
	snapshot,
	isChair,
	socket,
	now,
	act,
}: {
	snapshot: RoomSnapshot;
	isChair: boolean;
	socket: AppSocket;
	now: number;
	act: (fn: () => Promise<unknown>) => () => void;
}) {
	const { t } = useI18n();
	const site = (id: string) => snapshot.participants.find((p) => p.id === id);
	const holder = snapshot.spotlight ? site(snapshot.spotlight) : undefined;
	return (
		<section className="floor" aria-labelledby="queue-title">
			<h3 id="queue-title">
				{t('room.queue')} {snapshot.floorQueue.length > 0 && <span className="count">{snapshot.floorQueue.length}</span>}
			</h3>
			{holder && (
				<p className="floor-holder" data-testid="floor-holder" data-unit={holder.unitName}>
					<span className="mark floor">
						<Icon name="speaker" />
						{t('room.tile.floor')}
					</span>{' '}
					<strong>{holder.unitName}</strong>
					{isChair && (
						<button type="button" className="small" onClick={act(() => request(socket, 'floor:end', {}))}>
							{t('room.endFloor')}
						</button>
					)}
				</p>
			)}
			{snapshot.floorQueue.length === 0 && <p className="muted">{t('room.queueEmpty')}</p>}
			<ol data-testid="floor-queue" className="queue">
				{snapshot.floorQueue.map((f) => {
					const p = site(f.participantId);
					const minutes = minutesSince(f.since, now);
					return (
						<li key={f.participantId} data-queued={p?.displayName ?? f.participantId} data-unit={p?.unitName}>
							<span className="queue-who">
								<Icon name="hand" />
								<strong>{p?.unitName ?? f.participantId}</strong>
								<span className="muted"> · {minutes < 1 ? t('room.queue.justNow') : t('room.queue.waited', { minutes })}</span>
							</span>
							{isChair && (
								<span className="queue-actions">
									<button type="button" className="small primary" data-testid="grant" onClick={act(() => request(socket, 'floor:grant', { participantId: f.participantId }))}>
										{t('room.grant')}
									</button>
									<button type="button" className="small" data-testid="skip" onClick={act(() => request(socket, 'floor:skip', { participantId: f.participantId }))}>
										{t('room.queue.skip')}
									</button>
									<button type="button" className="small" data-testid="decline" onClick={act(() => request(socket, 'floor:decline', { participantId: f.participantId }))}>
										{t('room.queue.decline')}
									</button>
								</span>
							)}
						</li>
					);
				})}
			</ol>
		</section>
	);
}
