import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIRST_LAYER_LOWER_DELAY_MS, RoomSubscriptions, type SubscribingSite } from '../../../server/src/features/conference/room-subscriptions.ts';

// producer:layers as RoomSubscriptions tells it, with sites that receive nothing (so nobody
// needs more than the lowest layer): which layers each camera is told, and when.

type CameraSite = SubscribingSite & { told: number[]; closeCamera: () => void; newCamera: () => void };

function cameraSite(id: string, layers = 3): CameraSite {
	let cameras = 0;
	const camera = () => {
		cameras += 1;
		return { producer: { id: `${id}-camera-${cameras}`, kind: 'video', paused: false, rtpParameters: { encodings: Array.from({ length: layers }, (_, i) => ({ ssrc: 1000 + i })) } }, source: 'camera' };
	};
	let producers = [camera()];
	const told: number[] = [];
	const peer = {
		get producers() {
			return producers;
		},
		producerBySource: (source: string) => producers.find((p) => p.source === source)?.producer,
	};
	return {
		id,
		audioOnly: false,
		told,
		peer: peer as unknown as SubscribingSite['peer'],
		notify: ((event: string, payload: { maxSpatialLayer: number }) => {
			if (event === 'producer:layers') {
				told.push(payload.maxSpatialLayer);
			}
		}) as SubscribingSite['notify'],
		closeCamera: () => (producers = []),
		newCamera: () => (producers = [camera()]),
	};
}

/** The subscriptions of a room of `sites`, and `pass(ms)`: something changed, then `ms` go by. */
function room(sites: CameraSite[], minimumLayer = () => 0) {
	const log = { warn: () => undefined };
	const subscriptions = new RoomSubscriptions({ sites: () => sites, mayBeHeard: () => true, minimumLayer, limits: { largeLayer: 2, maxThumbnails: 12 }, log });
	const pass = (ms: number): void => {
		subscriptions.changed();
		vi.advanceTimersByTime(ms);
	};
	return { subscriptions, pass };
}

describe('producer:layers for a new camera', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});

	afterEach(() => {
		vi.useRealTimers();
	});

	it('tells it the top layer first and lowers it only after FIRST_LAYER_LOWER_DELAY_MS (mediasoup #492)', () => {
		const site = cameraSite('a');
		const { subscriptions, pass } = room([site]);
		pass(1);
		expect(site.told).toEqual([2]);
		// Passes before the delay lower nothing.
		pass(FIRST_LAYER_LOWER_DELAY_MS - 100);
		expect(site.told).toEqual([2]);
		vi.advanceTimersByTime(200);
		expect(site.told).toEqual([2, 0]);
		pass(20_000);
		expect(site.told).toEqual([2, 0]);
		subscriptions.close();
	});

	it('lowers no further than the recorder needs, and never lowers a camera without simulcast', () => {
		const simulcast = cameraSite('a');
		const single = cameraSite('b', 1);
		const { subscriptions, pass } = room([simulcast, single], () => 1);
		pass(FIRST_LAYER_LOWER_DELAY_MS + 100);
		expect(simulcast.told).toEqual([2, 1]);
		expect(single.told).toEqual([1]);
		subscriptions.close();
	});

	it('forgets a camera that closed: no lowering is told about it, and a new one starts again from the top', () => {
		const site = cameraSite('a');
		const { subscriptions, pass } = room([site]);
		pass(1);
		site.closeCamera();
		// Its lowering timer goes with it, well before it would have fired.
		pass(1);
		expect(vi.getTimerCount()).toBe(0);
		pass(FIRST_LAYER_LOWER_DELAY_MS + 100);
		expect(site.told).toEqual([2]);
		site.newCamera();
		pass(FIRST_LAYER_LOWER_DELAY_MS + 100);
		expect(site.told).toEqual([2, 2, 0]);
		subscriptions.close();
	});
});
