import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';

/** What each editor publishes in awareness: who (also read by the TipTap carets) and where. */
export type PresenceUser = { name: string; unit: string; color: string; userId: string };
export type PresenceState = { user?: Partial<PresenceUser>; field?: string | null };
export type Peer = { clientId: number; name: string; unit: string; color: string; field: string | null };

const COLORS = ['#b8336a', '#2a6f97', '#7b2cbf', '#c05621', '#2f855a', '#9c4221', '#1d4ed8', '#a21caf'] as const;

/** A colour per person (stable across reloads), for carets and chips. */
export function colorFor(userId: string): string {
	let hash = 0;
	for (const char of userId) {
		hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
	}
	return COLORS[hash % COLORS.length]!;
}

/** The others who have the minutes open, and the field each is editing. */
export function usePeers(awareness: Awareness): Peer[] {
	const cache = useRef<{ key: string; peers: Peer[] }>({ key: '', peers: [] });
	const subscribe = useCallback(
		(notify: () => void) => {
			awareness.on('change', notify);
			return () => awareness.off('change', notify);
		},
		[awareness]
	);
	const snapshot = useCallback((): Peer[] => {
		const peers: Peer[] = [];
		awareness.getStates().forEach((raw, clientId) => {
			const state = raw as PresenceState;
			if (clientId === awareness.clientID || !state.user || typeof state.user.name !== 'string') {
				return;
			}
			peers.push({
				clientId,
				name: state.user.name,
				unit: typeof state.user.unit === 'string' ? state.user.unit : '',
				color: typeof state.user.color === 'string' ? state.user.color : '#555555',
				field: typeof state.field === 'string' ? state.field : null,
			});
		});
		peers.sort((a, b) => a.clientId - b.clientId);
		// A new array only when something shown changed: useSyncExternalStore needs a stable snapshot.
		const key = JSON.stringify(peers);
		if (key !== cache.current.key) {
			cache.current = { key, peers };
		}
		return cache.current.peers;
	}, [awareness]);
	return useSyncExternalStore(subscribe, snapshot);
}

/** Section of a field key ("header.summary" → "header", "agenda:<id>" → "agenda:<id>"). */
export function sectionOf(field: string): string {
	if (field.startsWith('agenda:')) {
		return field.split('.')[0]!;
	}
	if (field.startsWith('header.')) {
		return 'header';
	}
	if (field.startsWith('session.')) {
		return 'session';
	}
	if (field === 'archive') {
		return 'recipients';
	}
	return field.split('.')[0]!;
}
