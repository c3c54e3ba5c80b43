import { defineConfig } from 'vitest/config';

// Integration and e2e tests start real mediasoup workers, SQLite files and Chromium: they run
// one file at a time so that two files never compete for the machine's two cores.
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
							},
						},
					]
				: []),
		],
	},
});
