import { describe, expect, it } from 'vitest';
import { galleryLayout, viewOf } from '../../../client/src/room/gallery-layout.ts';
import type { RoomSnapshot } from '../../../shared/src/protocol/index.ts';
import { participant } from './fake-room-server.ts';

/** A province meeting: the host (me) and `communes` communes c0, c1 …, in the order they joined. */
function room(communes: number, change: Partial<RoomSnapshot> = {}): Pick<RoomSnapshot, 'participants' | 'spotlight' | 'recentSpeakers' | 'settings'> {
	return {
		participants: [participant('me'), ...Array.from({ length: communes }, (_, i) => participant(`c${i}`))],
		spotlight: null,
		recentSpeakers: [],
		settings: { joinMuted: true, lastN: 4, maxThumbnails: 9, downlinkKbps: 4000 },
		...change,
	};
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `c${from + i}`);

describe('galleryLayout', () => {
	it('pages through 170 communes, the large one and the recent speakers left out of the pages', () => {
		const snapshot = room(170, { recentSpeakers: ['c5', 'me', 'c9', 'c3', 'c7', 'c8'] });
		const first = galleryLayout({ snapshot, selfId: 'me', speaker: 'c9', page: 0 });
		// Nobody shares or holds the floor: the active speaker is large; the strip is the newest lastN others.
		expect(first.large).toBe('c9');
		expect(first.strip).toEqual(['c5', 'c3', 'c7', 'c8']);
		expect(first.pageSize).toBe(5);
		expect(first.page).toEqual(['c0', 'c1', 'c2', 'c4', 'c6']);
		expect(first.pageCount).toBe(Math.ceil(165 / 5));
		expect(viewOf(first)).toEqual({ large: 'c9', thumbnails: ['c5', 'c3', 'c7', 'c8', 'c0', 'c1', 'c2', 'c4', 'c6'] });

		const second = galleryLayout({ snapshot, selfId: 'me', speaker: 'c9', page: 1 });
		expect(second.page).toEqual(['c10', 'c11', 'c12', 'c13', 'c14']);
		const last = galleryLayout({ snapshot, selfId: 'me', speaker: 'c9', page: 32 });
		expect(last.page).toEqual(['c165', 'c166', 'c167', 'c168', 'c169']);
		// Every other site is on exactly one of: large, strip, a page.
		const seen = [first.large, ...first.strip];
		for (let page = 0; page < first.pageCount; page++) {
			seen.push(...galleryLayout({ snapshot, selfId: 'me', speaker: 'c9', page }).page);
		}
		expect(seen.sort()).toEqual(ids(0, 170).sort());
	});

	it('keeps the page asked for within the pages there are', () => {
		const snapshot = room(12);
		expect(galleryLayout({ snapshot, selfId: 'me', speaker: null, page: 7 })).toMatchObject({ pageIndex: 1, pageCount: 2, page: ids(10, 12) });
		expect(galleryLayout({ snapshot, selfId: 'me', speaker: null, page: -3 })).toMatchObject({ pageIndex: 0, page: ids(1, 10) });
		expect(galleryLayout({ snapshot: room(0), selfId: 'me', speaker: null, page: 0 })).toEqual({
			large: null,
			strip: [],
			page: [],
			pageIndex: 0,
			pageCount: 1,
			pageSize: 9,
		});
	});

	it('shows large a shared screen, else the floor holder, else the speaker, else the first other site; never oneself', () => {
		const sharing = room(5);
		sharing.participants[3] = { ...sharing.participants[3]!, screenSharing: true };
		expect(galleryLayout({ snapshot: { ...sharing, spotlight: 'c4' }, selfId: 'me', speaker: 'c1', page: 0 }).large).toBe('c2');
		expect(galleryLayout({ snapshot: room(5, { spotlight: 'c4' }), selfId: 'me', speaker: 'c1', page: 0 }).large).toBe('c4');
		expect(galleryLayout({ snapshot: room(5, { spotlight: 'me' }), selfId: 'me', speaker: 'c1', page: 0 }).large).toBe('c1');
		expect(galleryLayout({ snapshot: room(5), selfId: 'me', speaker: 'me', page: 0 }).large).toBe('c0');
		// A speaker who has left is not shown large.
		expect(galleryLayout({ snapshot: room(5), selfId: 'me', speaker: 'gone', page: 0 }).large).toBe('c0');
	});

	it('never asks for more thumbnails than the room accepts, however long the strip', () => {
		const snapshot = room(40, { recentSpeakers: ids(10, 20), settings: { joinMuted: true, lastN: 10, maxThumbnails: 3, downlinkKbps: 1000 } });
		const layout = galleryLayout({ snapshot, selfId: 'me', speaker: null, page: 0 });
		expect(layout.strip).toEqual(['c10', 'c11']);
		expect(layout.pageSize).toBe(1);
		expect(viewOf(layout).thumbnails).toHaveLength(3);
		// Recent speakers who left are not in the strip.
		const left = room(3, { recentSpeakers: ['c9', 'c2'] });
		expect(galleryLayout({ snapshot: left, selfId: 'me', speaker: null, page: 0 }).strip).toEqual(['c2']);
	});
});
