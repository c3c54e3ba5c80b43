import type { Consumer } from 'mediasoup/node/lib/types.js';

/**
 * How long a resumed simulcast consumer may have no layer at all while its producer sends, before
 * it counts as stalled.
 *
 * Why: mediasoup 3.12 keeps the first simulcast stream a consumer forwards as its RTP timestamp
 * reference and can only switch to another stream once both have had an RTCP sender report
 * (versatica/mediasoup#492, fixed in 3.14). When a sender stops that stream before its first
 * report reached the router (producer:layers turning a camera's upper layers off right after it
 * started, or through a pipe, whose reports come later), the consumer never forwards again although
 * the lowest layer still arrives: seen in the browser tests as one key frame, then nothing for 30 s
 * and more. A new consumer picks its reference among the streams that flow now.
 */
export const STALLED_VIDEO_MS = 4000;

/**
 * Calls `stalled` once when `consumer` (simulcast) has been resumed, with its producer not paused
 * and sending at least one stream, but forwarding no layer for `afterMs`. Watches until the
 * consumer closes or `stalled` has been called.
 */
export function watchStalledVideo(consumer: Consumer, stalled: () => void, afterMs = STALLED_VIDEO_MS): void {
	if (consumer.type !== 'simulcast') {
		return;
	}
	let timer: NodeJS.Timeout | undefined;
	let done = false;
	// mediasoup reports "no layer" as null (its typings say undefined).
	const idle = (): boolean => !consumer.closed && !consumer.paused && !consumer.producerPaused && !consumer.currentLayers;
	const check = (): void => {
		clearTimeout(timer);
		timer = undefined;
		if (done || !idle()) {
			return;
		}
		timer = setTimeout(() => {
			timer = undefined;
			if (done || !idle()) {
				return;
			}
			// Nothing arrives from the sender (its uplink is down): a new consumer would not help.
			if (!consumer.score.producerScores.some((score) => score > 0)) {
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
