import { useEffect, useRef } from 'react';

/** Plays one track; a new track replaces the element's stream. */
export function MediaElement({ track, kind, label, muted = false }: { track: MediaStreamTrack | undefined; kind: 'video' | 'audio'; label: string; muted?: boolean }) {
	const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
	useEffect(() => {
		if (ref.current) {
			ref.current.srcObject = track ? new MediaStream([track]) : null;
		}
	}, [track]);
	return kind === 'video' ? <video ref={ref} autoPlay playsInline muted aria-label={label} /> : <audio ref={ref} autoPlay muted={muted} />;
}
