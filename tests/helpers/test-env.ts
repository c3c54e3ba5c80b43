import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../server/src/config/env.ts';

export type TestDataDir = { dir: string; remove: () => void };

/** A fresh data folder holding a copy of the migrated template database. */
export function migratedDataDir(): TestDataDir {
	const dir = mkdtempSync(join(tmpdir(), 'giaoban-test-'));
	copyFileSync(inject('templateDatabase'), join(dir, 'giaoban.db'));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A WebRTC port base unlikely to collide with another run on this machine. It stays below Linux's
 * ephemeral range (32768–60999), where any outgoing connection may hold a port for a while.
 */
export function randomRtcPort(): number {
	return 20000 + Math.floor(Math.random() * 3000) * 4;
}

/** Two disjoint loopback port ranges (recorders, workers' plain transports) apart from other runs' and the WebRTC ports. */
function randomRecordingPorts(): { RECORDING_PORTS: string; RTC_INTERNAL_PORTS: string } {
	const base = 10000 + Math.floor(Math.random() * 25) * 400;
	return { RECORDING_PORTS: `${base}-${base + 199}`, RTC_INTERNAL_PORTS: `${base + 200}-${base + 399}` };
}

/** The configuration the server would read from this environment, on loopback only. */
export function testEnv(dataDir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		DATA_DIR: dataDir,
		HOST: '127.0.0.1',
		PORT: '0',
		RTC_LISTEN_IP: '127.0.0.1',
		RTC_PORT: String(randomRtcPort()),
		MEDIASOUP_WORKERS: '2',
		LOG_LEVEL: 'silent',
		DEMO_DATA: 'false',
		...randomRecordingPorts(),
		...overrides,
	};
}

export function testConfig(dataDir: string, overrides: Record<string, string> = {}): Config {
	return loadConfig(testEnv(dataDir, overrides));
}
