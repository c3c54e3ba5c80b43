import { defineConfig } from 'vitest/config';

// Integration and e2e tests start real mediasoup workers, SQLite files and Chromium: they run
// one file at a time so that two files never compete for the machine's two cores. Their
// expect.poll waits up to 15 s (vitest's 1 s default is too short on a loaded CI machine for a
// disconnect or a worker death to reach the database); a poll that succeeds returns at once.
const slowPoll = { poll: { timeout: 15_000, interval: 50 } };
export default defineConfig({
	test: {
		env: { TZ: 'UTC' },
		projects: [
			{
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					environment: 'node',
				},
			},
			{
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/helpers/global-setup.ts'],
					fileParallelism: false,
					testTimeout: 30000,
					hookTimeout: 30000,
					expect: slowPoll,
				},
			},
			{
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.e2e.test.ts'],
					environment: 'node',
					globalSetup: ['tests/helpers/global-setup.ts'],
					fileParallelism: false,
					testTimeout: 90000,
					hookTimeout: 60000,
					expect: slowPoll,
				},
			},
			// Only inside the namespace scripts/test-netns.mjs creates (npm run test:netns).
			...(process.env['GIAOBAN_NETNS'] === '1'
				? [
						{
							test: {
								name: 'netns',
								include: ['tests/netns/**/*.netns.test.ts'],
								environment: 'node',
								globalSetup: ['tests/helpers/global-setup.ts', 'tests/helpers/netns-setup.ts'],
								fileParallelism: false,
								testTimeout: 120000,
								hookTimeout: 60000,
								expect: slowPoll,
							},
						},
					]
				: []),
		],
	},
});
