import { describe, expect, it } from 'vitest';
import { acceptedThumbnails, receiveLimits, wantedFor, type PolicySite } from '../../../server/src/features/conference/receive-policy.ts';

function site(id: string, options: { screen?: boolean; audioOnly?: boolean } = {}): PolicySite {
	return {
		id,
		audioOnly: options.audioOnly ?? false,
		producers: [
			{ id: `${id}-mic`, kind: 'audio', source: 'microphone' },
			{ id: `${id}-cam`, kind: 'video', source: 'camera' },
			...(options.screen ? [{ id: `${id}-screen`, kind: 'video' as const, source: 'screen' as const }] : []),
		],
	};
}

const sites = (list: PolicySite[]) => new Map(list.map((s) => [s.id, s]));

describe('receive policy', () => {
	it('turns a downlink budget into the large tile layer and a thumbnail count', () => {
		expect(receiveLimits(3200, 12)).toEqual({ largeLayer: 2, maxThumbnails: 12 });
		expect(receiveLimits(3200, 4)).toEqual({ largeLayer: 2, maxThumbnails: 4 });
		// A rural line: the large tile at 640×360 and a few thumbnails.
		expect(receiveLimits(1500, 12)).toEqual({ largeLayer: 1, maxThumbnails: 5 });
		// Never less than one thumbnail, whatever the budget.
		expect(receiveLimits(300, 12).maxThumbnails).toBe(1);
	});

	it('receives audio only from sites that may be heard, and video only for the view', () => {
		const all = sites([site('me'), site('chair'), site('a'), site('b', { screen: true }), site('c')]);
		const heard = new Set(['chair-mic', 'a-mic']);
		const wanted = wantedFor(all.get('me')!, { large: 'b', thumbnails: ['chair', 'me', 'b', 'ghost', 'a', 'a'] }, all, (id) => heard.has(id), { largeLayer: 2, maxThumbnails: 12 });
		expect(wanted.map((w) => `${w.producerId}@${w.kind === 'video' ? w.spatialLayer : '-'}`).sort()).toEqual(['a-cam@0', 'a-mic@-', 'b-screen@2', 'chair-cam@0', 'chair-mic@-']);
		// The large tile before thumbnails, audio before both.
		const priority = Object.fromEntries(wanted.map((w) => [w.producerId, w.priority]));
		expect(priority['a-mic']! > priority['b-screen']! && priority['b-screen']! > priority['a-cam']!).toBe(true);
	});

	it('cuts thumbnails at the limit in the order asked, and sends no video to an audio-only site', () => {
		const all = sites(['me', 'a', 'b', 'c', 'd'].map((id) => site(id)));
		expect(acceptedThumbnails('me', { large: 'a', thumbnails: ['a', 'b', 'c', 'd'] }, all, { largeLayer: 2, maxThumbnails: 2 })).toEqual(['b', 'c']);
		const audioOnly = wantedFor(site('me', { audioOnly: true }), { large: 'a', thumbnails: ['b'] }, all, () => true, { largeLayer: 2, maxThumbnails: 2 });
		expect(audioOnly.every((w) => w.kind === 'audio')).toBe(true);
		expect(audioOnly).toHaveLength(4);
		// Showing itself large receives nothing of itself.
		expect(wantedFor(all.get('me')!, { large: 'me', thumbnails: [] }, all, () => false, { largeLayer: 2, maxThumbnails: 2 })).toEqual([]);
	});
});
