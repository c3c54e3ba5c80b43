import { useEffect, useMemo, useRef, useState } from 'react';
import type { ParticipantView } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import type { AppSocket } from '../signaling/socket.ts';
import { useErrorText } from '../ui/error-text.ts';
import { ChairPanel } from './chair-panel.tsx';
import { ControlBar } from './control-bar.tsx';
import { FloorQueue } from './floor-queue.tsx';
import { GalleryPager } from './gallery-pager.tsx';
import { MediaElement } from './media-element.tsx';
import { RecordingBadge } from './recording-badge.tsx';
import { RejoinNote } from './rejoin-note.tsx';
import type { RoomClient } from './room-client.ts';
import { RoomToasts } from './room-toasts.tsx';
import { RosterList } from './roster-list.tsx';
import { SelfTile, SiteTile } from './site-tile.tsx';
import { useGallery } from './use-gallery.ts';
import { useNow } from './use-now.ts';
import { useRoom } from './use-room.ts';
import './room.css';

/**
 * The live room. It takes the whole window (the app's top bar and footer stay behind it) so that
 * the control bar is always at the bottom edge whatever the window's height; everything that comes
 * and goes (notices, toasts, the reconnecting banner) lies over the video and never moves the bar.
 */
export function ConferenceView({ client, socket, local }: { client: RoomClient; socket: AppSocket; local: MediaStream }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const { snapshot, tracks, speaker, notice, state, clearNotice, refresh } = useRoom(client);
	const [error, setError] = useState<string | null>(null);
	const root = useRef<HTMLDivElement>(null);
	const now = useNow();
	const me = snapshot?.participants.find((p) => p.id === client.participantId);
	// Large tile, recent speakers and one gallery page; the client tells the server (room:view) so
	// that only these sites' video comes down.
	const { layout, setPage } = useGallery(client, snapshot, speaker);
	const byId = useMemo(() => new Map(snapshot?.participants.map((p) => [p.id, p])), [snapshot]);
	const large = layout?.large ? byId.get(layout.large) : undefined;
	const stripTiles = (layout?.strip ?? []).flatMap((id) => byId.get(id) ?? []);
	const pageTiles = (layout?.page ?? []).flatMap((id) => byId.get(id) ?? []);
	const isChair = me?.chair ?? false;
	const queued = new Set(snapshot?.floorQueue.map((f) => f.participantId));

	// Communes are told when the chair has gone (after having been there), until the chair is back.
	const chairPresent = snapshot?.participants.some((p) => p.chair) ?? false;
	const [chairSeen, setChairSeen] = useState(false);
	useEffect(() => {
		if (chairPresent) {
			setChairSeen(true);
		}
	}, [chairPresent]);
	const chairAway = !isChair && chairSeen && !chairPresent && state.state === 'joined';

	useEffect(() => {
		document.body.classList.add('in-conference');
		// The room covers the page: the top bar and footer behind it must not take the keyboard's focus either.
		const behind = [...document.querySelectorAll<HTMLElement>('body > #root > header.topbar, body > #root > footer')];
		behind.forEach((element) => (element.inert = true));
		return () => {
			document.body.classList.remove('in-conference');
			behind.forEach((element) => (element.inert = false));
		};
	}, []);

	const thumbnail = (p: ParticipantView) => (
		<SiteTile
			key={p.id}
			participant={p}
			track={tracks.get(p.id)?.camera}
			big={false}
			screen={false}
			speaking={speaker === p.id}
			floor={snapshot?.spotlight === p.id}
			hand={queued.has(p.id)}
		/>
	);

	const act = (fn: () => Promise<unknown>) => () => {
		setError(null);
		fn()
			.then(refresh)
			.catch((e: unknown) => setError(errorText(e)));
	};

	return (
		<div className="conference-room" ref={root} data-testid="conference">
			<header className="room-top">
				<h2 className="room-title">{snapshot?.title}</h2>
				{snapshot?.locked && <span className="status">{t('room.locked')}</span>}
				<RecordingBadge recording={snapshot?.recording} />
			</header>
			<div className="stage">
				<div className="stage-main">
					{large ? (
						<SiteTile
							key={`${large.id}-large`}
							participant={large}
							track={large.screenSharing ? tracks.get(large.id)?.screen : tracks.get(large.id)?.camera}
							big
							screen={large.screenSharing}
							speaking={speaker === large.id}
							floor={snapshot?.spotlight === large.id}
							hand={queued.has(large.id)}
						/>
					) : (
						<p className="stage-empty">{t('room.tile.nobody')}</p>
					)}
					<div className="overlays">
						{state.state === 'reconnecting' && (
							<p role="alert" className="overlay-banner warn" data-testid="room-reconnecting">
								{t('room.reconnecting')} {state.rejoin && <RejoinNote status={state.rejoin} />}
							</p>
						)}
						{chairAway && (
							<p role="status" className="overlay-banner warn" data-testid="chair-away">
								{t('room.chairAway')}
							</p>
						)}
						{client.sharingScreen && (
							<p className="overlay-banner info" data-testid="sharing-banner">
								{t('room.self.sharing')}
							</p>
						)}
						{notice && (
							<p role="alert" className="overlay-banner notice" data-testid="room-notice" data-notice={notice}>
								<span>{t(`room.notice.${notice}`)}</span>
								{notice === 'unmute-requested' && (
									<button
										type="button"
										className="small primary"
										data-testid="notice-unmute"
										onClick={act(async () => {
											await client.setMicMuted(false);
											clearNotice();
										})}
									>
										{t('room.mic.unmute')}
									</button>
								)}
								<button type="button" className="small" data-testid="notice-close" aria-label={t('room.dismiss')} onClick={clearNotice}>
									×
								</button>
							</p>
						)}
						{error && (
							<p role="alert" className="overlay-banner error-banner" data-testid="room-error">
								<span>{error}</span>
								<button type="button" className="small" aria-label={t('room.dismiss')} onClick={() => setError(null)}>
									×
								</button>
							</p>
						)}
					</div>
					<RoomToasts snapshot={snapshot} enabled={isChair} />
				</div>
				<div className="thumbs">
					<SelfTile
						unitName={me?.unitName ?? ''}
						track={local.getVideoTracks()[0]}
						micMuted={client.micMuted}
						audioOnly={client.audioOnly}
						sharing={client.sharingScreen}
						floor={!!me && snapshot?.spotlight === me.id}
						hand={!!me && queued.has(me.id)}
					/>
					{stripTiles.length > 0 && (
						<div className="strip" role="group" aria-label={t('room.gallery.recent')} data-testid="speaker-strip">
							{stripTiles.map(thumbnail)}
						</div>
					)}
					<div className="gallery" role="group" aria-label={t('room.gallery.label')} data-testid="gallery">
						{pageTiles.map(thumbnail)}
					</div>
					{layout && layout.pageCount > 1 && <GalleryPager pageIndex={layout.pageIndex} pageCount={layout.pageCount} onPage={setPage} />}
				</div>
			</div>
			<aside className="side">
				{isChair && snapshot && <ChairPanel snapshot={snapshot} socket={socket} act={act} />}
				{snapshot && <FloorQueue snapshot={snapshot} isChair={isChair} socket={socket} now={now} act={act} />}
				{snapshot && <RosterList snapshot={snapshot} me={me?.id ?? null} speaker={speaker} isChair={isChair} now={now} socket={socket} act={act} />}
			</aside>
			<ControlBar client={client} socket={socket} snapshot={snapshot} isChair={isChair} fullscreenTarget={root} act={act} />
			{/* Every site heard, whether or not its tile is on screen: the server sends only unmuted microphones. */}
			{[...tracks].map(([id, remote]) => remote.audio && <MediaElement key={`audio-${id}`} track={remote.audio} kind="audio" label={byId.get(id)?.displayName ?? ''} />)}
		</div>
	);
}
