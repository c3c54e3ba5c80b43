import type { Database } from '../../db/open-database.ts';

export type SigningUnit = { id: string; name: string; code: string | null };

/** The unit an operator names on the command line: by id, or by its official code. */
export function createSigningUnitsRepository(db: Database) {
	return {
		async findByIdOrCode(ref: string): Promise<SigningUnit | null> {
			const byId = await db.unit.findUnique({ where: { id: ref }, select: { id: true, name: true, code: true } });
			return byId ?? (await db.unit.findUnique({ where: { code: ref }, select: { id: true, name: true, code: true } }));
		},
	};
}

export type SigningUnitsRepository = ReturnType<typeof createSigningUnitsRepository>;
