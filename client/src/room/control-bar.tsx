import { useEffect, useState, type ReactNode, type RefObject } from 'react';
import type { RoomSnapshot } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { request, type AppSocket } from '../signaling/socket.ts';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { Icon, type IconName } from './icons.tsx';
import type { RoomClient } from './room-client.ts';

/**
 * A bar button that says what is the case now (its word) and what pressing does (its hint), with
 * an icon. No aria-pressed: the word already says the state, and "pressed" beside a word that names
 * an action is what confused operators.
 */
function BarButton({
	icon,
	word,
	hint,
	testId,
	state,
	tone,
	onClick,
}: {
	icon: IconName;
	word: string;
	hint: string;
	testId?: string;
	state?: string;
	tone?: 'alert' | 'active' | 'danger';
	onClick: () => void;
}) {
	return (
		<button type="button" className={`bar-button${tone ? ` ${tone}` : ''}`} data-testid={testId} data-state={state} onClick={onClick}>
			<Icon name={icon} />
			<span className="bar-text">
				<span className="bar-word">{word}</span>
				<span className="bar-hint">
					<span className="sr-status">. </span>
					{hint}
				</span>
			</span>
		</button>
	);
}

function useFullscreen(target: RefObject<HTMLElement | null>): [boolean, () => void] {
	const [on, setOn] = useState(() => document.fullscreenElement !== null);
	useEffect(() => {
		const changed = () => setOn(document.fullscreenElement !== null);
		document.addEventListener('fullscreenchange', changed);
		return () => document.removeEventListener('fullscreenchange', changed);
	}, []);
	const toggle = () => {
		if (document.fullscreenElement) {
			void document.exitFullscreen().catch(() => undefined);
		} else {
			void target.current?.requestFullscreen().catch(() => undefined);
		}
	};
	return [on, toggle];
}

/** The site's own controls, fixed at the bottom of the conference screen. */
export function ControlBar({
	client,
	socket,
	snapshot,
	isChair,
	fullscreenTarget,
	act,
	children,
}: {
	client: RoomClient;
	socket: AppSocket;
	snapshot: RoomSnapshot | null;
	isChair: boolean;
	fullscreenTarget: RefObject<HTMLElement | null>;
	act: (fn: () => Promise<unknown>) => () => void;
	children?: ReactNode;
}) {
	const { t } = useI18n();
	const confirm = useConfirm();
	const [fullscreen, toggleFullscreen] = useFullscreen(fullscreenTarget);
	const position = (snapshot?.floorQueue.findIndex((f) => f.participantId === client.participantId) ?? -1) + 1;
	const muted = client.micMuted;
	const leave = async () => {
		if (!isChair) {
			await client.leave();
			return;
		}
		const choice = await confirm({
			title: t('room.confirm.leave.title'),
			message: t('room.confirm.leave.message'),
			choices: [
				{ value: 'leave', label: t('room.confirm.leave.leave'), testId: 'confirm-leave' },
				{ value: 'end', label: t('room.confirm.leave.end'), danger: true, testId: 'confirm-end' },
			],
		});
		if (choice === 'end') {
			await request(socket, 'chair:end', {});
		} else if (choice === 'leave') {
			await client.leave();
		}
	};
	return (
		<div className="control-bar" role="toolbar" aria-label={t('room.bar.label')} data-testid="control-bar">
			<BarButton
				icon={muted ? 'micOff' : 'mic'}
				word={t(muted ? 'room.bar.micOff' : 'room.bar.micOn')}
				hint={t(muted ? 'room.bar.micOffHint' : 'room.bar.micOnHint')}
				testId="toggle-mic"
				state={muted ? 'off' : 'on'}
				tone={muted ? 'alert' : undefined}
				onClick={act(() => client.setMicMuted(!muted))}
			/>
			<BarButton
				icon={client.audioOnly ? 'cameraOff' : 'camera'}
				word={t(client.audioOnly ? 'room.bar.audioOnly' : 'room.bar.video')}
				hint={t(client.audioOnly ? 'room.bar.audioOnlyHint' : 'room.bar.videoHint')}
				testId="toggle-audio-only"
				state={client.audioOnly ? 'on' : 'off'}
				onClick={act(() => client.setAudioOnly(!client.audioOnly))}
			/>
			<BarButton
				icon="screen"
				word={t(client.sharingScreen ? 'room.screen.stop' : 'room.screen.start')}
				hint={t(client.sharingScreen ? 'room.bar.screenStopHint' : 'room.bar.screenHint')}
				testId="toggle-screen"
				state={client.sharingScreen ? 'on' : 'off'}
				tone={client.sharingScreen ? 'active' : undefined}
				onClick={act(() => (client.sharingScreen ? client.stopScreen() : client.shareScreen()))}
			/>
			{!isChair && (
				<BarButton
					icon="hand"
					word={position > 0 ? t('room.bar.floorQueued', { position }) : t('room.floor.request')}
					hint={t(position > 0 ? 'room.bar.floorQueuedHint' : 'room.bar.floorHint')}
					testId="floor-request"
					state={position > 0 ? 'queued' : 'none'}
					tone={position > 0 ? 'active' : undefined}
					onClick={act(() => request(socket, position > 0 ? 'floor:cancel' : 'floor:request', {}))}
				/>
			)}
			{children}
			<span className="bar-spacer" />
			<ConnectionIndicator client={client} />
			{document.fullscreenEnabled && (
				<button type="button" className="bar-button compact" data-testid="toggle-fullscreen" onClick={toggleFullscreen}>
					<Icon name={fullscreen ? 'exitFullscreen' : 'fullscreen'} />
					<span className="bar-word">{t(fullscreen ? 'room.bar.exitFullscreen' : 'room.bar.fullscreen')}</span>
				</button>
			)}
			<button type="button" className="bar-button leave" data-testid="leave" onClick={act(leave)}>
				<Icon name="leave" />
				<span className="bar-word">{t('room.leave')}</span>
			</button>
		</div>
	);
}
