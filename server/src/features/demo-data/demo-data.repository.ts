import type { Database } from '../../db/open-database.ts';
import type { DemoAccount, DemoUnit } from './demo-directory.ts';
import type { DemoProvinceUnit } from './demo-province.ts';

export function createDemoDataRepository(db: Database) {
	return {
		async hasUnits(): Promise<boolean> {
			return (await db.unit.count()) > 0;
		},
		async hasUnit(id: string): Promise<boolean> {
			return (await db.unit.count({ where: { id } })) > 0;
		},
		/** Units and accounts in one transaction: a crash half-way leaves the database empty. */
		async createDirectory(units: DemoUnit[], users: (DemoAccount & { passwordHash: string })[]): Promise<void> {
			await db.$transaction([
				...units.map((data) => db.unit.create({ data, select: { id: true } })),
				...users.map((data) => db.user.create({ data, select: { id: true } })),
			]);
		},
		/** A host, its members and its accounts in one transaction of three statements (170+ rows stay fast). */
		async createHostWithMembers(host: DemoProvinceUnit, members: DemoProvinceUnit[], users: (DemoAccount & { passwordHash: string })[]): Promise<void> {
			await db.$transaction([
				db.unit.create({ data: host, select: { id: true } }),
				db.unit.createMany({ data: members }),
				db.user.createMany({ data: users }),
			]);
		},
		async hostsAnyMeeting(unitId: string): Promise<boolean> {
			return (await db.meeting.count({ where: { hostUnitId: unitId } })) > 0;
		},
	};
}

export type DemoDataRepository = ReturnType<typeof createDemoDataRepository>;
