import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { Username } from '../../../shared/src/api/accounts.ts';
import { MeetingInput } from '../../../shared/src/api/meetings.ts';
import { UnitCreateInput, UnitParams } from '../../../shared/src/api/units.ts';
import { nameKey } from '../../../server/src/domain/unit-names.ts';
import { demoUnits } from '../../../server/src/features/demo-data/demo-directory.ts';
import { demoProvince, demoProvinceAccounts, demoProvinceMeeting, demoProvinceMembers } from '../../../server/src/features/demo-data/demo-province.ts';

const CHAIR_ID = '6f1c1a52-3c1e-4d7b-9a57-0f3f2b8e4c11';

describe('the generated province', () => {
	it('has 170 members that the units API itself would accept, with distinct names and codes, all marked as generated', () => {
		expect(demoProvinceMembers).toHaveLength(170);
		for (const { id, code, ...unit } of demoProvinceMembers) {
			expect(Value.Check(UnitParams, { id }), id).toBe(true);
			expect(Value.Check(UnitCreateInput, { ...unit, code, parentId: demoProvince.id }), unit.name).toBe(true);
			expect(code).toMatch(/^DEMO-/);
			expect(unit.name).toMatch(/ \(mẫu\)$/);
		}
		expect(new Set(demoProvinceMembers.map((u) => nameKey(u.name))).size).toBe(170);
		expect(new Set(demoProvinceMembers.map((u) => u.code)).size).toBe(170);
		expect(demoProvince.code).toMatch(/^DEMO-/);
		// No id shared with the Sông Lô demo: both live in one database.
		const taken = new Set(demoUnits.map((u) => u.id));
		expect([demoProvince, ...demoProvinceMembers].filter((u) => taken.has(u.id))).toEqual([]);
	});

	it('has accounts with valid usernames, one per role of the host unit', () => {
		expect(demoProvinceAccounts.map((a) => a.role).sort()).toEqual(['admin', 'chair', 'secretary']);
		for (const account of demoProvinceAccounts) {
			expect(Value.Check(Username, account.username), account.username).toBe(true);
			expect(account.unitId).toBe(demoProvince.id);
		}
	});
});

describe('demoProvinceMeeting', () => {
	it('is a valid meeting body inviting every member, muted on entry and not recorded', () => {
		const input = demoProvinceMeeting(CHAIR_ID, new Date('2026-12-04T03:00:00Z'));
		expect(Value.Check(MeetingInput, input)).toBe(true);
		expect(input.invitedUnitIds).toEqual(demoProvinceMembers.map((u) => u.id));
		expect(input).toMatchObject({ joinMuted: true, recordingEnabled: false, chairId: CHAIR_ID });
	});

	it('starts at 08:00 tomorrow on the Vietnam calendar, whatever the server clock zone', () => {
		// 17:00 on 4 December in Vietnam: tomorrow is the 5th.
		expect(demoProvinceMeeting(CHAIR_ID, new Date('2026-12-04T10:00:00Z')).startsAt).toBe('2026-12-05T01:00:00.000Z');
		// Already 03:00 on the 5th in Vietnam (still the 4th in UTC): tomorrow is the 6th.
		expect(demoProvinceMeeting(CHAIR_ID, new Date('2026-12-04T20:00:00Z')).startsAt).toBe('2026-12-06T01:00:00.000Z');
		expect(demoProvinceMeeting(CHAIR_ID, new Date('2026-12-04T20:00:00Z')).endsAt).toBe('2026-12-06T04:00:00.000Z');
	});
});
