import { describe, expect, it } from 'vitest';
import { QualityMeter, rateConnection } from '../../../client/src/media/connection-quality.ts';

function report(stats: object[]): RTCStatsReport {
	return new Map(stats.map((s) => [(s as { id: string }).id, s]));
}

const path = [
	{ id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
	{ id: 'P', type: 'candidate-pair', localCandidateId: 'L', currentRoundTripTime: 0.042 },
	{ id: 'L', type: 'local-candidate', protocol: 'tcp' },
];

describe('connection quality', () => {
	it('rates loss and round trip in three levels', () => {
		expect(rateConnection(null, null)).toBe('unknown');
		expect(rateConnection(40, 0)).toBe('good');
		expect(rateConnection(40, 5)).toBe('fair');
		expect(rateConnection(300, 1)).toBe('fair');
		expect(rateConnection(40, 12)).toBe('poor');
		expect(rateConnection(900, 0)).toBe('poor');
	});

	it('measures loss over the interval between calls, with the selected path', () => {
		const meter = new QualityMeter();
		const first = meter.measure(report([...path, { id: 'a', type: 'inbound-rtp', packetsReceived: 1000, packetsLost: 50 }]));
		// The first call has no interval yet; the losses before it do not count.
		expect(first).toEqual({ level: 'good', rttMs: 42, lossPercent: null, protocol: 'tcp' });
		const second = meter.measure(report([...path, { id: 'a', type: 'inbound-rtp', packetsReceived: 1900, packetsLost: 150 }]));
		expect(second.lossPercent).toBe(10);
		expect(second.level).toBe('poor');
		// Counters restart after a rejoin: no verdict from that interval.
		expect(meter.measure(report([...path, { id: 'b', type: 'inbound-rtp', packetsReceived: 10, packetsLost: 0 }])).lossPercent).toBeNull();
	});
});
