import type { Consumer } from 'mediasoup/node/lib/types.js';

/**
 * How long a simulcast consumer may show the signature of mediasoup bug #492 (below) before it is
 * replaced.
 *
 * Why: mediasoup 3.12 keeps the first simulcast stream a consumer forwards as its RTP timestamp
 * reference and can only switch to another stream once both have had an RTCP sender report
 * (versatica/mediasoup#492, fixed in 3.14). When a sender stops that stream before its first
 * report reached the router (a browser dropping upper layers on a weak uplink; producer:layers
 * turning them off right after a camera started, which FIRST_LAYER_LOWER_DELAY_MS now avoids), the
 * consumer never forwards again although the lowest layer still arrives: seen in the browser tests
 * as one key frame, then nothing for 30 s and more. A new consumer picks its reference among the
 * streams that flow now.
 */
export const STALLED_VIDEO_MS = 4000;

/**
 * Calls `stalled` once when `consumer` (simulcast) shows bug #492's signature for `afterMs`: resumed,
 * its producer not paused, forwarding no layer, although the first stream it forwarded (its
 * timestamp reference) has stopped and another stream of the producer arrives. A consumer that
 * never had a layer, or whose first stream still arrives, is left alone: that is the bandwidth
 * estimate or the downlink budget leaving it without a layer, or a site whose connection dropped.
 * Watches until the consumer closes or `stalled` has been called.
 */
export function watchStalledVideo(consumer: Consumer, stalled: () => void, afterMs = STALLED_VIDEO_MS): void {
	if (consumer.type !== 'simulcast') {
		return;
	}
	let timer: NodeJS.Timeout | undefined;
	let done = false;
	/** The spatial layer of the first stream forwarded (mediasoup keeps it as the timestamp reference). */
	let first: number | undefined;
	// mediasoup reports "no layer" as null (its typings say undefined).
	const idle = (): boolean => !consumer.closed && !consumer.paused && !consumer.producerPaused && !consumer.currentLayers;
	const stuck = (): boolean => {
		const scores = consumer.score.producerScores;
		return first !== undefined && (scores[first] ?? 0) === 0 && scores.some((score, layer) => layer !== first && score > 0);
	};
	const check = (): void => {
		clearTimeout(timer);
		timer = undefined;
		first ??= consumer.currentLayers?.spatialLayer;
		if (done || first === undefined || !idle()) {
			return;
		}
		timer = setTimeout(() => {
			timer = undefined;
			if (done || !idle()) {
				return;
			}
			if (!stuck()) {
				// Not (yet) the signature: look again later, the scores change without a layers event.
				check();
				return;
			}
			done = true;
			stalled();
		}, afterMs);
		timer.unref();
	};
	consumer.on('layerschange', check);
	consumer.observer.on('pause', check);
	consumer.observer.on('resume', check);
	consumer.observer.once('close', () => {
		done = true;
		clearTimeout(timer);
	});
	check();
}
