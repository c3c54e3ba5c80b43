import { selectedPath } from './selected-path.ts';

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';
export type ConnectionQuality = { level: QualityLevel; rttMs: number | null; lossPercent: number | null; protocol: string | null };

/**
 * Levels an operator can act on. Up to 2 % loss and 150 ms round trip a meeting is clean; up to
 * 8 % and 400 ms Opus FEC and simulcast keep it usable; beyond that speech breaks up.
 */
export function rateConnection(rttMs: number | null, lossPercent: number | null): QualityLevel {
	if (rttMs === null && lossPercent === null) {
		return 'unknown';
	}
	const rtt = rttMs ?? 0;
	const loss = lossPercent ?? 0;
	if (loss <= 2 && rtt <= 150) {
		return 'good';
	}
	if (loss <= 8 && rtt <= 400) {
		return 'fair';
	}
	return 'poor';
}

/**
 * Measures a receiving transport between calls: packet loss over the interval (from inbound-rtp
 * counters), round trip and protocol of the selected candidate pair.
 */
export class QualityMeter {
	#last: { received: number; lost: number } | null = null;

	measure(report: RTCStatsReport): ConnectionQuality {
		let received = 0;
		let lost = 0;
		report.forEach((s: RTCStats & { packetsReceived?: number; packetsLost?: number }) => {
			if (s.type === 'inbound-rtp') {
				received += s.packetsReceived ?? 0;
				lost += Math.max(0, s.packetsLost ?? 0);
			}
		});
		let lossPercent: number | null = null;
		if (this.#last) {
			const newReceived = received - this.#last.received;
			const newLost = lost - this.#last.lost;
			// Consumers come and go (counters restart); only an interval with traffic says something.
			if (newReceived > 0 && newLost >= 0) {
				lossPercent = Math.round((newLost / (newReceived + newLost)) * 1000) / 10;
			}
		}
		this.#last = { received, lost };
		const { rttMs, protocol } = selectedPath(report);
		return { level: rateConnection(rttMs, lossPercent), rttMs, lossPercent, protocol };
	}
}
