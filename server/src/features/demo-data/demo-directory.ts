import type { UserRole } from '#shared/api/auth.ts';
import type { UnitKind } from '#shared/api/units.ts';

export type DemoUnit = { id: string; kind: UnitKind; name: string; authority: string; parentId: string | null };
export type DemoAccount = { username: string; displayName: string; role: UserRole; unitId: string };

export const DISTRICT_ID = 'song-lo';

/** Sông Lô district (Vĩnh Phúc), the setting of the article the product started from. */
const COMMUNES: [id: string, kind: UnitKind, name: string][] = [
	['tam-son', 'town', 'Thị trấn Tam Sơn'],
	['bach-luu', 'commune', 'Xã Bạch Lưu'],
	['cao-phong', 'commune', 'Xã Cao Phong'],
	['don-nhan', 'commune', 'Xã Đôn Nhân'],
	['dong-que', 'commune', 'Xã Đồng Quế'],
	['dong-thinh', 'commune', 'Xã Đồng Thịnh'],
	['duc-bac', 'commune', 'Xã Đức Bác'],
	['hai-luu', 'commune', 'Xã Hải Lựu'],
	['lang-cong', 'commune', 'Xã Lãng Công'],
	['nhan-dao', 'commune', 'Xã Nhân Đạo'],
	['nhao-son', 'commune', 'Xã Nhạo Sơn'],
	['nhu-thuy', 'commune', 'Xã Như Thụy'],
	['phuong-khoan', 'commune', 'Xã Phương Khoan'],
	['quang-yen', 'commune', 'Xã Quang Yên'],
	['tan-lap', 'commune', 'Xã Tân Lập'],
	['tu-yen', 'commune', 'Xã Tứ Yên'],
	['yen-thach', 'commune', 'Xã Yên Thạch'],
];

function authorityOf(kind: UnitKind, name: string): string {
	const bare = name.replace(/^(Thị trấn|Xã) /, '');
	return `UBND ${kind === 'town' ? 'THỊ TRẤN' : 'XÃ'} ${bare.toLocaleUpperCase('vi')}`;
}

export const demoUnits: DemoUnit[] = [
	{ id: DISTRICT_ID, kind: 'district', name: 'Huyện Sông Lô', authority: 'UBND HUYỆN SÔNG LÔ', parentId: null },
	...COMMUNES.map(([id, kind, name]) => ({ id, kind, name, authority: authorityOf(kind, name), parentId: DISTRICT_ID })),
];

export const demoAccounts: DemoAccount[] = [
	{ username: 'admin', displayName: 'Quản trị huyện', role: 'admin', unitId: DISTRICT_ID },
	{ username: 'chutri', displayName: 'Chủ trì (Chủ tịch UBND huyện)', role: 'chair', unitId: DISTRICT_ID },
	{ username: 'thuky', displayName: 'Thư ký Văn phòng HĐND-UBND', role: 'secretary', unitId: DISTRICT_ID },
	...COMMUNES.map(([id, , name]) => ({
		username: id.replaceAll('-', ''),
		displayName: `Điểm cầu ${name}`,
		role: 'commune_operator' as const,
		unitId: id,
	})),
];
