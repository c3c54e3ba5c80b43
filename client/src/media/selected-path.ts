type Stat = RTCStats & { selectedCandidatePairId?: string; localCandidateId?: string; nominated?: boolean; state?: string; protocol?: string; currentRoundTripTime?: number };

/**
 * The ICE candidate pair a transport uses, from its stats: the local candidate's protocol ('udp',
 * or 'tcp' behind a firewall that lets only TCP through) and the round-trip time.
 */
export function selectedPath(report: RTCStatsReport): { protocol: string | null; rttMs: number | null } {
	const stats = [...(report.values() as IterableIterator<Stat>)];
	const pairId = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId)?.selectedCandidatePairId;
	const pair = stats.find((s) => s.id === pairId) ?? stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
	if (!pair) {
		return { protocol: null, rttMs: null };
	}
	return {
		protocol: stats.find((s) => s.id === pair.localCandidateId)?.protocol ?? null,
		rttMs: pair.currentRoundTripTime === undefined ? null : Math.round(pair.currentRoundTripTime * 1000),
	};
}
