import type { MeetingInput } from '#shared/api/meetings.ts';
import type { MemberKind } from '#shared/api/units.ts';
import { vietnamDate } from '#shared/time/vietnam-time.ts';
import { defaultAuthority } from '../../domain/unit-names.ts';
import type { DemoAccount, DemoUnit } from './demo-directory.ts';

/**
 * A generated province (not a real one) with as many member units as the largest provinces have
 * since July 2025, so that a newcomer can try a meeting of 100+ sites. Everything here is
 * marked as generated: codes start with DEMO-, member names end in "(mẫu)".
 */
export type DemoProvinceUnit = DemoUnit & { code: string };

export const DEMO_PROVINCE_ID = 'demo-tinh-mau';
export const DEMO_PROVINCE_MEMBER_COUNT = 170;

// 18 × 10 = 180 distinct names: enough for the 170 members, none of them repeated.
const FIRST = ['An', 'Bình', 'Cẩm', 'Đông', 'Gia', 'Hòa', 'Hưng', 'Kim', 'Long', 'Minh', 'Nam', 'Phú', 'Quang', 'Tân', 'Thanh', 'Vĩnh', 'Xuân', 'Yên'];
const SECOND = ['Lạc', 'Phong', 'Thịnh', 'Hải', 'Sơn', 'Thủy', 'Lâm', 'Điền', 'Khánh', 'Lợi'];

const LEVEL_WORD: Record<MemberKind, string> = { commune: 'Xã', ward: 'Phường', town: 'Thị trấn', special_zone: 'Đặc khu' };

/** About the mix of a real province: a couple of island special zones, a fifth wards, the rest communes. */
function kindOf(index: number): MemberKind {
	if (index < 2) {
		return 'special_zone';
	}
	return index % 5 === 2 ? 'ward' : 'commune';
}

function member(index: number): DemoProvinceUnit {
	const kind = kindOf(index);
	const number = String(index + 1).padStart(3, '0');
	const name = `${LEVEL_WORD[kind]} ${FIRST[index % FIRST.length]} ${SECOND[Math.floor(index / FIRST.length)]} (mẫu)`;
	return { id: `${DEMO_PROVINCE_ID}-${number}`, kind, name, authority: defaultAuthority(kind, name), code: `DEMO-${number}`, parentId: DEMO_PROVINCE_ID };
}

export const demoProvince: DemoProvinceUnit = {
	id: DEMO_PROVINCE_ID,
	kind: 'province',
	name: 'Tỉnh Mẫu',
	authority: 'UBND TỈNH MẪU',
	code: 'DEMO-TINH',
	parentId: null,
};

export const demoProvinceMembers: DemoProvinceUnit[] = Array.from({ length: DEMO_PROVINCE_MEMBER_COUNT }, (_, index) => member(index));

/** The member units join by link (no accounts): a province has far more sites than people to sign in. */
export const demoProvinceAccounts: DemoAccount[] = [
	{ username: 'tinh.admin', displayName: 'Quản trị tỉnh (mẫu)', role: 'admin', unitId: DEMO_PROVINCE_ID },
	{ username: 'tinh.chutri', displayName: 'Chủ trì (Chủ tịch UBND tỉnh, mẫu)', role: 'chair', unitId: DEMO_PROVINCE_ID },
	{ username: 'tinh.thuky', displayName: 'Thư ký Văn phòng UBND tỉnh (mẫu)', role: 'secretary', unitId: DEMO_PROVINCE_ID },
];

export const DEMO_PROVINCE_ADMIN = 'tinh.admin';
export const DEMO_PROVINCE_CHAIR = 'tinh.chutri';

const HOUR_MS = 3_600_000;

/**
 * The province meeting of every member, tomorrow 08:00–11:00 Vietnam time. Sites enter muted
 * (they ask for the floor), and nothing is recorded: 170 recorders are more than a demo machine
 * holds.
 */
export function demoProvinceMeeting(chairId: string, now: Date): MeetingInput {
	const startsAt = new Date(`${vietnamDate(now.getTime() + 24 * HOUR_MS)}T08:00:00+07:00`);
	return {
		title: 'Hội nghị trực tuyến toàn tỉnh (mẫu)',
		description: 'Cuộc họp mẫu do dữ liệu demo tạo: mọi xã, phường, đặc khu của Tỉnh Mẫu được mời; các điểm cầu vào họp ở trạng thái tắt micro và không ghi hình.',
		location: 'Hội trường UBND tỉnh (mẫu)',
		startsAt: startsAt.toISOString(),
		endsAt: new Date(startsAt.getTime() + 3 * HOUR_MS).toISOString(),
		chairId,
		agenda: [
			{ title: 'Khai mạc, giới thiệu đại biểu', presenter: 'Chánh Văn phòng UBND tỉnh', durationMinutes: 10 },
			{ title: 'Báo cáo tình hình kinh tế - xã hội trong tháng', presenter: 'Giám đốc Sở Tài chính', durationMinutes: 30 },
			{ title: 'Ý kiến của các xã, phường, đặc khu', presenter: '', durationMinutes: 110 },
			{ title: 'Kết luận của Chủ tịch UBND tỉnh', presenter: 'Chủ tịch UBND tỉnh', durationMinutes: 30 },
		],
		invitedUnitIds: demoProvinceMembers.map((u) => u.id),
		recordingEnabled: false,
		joinMuted: true,
	};
}
