import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../server/src/features/jobs/job-runner.ts';

describe('retryDelayMs', () => {
	it('doubles per attempt up to the cap, jittered between half and all of it', () => {
		const low = () => 0;
		const high = () => 1;
		expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 1000, 60000, high))).toEqual([1000, 2000, 4000, 8000]);
		expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 1000, 60000, low))).toEqual([500, 1000, 2000, 4000]);
		expect(retryDelayMs(30, 1000, 60000, high)).toBe(60000);
		expect(retryDelayMs(30, 1000, 60000, low)).toBe(30000);
	});
});
