import { describe, expect, it } from 'vitest';
import type { User } from '../../../shared/src/api/auth.ts';
import { canJoin, canView, recordingScope } from '../../../server/src/features/meetings/meeting-policy.ts';

const operator: User = { id: 'u1', username: 'nhandao', displayName: 'Điểm cầu', role: 'commune_operator', unit: { id: 'nhan-dao', kind: 'commune', name: 'Xã Nhân Đạo' } };
const meeting = { hostUnitId: 'song-lo', chairId: null, invitedUnitIds: ['nhao-son'] };

describe('a merged unit’s meetings', () => {
	it('are readable by the unit it was merged into, and by no one else', () => {
		expect(canView(operator, meeting)).toBe(false);
		expect(canView(operator, meeting, ['cao-phong'])).toBe(false);
		expect(canView(operator, meeting, ['cao-phong', 'nhao-son'])).toBe(true);
		expect(canView(operator, { ...meeting, invitedUnitIds: [] }, ['nhao-son'])).toBe(false);
	});

	it('include the merged units’ own recordings and transcript, and only theirs', () => {
		const both = { ...meeting, invitedUnitIds: ['nhao-son', 'nhu-thuy', 'nhan-dao', 'dong-que'] };
		expect(recordingScope(operator, meeting)).toBeNull();
		expect(recordingScope(operator, meeting, ['nhao-son'])).toEqual({ unitIds: ['nhao-son'] });
		expect(recordingScope(operator, both, ['nhao-son', 'nhu-thuy'])).toEqual({ unitIds: ['nhan-dao', 'nhao-son', 'nhu-thuy'] });
		expect(recordingScope(operator, both)).toEqual({ unitIds: ['nhan-dao'] });
		expect(recordingScope(operator, { ...meeting, invitedUnitIds: [] }, ['nhao-son'])).toBeNull();
		// The host unit sees every site's.
		expect(recordingScope({ ...operator, role: 'admin', unit: { id: 'song-lo', kind: 'district', name: 'Huyện Sông Lô' } }, meeting)).toEqual({ unitIds: null });
	});

	it('are history: reading them does not let the unit join them', () => {
		expect(canJoin(operator, meeting)).toBe(false);
	});
});
