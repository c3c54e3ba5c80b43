import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { AppSocket } from '../signaling/socket.ts';
import { ConferenceView } from './conference-view.tsx';
import { PreJoin } from './pre-join.tsx';
import { RejoinNote } from './rejoin-note.tsx';
import { RoomClient, type JoinTarget, type RejoinStatus, type RoomState } from './room-client.ts';

/** Pre-join screen, then the conference, for a signed-in user (meetingId) or a join link (token). */
export function JoinPage({ socket, target }: { socket: AppSocket | null; target: JoinTarget }) {
	const { t } = useI18n();
	const [local, setLocal] = useState<MediaStream | null>(null);
	const [client, setClient] = useState<RoomClient | null>(null);
	const [state, setState] = useState<{ state: RoomState; detail?: string | undefined; rejoin?: RejoinStatus | null }>({ state: 'joining' });
	const targetKey = JSON.stringify(target);
	const targetRef = useRef(target);
	targetRef.current = target;

	useEffect(() => {
		if (!socket || !local) {
			return undefined;
		}
		const room = new RoomClient(socket, targetRef.current, local);
		setClient(room);
		const off = room.on('state', (s, detail) => setState({ state: s, detail, rejoin: room.rejoinStatus }));
		room.join().catch((e: unknown) => room.close('error', e instanceof Error ? e.message : String(e)));
		// Expose the room for diagnostics in the browser console (and the e2e tests).
		(window as unknown as { __giaobanRoom?: RoomClient }).__giaobanRoom = room;
		return () => {
			off();
			void room.leave();
		};
	}, [socket, local, targetKey]);

	useEffect(() => () => local?.getTracks().forEach((track) => track.stop()), [local]);

	if (!local) {
		return <PreJoin onReady={setLocal} />;
	}
	if (state.state === 'closed') {
		const reason = state.detail ?? 'left';
		const known = ['ended', 'removed', 'denied', 'replaced', 'revoked', 'left'].includes(reason);
		return (
			<p className="card" role="status" data-testid="room-state" data-state="closed" data-reason={reason}>
				{known ? t(`room.closed.${reason as 'ended'}`) : t('room.closed.error', { message: reason })}
			</p>
		);
	}
	return (
		<>
			<p className="sr-status" role="status" data-testid="room-state" data-state={state.state}>
				{state.state === 'waiting' ? t('room.waiting') : state.state === 'reconnecting' ? t('room.reconnecting') : state.state === 'joining' ? t('room.joining') : ''}
			</p>
			{(state.state === 'waiting' || state.state === 'reconnecting') && (
				<p className="banner">
					{t(state.state === 'waiting' ? 'room.waiting' : 'room.reconnecting')}
					{state.state === 'reconnecting' && state.rejoin && (
						<>
							{' '}
							<RejoinNote status={state.rejoin} />
						</>
					)}
				</p>
			)}
			{client && state.state !== 'waiting' && <ConferenceView client={client} socket={socket!} local={local} />}
		</>
	);
}
