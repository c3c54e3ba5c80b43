import { useEffect, useRef } from 'react';
import { SPEAKER_STORAGE_KEY } from './speaker-test.ts';

/**
 * Plays one track; a new track replaces the element's stream. `onPlaying` says whether frames are
 * showing, for the tile to cover the black element with a placeholder until they do.
 */
export function MediaElement({
	track,
	kind,
	label,
	muted = false,
	onPlaying,
}: {
	track: MediaStreamTrack | undefined;
	kind: 'video' | 'audio';
	label: string;
	muted?: boolean;
	onPlaying?: (playing: boolean) => void;
}) {
	const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
	const report = useRef(onPlaying);
	report.current = onPlaying;
	useEffect(() => {
		const element = ref.current;
		if (!element) {
			return undefined;
		}
		element.srcObject = track ? new MediaStream([track]) : null;
		report.current?.(false);
		const playing = () => report.current?.(element.videoWidth > 0 || kind === 'audio');
		const stopped = () => report.current?.(false);
		element.addEventListener('playing', playing);
		element.addEventListener('resize', playing);
		element.addEventListener('emptied', stopped);
		return () => {
			element.removeEventListener('playing', playing);
			element.removeEventListener('resize', playing);
			element.removeEventListener('emptied', stopped);
		};
	}, [track, kind]);
	useEffect(() => {
		// The speaker chosen on the pre-join screen (a hall's loudspeaker rather than the laptop's).
		const element = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
		const sinkId = kind === 'audio' ? localStorage.getItem(SPEAKER_STORAGE_KEY) : null;
		if (element && sinkId && typeof element.setSinkId === 'function') {
			element.setSinkId(sinkId).catch(() => undefined);
		}
	}, [kind]);
	return kind === 'video' ? <video ref={ref} autoPlay playsInline muted aria-label={label} /> : <audio ref={ref} autoPlay muted={muted} />;
}
