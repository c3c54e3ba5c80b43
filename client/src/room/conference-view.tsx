import { useEffect, useState } from 'react';
import type { ParticipantView, RoomSnapshot } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { request, type AppSocket } from '../signaling/socket.ts';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { MediaElement } from './media-element.tsx';
import { RecordingBadge } from './recording-badge.tsx';
import type { Notice, RemoteTracks, RoomClient } from './room-client.ts';

function useRoom(client: RoomClient) {
	const [snapshot, setSnapshot] = useState<RoomSnapshot | null>(client.snapshot);
	const [tracks, setTracks] = useState<Map<string, RemoteTracks>>(() => client.tracks());
	const [speaker, setSpeaker] = useState<string | null>(null);
	const [notice, setNotice] = useState<Notice | null>(null);
	const [, force] = useState(0);
	useEffect(() => {
		const offs = [
			client.on('snapshot', (s) => {
				setSnapshot(s);
				force((n) => n + 1);
			}),
			client.on('tracks', () => setTracks(client.tracks())),
			client.on('speaker', setSpeaker),
			client.on('notice', (n) => {
				setNotice(n);
				force((x) => x + 1);
			}),
		];
		return () => offs.forEach((off) => off());
	}, [client]);
	return { snapshot, tracks, speaker: speaker ?? snapshot?.activeSpeaker ?? null, notice, clearNotice: () => setNotice(null), refresh: () => force((n) => n + 1) };
}

type ChairEvent = 'chair:mute' | 'chair:ask-unmute' | 'chair:remove' | 'floor:grant' | 'waiting:admit' | 'waiting:deny';

/** What the chair can do to a site in the room: event, label, test id. */
const SITE_ACTIONS: [ChairEvent, MessageKey, string][] = [
	['chair:mute', 'room.mute', 'mute'],
	['chair:ask-unmute', 'room.askUnmute', 'ask-unmute'],
	['floor:grant', 'room.grant', 'grant'],
	['chair:remove', 'room.remove', 'remove'],
];

export function ConferenceView({ client, socket, local }: { client: RoomClient; socket: AppSocket; local: MediaStream }) {
	const { t } = useI18n();
	const { snapshot, tracks, speaker, notice, clearNotice, refresh } = useRoom(client);
	const [error, setError] = useState<string | null>(null);
	const me = snapshot?.participants.find((p) => p.id === client.participantId);
	const others = snapshot?.participants.filter((p) => p.id !== client.participantId) ?? [];
	const sharer = others.find((p) => p.screenSharing);
	const largeId = sharer?.id ?? (snapshot?.spotlight && snapshot.spotlight !== me?.id ? snapshot.spotlight : null) ?? (speaker && speaker !== me?.id ? speaker : null) ?? others[0]?.id ?? null;
	const large = others.find((p) => p.id === largeId);
	const isChair = me?.chair ?? false;
	const inQueue = snapshot?.floorQueue.some((f) => f.participantId === me?.id) ?? false;

	useEffect(() => {
		void client.setLarge(largeId);
	}, [client, largeId]);

	const act = (fn: () => Promise<unknown>) => () => {
		setError(null);
		fn()
			.then(refresh)
			.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
	};
	const chairButton = (event: ChairEvent, participantId: string, label: MessageKey, testId: string) => (
		<button key={event} type="button" data-testid={testId} onClick={act(() => request(socket, event, { participantId }))}>
			{t(label)}
		</button>
	);
	const name = (id: string) => snapshot?.participants.find((p) => p.id === id)?.displayName ?? id;

	const tile = (p: ParticipantView, big: boolean) => {
		const remote = tracks.get(p.id);
		const video = big && p.screenSharing ? remote?.screen : remote?.camera;
		return (
			<figure key={`${p.id}-${big ? 'large' : 'small'}`} className={`tile${big ? ' large' : ''}${speaker === p.id ? ' speaking' : ''}`} data-tile={p.unitName}>
				<MediaElement track={p.audioOnly || p.cameraOff ? undefined : video} kind="video" label={p.displayName} />
				<figcaption>
					{p.displayName}
					{p.chair && ` · ${t('room.chair')}`}
					{p.micMuted && ` · ${t('room.micOff')}`}
					{p.audioOnly && ` · ${t('room.audioOnlyTag')}`}
				</figcaption>
			</figure>
		);
	};

	return (
		<div className="conference">
			<div className="stage">
				<div className="room-top">
					<h2 className="room-title">
						{snapshot?.title} {snapshot?.locked && <span className="status">{t('room.locked')}</span>}
					</h2>
					<RecordingBadge recording={snapshot?.recording} />
				</div>
				{notice && (
					<p role="alert" className="banner" data-testid="room-notice" data-notice={notice}>
						{t(`room.notice.${notice}`)}{' '}
						{notice === 'unmute-requested' && (
							<button type="button" data-testid="notice-unmute" onClick={act(async () => { await client.setMicMuted(false); clearNotice(); })}>
								{t('room.mic.unmute')}
							</button>
						)}
						<button type="button" aria-label="OK" onClick={clearNotice}>
							×
						</button>
					</p>
				)}
				{error && (
					<p role="alert" className="error">
						{t('common.error', { message: error })}
					</p>
				)}
				{large && tile(large, true)}
				<div className="thumbs">
					{others.filter((p) => p.id !== largeId).map((p) => tile(p, false))}
					<figure className="tile self">
						<MediaElement track={client.audioOnly ? undefined : local.getVideoTracks()[0]} kind="video" label={t('room.you')} />
						<figcaption>
							{me?.displayName} {t('room.you')}
						</figcaption>
					</figure>
				</div>
				{others.map((p) => (
					<MediaElement key={`audio-${p.id}`} track={tracks.get(p.id)?.audio} kind="audio" label={p.displayName} />
				))}
				<div className="controls" role="toolbar">
					<button type="button" data-testid="toggle-mic" aria-pressed={client.micMuted} onClick={act(() => client.setMicMuted(!client.micMuted))}>
						{client.micMuted ? t('room.mic.unmute') : t('room.mic.mute')}
					</button>
					<button type="button" data-testid="toggle-audio-only" aria-pressed={client.audioOnly} onClick={act(() => client.setAudioOnly(!client.audioOnly))}>
						{client.audioOnly ? t('room.audioOnly.off') : t('room.audioOnly.on')}
					</button>
					<button type="button" data-testid="toggle-screen" onClick={act(() => (client.sharingScreen ? client.stopScreen() : client.shareScreen()))}>
						{client.sharingScreen ? t('room.screen.stop') : t('room.screen.start')}
					</button>
					{!isChair && (
						<button type="button" data-testid="floor-request" onClick={act(() => request(socket, inQueue ? 'floor:cancel' : 'floor:request', {}))}>
							{inQueue ? t('room.floor.cancel') : t('room.floor.request')}
						</button>
					)}
					<button type="button" className="danger" onClick={() => void client.leave()}>
						{t('room.leave')}
					</button>
					<ConnectionIndicator client={client} />
				</div>
			</div>
			<aside className="side">
				{isChair && (
					<section aria-labelledby="chair-title">
						<h3 id="chair-title">{t('room.chairControls')}</h3>
						<div className="actions wrap">
							<button type="button" data-testid="mute-all" onClick={act(() => request(socket, 'chair:mute-all', {}))}>
								{t('room.muteAll')}
							</button>
							<button type="button" data-testid="toggle-lock" onClick={act(() => request(socket, 'chair:lock', { locked: !snapshot?.locked }))}>
								{snapshot?.locked ? t('room.unlock') : t('room.lock')}
							</button>
							{snapshot?.recording.enabled && (
								<button type="button" data-testid="toggle-recording" onClick={act(() => request(socket, 'chair:recording', { paused: !snapshot.recording.paused }))}>
									{snapshot.recording.paused ? t('room.recording.resume') : t('room.recording.pause')}
								</button>
							)}
							{snapshot?.spotlight && (
								<button type="button" onClick={act(() => request(socket, 'floor:end', {}))}>
									{t('room.endFloor')}
								</button>
							)}
							<button
								type="button"
								className="danger"
								data-testid="end-meeting"
								onClick={() => {
									if (window.confirm(t('room.confirmEnd'))) {
										act(() => request(socket, 'chair:end', {}))();
									}
								}}
							>
								{t('room.end')}
							</button>
						</div>
					</section>
				)}
				{isChair && (snapshot?.waiting.length ?? 0) > 0 && (
					<section aria-labelledby="waiting-title">
						<h3 id="waiting-title">{t('room.waitingRoom')}</h3>
						<ul>
							{snapshot?.waiting.map((w) => (
								<li key={w.id} data-waiting={w.unitName}>
									{w.displayName}
									{chairButton('waiting:admit', w.id, 'room.admit', 'admit')}
									{chairButton('waiting:deny', w.id, 'room.deny', 'deny')}
								</li>
							))}
						</ul>
					</section>
				)}
				<section aria-labelledby="queue-title">
					<h3 id="queue-title">{t('room.queue')}</h3>
					{snapshot?.floorQueue.length === 0 && <p>{t('room.queueEmpty')}</p>}
					<ol data-testid="floor-queue">
						{snapshot?.floorQueue.map((f) => (
							<li key={f.participantId} data-queued={name(f.participantId)}>
								{name(f.participantId)}
								{isChair && chairButton('floor:grant', f.participantId, 'room.grant', 'grant')}
							</li>
						))}
					</ol>
				</section>
				<section aria-labelledby="people-title">
					<h3 id="people-title">{t('room.participants', { count: snapshot?.participants.length ?? 0 })}</h3>
					<ul className="people" data-testid="participants">
						{snapshot?.participants.map((p) => (
							<li key={p.id} data-participant={p.unitName} data-mic-muted={String(p.micMuted)} className={speaker === p.id ? 'speaking' : ''}>
								<span>
									{p.displayName}
									{p.id === me?.id && ` ${t('room.you')}`}
									{p.micMuted && ` · ${t('room.micOff')}`}
									{speaker === p.id && ` · ${t('room.speaking')}`}
								</span>
								{isChair && p.id !== me?.id && (
									<span className="actions">
										{SITE_ACTIONS.map(([event, label, testId]) => chairButton(event, p.id, label, testId))}
									</span>
								)}
							</li>
						))}
					</ul>
				</section>
			</aside>
		</div>
	);
}
