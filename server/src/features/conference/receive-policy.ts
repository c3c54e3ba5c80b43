import type { Source } from '../../sfu/peer.ts';
import type { Wanted } from '../../sfu/subscriber.ts';

/** What a site shows: its large tile and its thumbnails in order (room:view). */
export type SiteView = { large: string | null; thumbnails: string[] };

export type PolicySite = {
	id: string;
	audioOnly: boolean;
	producers: { id: string; kind: 'audio' | 'video'; source: Source }[];
};

/** The per-site downlink budget turned into what a site may receive. */
export type ReceiveLimits = {
	/** Spatial layer of the large tile: the top one when the budget allows it. */
	largeLayer: number;
	maxThumbnails: number;
};

/** Rough rates of the client's simulcast layers and of Opus with its overhead (kbit/s). */
const LAYER_KBPS = [150, 500, 1200];
const AUDIO_KBPS = 40;
/** Audio from this many sites at once is budgeted (the floor holder, the chair, a reply). */
const BUDGETED_VOICES = 3;
const MIN_LARGE_LAYER = 1;

/**
 * From a downlink budget (kbit/s): the large tile at the highest layer that leaves room for
 * thumbnails, then as many lowest-layer thumbnails as fit (at most `maxThumbnails`, at least one).
 */
export function receiveLimits(downlinkKbps: number, maxThumbnails: number): ReceiveLimits {
	const forVideo = downlinkKbps - BUDGETED_VOICES * AUDIO_KBPS;
	let largeLayer = LAYER_KBPS.length - 1;
	while (largeLayer > MIN_LARGE_LAYER && forVideo - LAYER_KBPS[largeLayer]! < LAYER_KBPS[0]! * Math.min(4, maxThumbnails)) {
		largeLayer -= 1;
	}
	const thumbnails = Math.floor((forVideo - LAYER_KBPS[largeLayer]!) / LAYER_KBPS[0]!);
	return { largeLayer, maxThumbnails: Math.max(1, Math.min(maxThumbnails, thumbnails)) };
}

/**
 * The streams one site receives: the microphone of every other site that may be heard (not muted,
 * or muted only moments ago) and, unless it is audio-only, the video of what it shows: the large
 * site's screen if it shares one, else its camera at the large layer, and the cameras of its
 * first maxThumbnails thumbnails at the lowest layer. Nothing of itself, nothing of unknown ids.
 */
export function wantedFor(viewer: PolicySite, view: SiteView | null, sites: ReadonlyMap<string, PolicySite>, audible: (producerId: string) => boolean, limits: ReceiveLimits): Wanted[] {
	const wanted: Wanted[] = [];
	for (const site of sites.values()) {
		if (site.id === viewer.id) {
			continue;
		}
		for (const p of site.producers) {
			if (p.kind === 'audio' && audible(p.id)) {
				wanted.push({ producerId: p.id, participantId: site.id, kind: 'audio', source: p.source, spatialLayer: 0, priority: 3 });
			}
		}
	}
	if (viewer.audioOnly || !view) {
		return wanted;
	}
	const large = view.large === viewer.id ? undefined : sites.get(view.large ?? '');
	if (large) {
		const shown = large.producers.find((p) => p.source === 'screen') ?? large.producers.find((p) => p.source === 'camera');
		if (shown) {
			wanted.push({ producerId: shown.id, participantId: large.id, kind: 'video', source: shown.source, spatialLayer: limits.largeLayer, priority: 2 });
		}
	}
	for (const id of acceptedThumbnails(viewer.id, view, sites, limits)) {
		const camera = sites.get(id)?.producers.find((p) => p.source === 'camera');
		if (camera) {
			wanted.push({ producerId: camera.id, participantId: id, kind: 'video', source: 'camera', spatialLayer: 0, priority: 1 });
		}
	}
	return wanted;
}

/** The thumbnails of a view the server serves: known other sites, not the large one, no repeats, within the limit. */
export function acceptedThumbnails(viewerId: string, view: SiteView, sites: ReadonlyMap<string, PolicySite>, limits: ReceiveLimits): string[] {
	const accepted: string[] = [];
	for (const id of view.thumbnails) {
		if (accepted.length >= limits.maxThumbnails) {
			break;
		}
		if (id !== viewerId && id !== view.large && sites.has(id) && !accepted.includes(id)) {
			accepted.push(id);
		}
	}
	return accepted;
}
