import { useEffect, useState } from 'react';
import type { RoomSnapshot } from '#shared/protocol/index.ts';
import type { Notice, RejoinStatus, RemoteTracks, RoomClient, RoomState } from './room-client.ts';

/** The room as the conference screen shows it, following the client's events. */
export function useRoom(client: RoomClient) {
	const [snapshot, setSnapshot] = useState<RoomSnapshot | null>(client.snapshot);
	const [tracks, setTracks] = useState<Map<string, RemoteTracks>>(() => client.tracks());
	const [speaker, setSpeaker] = useState<string | null>(null);
	const [notice, setNotice] = useState<Notice | null>(null);
	const [state, setState] = useState<{ state: RoomState; rejoin: RejoinStatus | null }>({ state: client.state, rejoin: client.rejoinStatus });
	// The client's own flags (micMuted, audioOnly, sharingScreen) are read on render: re-render on every event.
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
			client.on('state', (s) => setState({ state: s, rejoin: client.rejoinStatus })),
		];
		return () => offs.forEach((off) => off());
	}, [client]);
	return {
		snapshot,
		tracks,
		speaker: speaker ?? snapshot?.activeSpeaker ?? null,
		notice,
		state,
		clearNotice: () => setNotice(null),
		refresh: () => force((n) => n + 1),
	};
}
