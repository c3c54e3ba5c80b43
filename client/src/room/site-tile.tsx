import { useState } from 'react';
import type { ParticipantView } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { Icon } from './icons.tsx';
import { MediaElement } from './media-element.tsx';

/** Marks a tile carries, shared by the other sites' tiles and one's own. */
function Marks({ floor, hand }: { floor: boolean; hand: boolean }) {
	const { t } = useI18n();
	return (
		<div className="tile-marks">
			{floor && (
				<span className="mark floor" data-testid="floor-badge">
					<Icon name="speaker" />
					{t('room.tile.floor')}
				</span>
			)}
			{hand && (
				<span className="mark hand" data-testid="hand-raised">
					<Icon name="hand" />
					{t('room.tile.hand')}
				</span>
			)}
		</div>
	);
}

/**
 * Another site's tile. Until frames show (loading, audio only, no camera) a placeholder names the
 * unit and says why there is no picture; the caption puts the unit first, a person's name second.
 */
export function SiteTile({
	participant: p,
	track,
	big,
	screen,
	speaking,
	floor,
	hand,
}: {
	participant: ParticipantView;
	track: MediaStreamTrack | undefined;
	big: boolean;
	/** This tile shows the site's shared screen rather than its camera. */
	screen: boolean;
	speaking: boolean;
	floor: boolean;
	hand: boolean;
}) {
	const { t } = useI18n();
	const [playing, setPlaying] = useState(false);
	const noVideo = !screen && (p.audioOnly || p.cameraOff);
	const shown = noVideo ? undefined : track;
	const hasCamera = p.producers.some((producer) => producer.source === 'camera');
	const why = screen ? t('room.tile.loading') : p.audioOnly ? t('room.tile.audioOnly') : p.cameraOff || !hasCamera ? t('room.tile.cameraOff') : t('room.tile.loading');
	const person = p.displayName !== p.unitName && !p.displayName.endsWith(p.unitName) ? p.displayName : null;
	return (
		<figure
			className={`tile${big ? ' large' : ''}${speaking ? ' speaking' : ''}${floor ? ' floor' : ''}${screen ? ' screen' : ''}`}
			data-tile={p.unitName}
			data-video={shown && playing ? 'playing' : 'none'}
		>
			<MediaElement track={shown} kind="video" label={screen ? t('room.tile.screenOf', { unit: p.unitName }) : p.unitName} onPlaying={setPlaying} />
			{!(shown && playing) && (
				<div className="tile-placeholder" data-testid="tile-placeholder">
					<span className="placeholder-name">{p.unitName}</span>
					<span className="placeholder-state">
						<Icon name={p.audioOnly || p.cameraOff || !hasCamera ? 'cameraOff' : 'camera'} />
						{why}
					</span>
				</div>
			)}
			<Marks floor={floor} hand={hand} />
			{p.micMuted && (
				<span className="tile-mic-off" title={t('room.tile.micOff')}>
					<Icon name="micOff" />
					<span className="sr-status">{t('room.tile.micOff')}</span>
				</span>
			)}
			<figcaption>
				{screen ? (
					<strong>{t('room.tile.screenOf', { unit: p.unitName })}</strong>
				) : (
					<>
						<strong>{p.unitName}</strong>
						{person && <span className="person"> {person}</span>}
						{p.chair && !p.displayName.includes(t('room.chair')) && <span className="role"> · {t('room.chair')}</span>}
					</>
				)}
			</figcaption>
		</figure>
	);
}

/** One's own tile: a large state badge for the microphone, and what the others see of this site. */
export function SelfTile({
	unitName,
	track,
	micMuted,
	audioOnly,
	sharing,
	floor,
	hand,
}: {
	unitName: string;
	track: MediaStreamTrack | undefined;
	micMuted: boolean;
	audioOnly: boolean;
	sharing: boolean;
	floor: boolean;
	hand: boolean;
}) {
	const { t } = useI18n();
	const [playing, setPlaying] = useState(false);
	const shown = audioOnly ? undefined : track;
	return (
		<figure className={`tile self${floor ? ' floor' : ''}`} data-testid="self-tile">
			<MediaElement track={shown} kind="video" label={t('room.self.you')} onPlaying={setPlaying} />
			{!(shown && playing) && (
				<div className="tile-placeholder">
					<span className="placeholder-name">{t('room.self.you')}</span>
					<span className="placeholder-state">{audioOnly ? t('room.tile.audioOnly') : track ? t('room.tile.loading') : t('room.tile.cameraOff')}</span>
				</div>
			)}
			<Marks floor={floor} hand={hand} />
			<span className={`self-mic ${micMuted ? 'off' : 'on'}`} data-testid="self-mic" data-muted={String(micMuted)}>
				<Icon name={micMuted ? 'micOff' : 'mic'} />
				{t(micMuted ? 'room.self.micOff' : 'room.self.micOn')}
			</span>
			{sharing && (
				<span className="self-sharing" data-testid="self-sharing">
					<Icon name="screen" />
					{t('room.self.sharing')}
				</span>
			)}
			<figcaption>
				<strong>{t('room.self.you')}</strong> <span className="person">{unitName}</span>
			</figcaption>
		</figure>
	);
}
