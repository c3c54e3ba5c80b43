import { describe, expect, it } from 'vitest';
import { AttendanceLedger } from '../../../server/src/features/meetings/attendance-ledger.ts';

const at = (minute: number): Date => new Date(Date.UTC(2026, 11, 3, 8, minute));

describe('AttendanceLedger', () => {
	it('counts two sites of one unit at once once, and a drop as a disconnection', () => {
		const ledger = AttendanceLedger.from([
			{ unitId: 'host', kind: 'join', reason: '', at: at(0) },
			{ unitId: 'host', kind: 'join', reason: '', at: at(5) },
			{ unitId: 'host', kind: 'leave', reason: 'left', at: at(10) },
			{ unitId: 'host', kind: 'leave', reason: 'disconnected', at: at(20) },
			{ unitId: 'host', kind: 'join', reason: '', at: at(25) },
		]);
		expect(ledger.attendedMs('host', at(30)) / 60_000).toBe(25);
		expect(ledger.get('host')).toMatchObject({ firstJoinedAt: at(0), lastLeftAt: null, open: 1, disconnections: 1 });
	});

	it('keeps the last leave and its reason; a leave without a join changes nothing', () => {
		const ledger = AttendanceLedger.from([
			{ unitId: 'xa', kind: 'leave', reason: 'left', at: at(1) },
			{ unitId: 'xa', kind: 'join', reason: '', at: at(2) },
			{ unitId: 'xa', kind: 'leave', reason: 'removed', at: at(12) },
		]);
		expect(ledger.get('xa')).toMatchObject({ lastLeftAt: at(12), lastLeaveReason: 'removed', disconnections: 0, open: 0 });
		expect(ledger.attendedMs('xa', at(59))).toBe(10 * 60_000);
		expect(ledger.attendedMs('nobody', at(59))).toBe(0);
		expect(ledger.get('nobody')).toBeUndefined();
	});
});
