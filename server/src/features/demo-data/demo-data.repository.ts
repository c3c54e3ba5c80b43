import type { Database } from '../../db/open-database.ts';
import type { DemoAccount, DemoUnit } from './demo-directory.ts';

export function createDemoDataRepository(db: Database) {
	return {
		async hasUnits(): Promise<boolean> {
			return (await db.unit.count()) > 0;
		},
		/** Units and accounts in one transaction: a crash half-way leaves the database empty. */
		async createDirectory(units: DemoUnit[], users: (DemoAccount & { passwordHash: string })[]): Promise<void> {
			await db.$transaction([
				...units.map((data) => db.unit.create({ data, select: { id: true } })),
				...users.map((data) => db.user.create({ data, select: { id: true } })),
			]);
		},
	};
}

export type DemoDataRepository = ReturnType<typeof createDemoDataRepository>;
