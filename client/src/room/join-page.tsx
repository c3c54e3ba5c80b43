import { useEffect, useRef, useState } from 'react';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { AppSocket } from '../signaling/socket.ts';
import { errorCause, useErrorText } from '../ui/error-text.ts';
import { ConferenceView } from './conference-view.tsx';
import { EndScreen, JoinRefused } from './end-screen.tsx';
import { useMeetingCheck } from './meeting-check.ts';
import { PreJoin } from './pre-join.tsx';
import { RoomClient, type CloseReason, type JoinTarget, type RoomState } from './room-client.ts';
import { WaitingRoom } from './waiting-room.tsx';
import './join.css';

const CLOSE_REASONS: readonly CloseReason[] = ['ended', 'removed', 'denied', 'replaced', 'revoked', 'left', 'error'];

/** The reason of a 'closed' state: its detail when that is a reason, else an error (the detail is then its English message). */
function closeReason(detail: string | undefined): CloseReason {
	return CLOSE_REASONS.includes(detail as CloseReason) ? (detail as CloseReason) : detail === undefined ? 'left' : 'error';
}

const stopAll = (stream: MediaStream | null) => stream?.getTracks().forEach((track) => track.stop());

/**
 * The way into and out of a meeting, for a signed-in user (meetingId) or a join link (token): the
 * meeting is checked first, then the pre-join screen, the waiting room or the conference, and an
 * end screen with the ways on. "Vào lại phòng họp" starts a new round from the check.
 */
export function JoinPage({ socket, target }: { socket: AppSocket | null; target: JoinTarget }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const { user } = useSession();
	const [round, setRound] = useState(0);
	const check = useMeetingCheck(target, user, round);
	const [local, setLocal] = useState<MediaStream | null>(null);
	const [client, setClient] = useState<RoomClient | null>(null);
	const [state, setState] = useState<{ state: RoomState; detail?: string | undefined }>({ state: 'joining' });
	// The first join's failure as thrown (code and reason), for the end screen to say it in the user's language.
	const [joinError, setJoinError] = useState<unknown>(null);
	const [cancelledWaiting, setCancelledWaiting] = useState(false);
	const targetKey = JSON.stringify(target);
	const targetRef = useRef(target);
	targetRef.current = target;

	useEffect(() => {
		if (!socket || !local) {
			return undefined;
		}
		const room = new RoomClient(socket, targetRef.current, local);
		setClient(room);
		setState({ state: room.state });
		const off = room.on('state', (s, detail) => setState({ state: s, detail }));
		let current = true;
		room.join().catch((e: unknown) => {
			console.warn('join failed', e);
			// A failure of a join this page has already left (a "Vào lại" started a new one) is not the new one's.
			if (current) {
				setJoinError(e);
			}
			room.fail(e);
		});
		// Expose the room for diagnostics in the browser console (and the e2e tests).
		(window as unknown as { __giaobanRoom?: RoomClient }).__giaobanRoom = room;
		return () => {
			current = false;
			off();
			void room.leave();
		};
	}, [socket, local, targetKey]);

	useEffect(() => () => stopAll(local), [local]);

	const closed = state.state === 'closed';
	useEffect(() => {
		// Out of the room the camera goes off at once (its light would say the site is still seen).
		if (closed) {
			stopAll(local);
		}
	}, [closed, local]);

	const rejoin = () => {
		setLocal(null);
		setClient(null);
		setState({ state: 'joining' });
		setJoinError(null);
		setCancelledWaiting(false);
		setRound((n) => n + 1);
	};

	const info = check.status === 'ready' ? check.info : null;

	if (check.status === 'checking') {
		return (
			<section className="card wide" role="status" data-testid="join-checking">
				{t('join.checking')}
			</section>
		);
	}
	if (check.status === 'refused') {
		const cause = errorCause(check.error);
		const transient = cause.code === 'network' || cause.code === 'unavailable' || cause.code === 'rate_limited' || cause.code === 'internal';
		return <JoinRefused text={errorText(check.error)} reason={cause.reason ?? cause.code} signedIn={user !== null} onRetry={transient ? () => setRound((n) => n + 1) : null} />;
	}
	if (!local) {
		return <PreJoin key={round} info={check.info} onReady={setLocal} />;
	}
	if (closed) {
		const reason = closeReason(state.detail);
		return (
			<EndScreen
				reason={reason}
				info={info}
				errorText={reason !== 'error' ? null : (joinError ?? client?.closeError ?? null) !== null ? errorText(joinError ?? client?.closeError) : t('join.end.errorUnknown')}
				cancelledWaiting={cancelledWaiting}
				signedIn={user !== null}
				onRejoin={rejoin}
			/>
		);
	}
	return (
		<>
			<p className="sr-status" role="status" data-testid="room-state" data-state={state.state}>
				{state.state === 'waiting' ? t('join.waiting.message') : state.state === 'reconnecting' ? t('join.reconnecting') : state.state === 'joining' ? t('join.joining') : ''}
			</p>
			{state.state === 'waiting' && (
				<WaitingRoom
					info={info}
					local={local}
					onCancel={() => {
						setCancelledWaiting(true);
						void client?.leave();
					}}
				/>
			)}
			{/* The conference shows the one reconnecting banner, over the video (conference-view.tsx). */}
			{client && socket && state.state !== 'waiting' && <ConferenceView client={client} socket={socket} local={local} />}
		</>
	);
}
