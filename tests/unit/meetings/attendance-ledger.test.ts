import { describe, expect, it } from 'vitest';
import { AttendanceLedger } from '../../../server/src/domain/attendance-ledger.ts';

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

describe('rollCallCsv', () => {
	it('neutralises cells a spreadsheet would run as formulas, and quotes every cell', async () => {
		const { rollCallCsv } = await import('../../../server/src/features/meetings/roll-call.ts');
		const csv = rollCallCsv([
			{ unitId: 'x', unitName: '=HYPERLINK("http://evil","Xã")', host: false, present: false, firstJoinedAt: null, lastLeftAt: null, attendedMinutes: 0, disconnections: 0 },
			{ unitId: 'y', unitName: 'Xã "Mới"', host: false, present: true, firstJoinedAt: '2026-12-03T06:33:00.000Z', lastLeftAt: '2026-12-03T07:05:00.000Z', attendedMinutes: 32, disconnections: 1 },
		]);
		const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
		expect(lines[1]).toBe('"\'=HYPERLINK(""http://evil"",""Xã"")","","Vắng","","","0","0"');
		// 06:33 UTC is 13:33 in Vietnam, whatever the server's own zone.
		expect(lines[2]).toBe('"Xã ""Mới""","","Có mặt","13:33 03/12/2026","14:05 03/12/2026","32","1"');
	});
});
