import type { RoomSnapshot } from '#shared/protocol/index.ts';

/**
 * What one site shows of the others: the large tile, the strip of recent speakers and one page of
 * the gallery of everyone else. Only these receive video (room:view); a meeting of 170 sites would
 * otherwise ask every site's downlink for 169 videos.
 */
export type GalleryLayout = {
	large: string | null;
	/** Recent speakers, newest first, without this site and the large one. */
	strip: string[];
	/** The sites of the current page, in the room's order. */
	page: string[];
	/** The page shown (the one asked for, kept within the pages there are), from 0. */
	pageIndex: number;
	pageCount: number;
	pageSize: number;
};

export type GalleryInput = {
	snapshot: Pick<RoomSnapshot, 'participants' | 'spotlight' | 'recentSpeakers' | 'settings'>;
	selfId: string | null;
	/** The active speaker as this window heard last (volatile notices are newer than the snapshot's). */
	speaker: string | null;
	/** The page the operator turned to, from 0. */
	page: number;
};

/**
 * Large: a shared screen, else the floor holder (spotlight), else the active speaker, else the
 * first other site. Strip: snapshot.recentSpeakers of the sites still here, at most lastN and at
 * most maxThumbnails - 1 so that one page tile always fits. Pages: the other sites, in pages of
 * maxThumbnails less the strip, so that strip and page together never ask for more thumbnails
 * than the server accepts.
 */
export function galleryLayout({ snapshot, selfId, speaker, page }: GalleryInput): GalleryLayout {
	const others = snapshot.participants.filter((p) => p.id !== selfId);
	const present = new Set(others.map((p) => p.id));
	const candidate = (id: string | null): string | null => (id !== null && present.has(id) ? id : null);
	const large = others.find((p) => p.screenSharing)?.id ?? candidate(snapshot.spotlight) ?? candidate(speaker) ?? others[0]?.id ?? null;

	const maxThumbnails = Math.max(1, snapshot.settings.maxThumbnails);
	const stripLimit = Math.max(0, Math.min(snapshot.settings.lastN, maxThumbnails - 1));
	const strip = [...new Set(snapshot.recentSpeakers)].filter((id) => id !== large && present.has(id)).slice(0, stripLimit);

	const shown = new Set([large, ...strip]);
	const rest = others.filter((p) => !shown.has(p.id)).map((p) => p.id);
	const pageSize = Math.max(1, maxThumbnails - strip.length);
	const pageCount = Math.max(1, Math.ceil(rest.length / pageSize));
	const pageIndex = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
	return {
		large,
		strip,
		page: rest.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize),
		pageIndex,
		pageCount,
		pageSize,
	};
}

/** The room:view of a layout: the large tile, then the strip, then the page. */
export function viewOf(layout: GalleryLayout): { large: string | null; thumbnails: string[] } {
	return { large: layout.large, thumbnails: [...layout.strip, ...layout.page] };
}
