import { useEffect, useMemo, useState } from 'react';
import type { RoomSnapshot } from '#shared/protocol/index.ts';
import { galleryLayout, viewOf, type GalleryLayout } from './gallery-layout.ts';
import type { RoomClient } from './room-client.ts';

/**
 * Speakers change every few seconds in a lively meeting; a view sent on each change would make
 * the server switch consumers back and forth. A short wait lets a burst settle into one room:view.
 */
const VIEW_DEBOUNCE_MS = 100;

/** The gallery of the conference screen: its layout, the page turned to, and the view it tells the server. */
export function useGallery(client: RoomClient, snapshot: RoomSnapshot | null, speaker: string | null): { layout: GalleryLayout | null; setPage: (page: number) => void } {
	const [page, setPage] = useState(0);
	const selfId = client.participantId;
	const layout = useMemo(() => (snapshot ? galleryLayout({ snapshot, selfId, speaker, page }) : null), [snapshot, selfId, speaker, page]);
	// A string, so that a new snapshot with the same view does not restart the wait.
	const viewKey = layout ? JSON.stringify(viewOf(layout)) : null;
	useEffect(() => {
		if (viewKey === null) {
			return undefined;
		}
		const view = JSON.parse(viewKey) as ReturnType<typeof viewOf>;
		const timer = setTimeout(() => {
			client.setView(view).catch((error: unknown) => console.warn('room:view failed', error));
		}, VIEW_DEBOUNCE_MS);
		return () => clearTimeout(timer);
	}, [client, viewKey]);
	return { layout, setPage };
}
