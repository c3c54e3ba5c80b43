import { WorkerPool } from '../../server/src/sfu/worker-pool.ts';
import { randomRtcPort } from './test-env.ts';

/** A logger that drops everything (the tests assert on behaviour, not on log lines). */
export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Real mediasoup workers on loopback, on WebRTC ports apart from other runs'. */
export function createTestPool(numWorkers: number, options: { internalPorts?: { min: number; max: number }; respawnDelayMs?: number } = {}): Promise<WorkerPool> {
	return WorkerPool.create(
		{ numWorkers, logLevel: 'warn', listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', portBase: randomRtcPort(), ...options },
		silentLog
	);
}
