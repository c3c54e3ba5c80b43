import type { District } from '#shared/api/units.ts';
import type { Database } from '../../db/open-database.ts';

export function createUnitsRepository(db: Database) {
	return {
		/** The host district (the one unit without a parent) and its communes and towns. */
		async findDistrict(): Promise<District | null> {
			const district = await db.unit.findFirst({
				where: { parentId: null, kind: 'district' },
				select: {
					id: true,
					kind: true,
					name: true,
					authority: true,
					children: { select: { id: true, kind: true, name: true } },
				},
			});
			if (!district) {
				return null;
			}
			const { children, ...rest } = district;
			// SQLite orders by code point ("Đ" after "Z"); Vietnamese readers expect dictionary order.
			return { ...rest, communes: children.sort((a, b) => a.name.localeCompare(b.name, 'vi')) };
		},
	};
}

export type UnitsRepository = ReturnType<typeof createUnitsRepository>;
