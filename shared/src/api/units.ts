import { Type, type Static } from 'typebox';

/** Kinds of administrative unit (the Prisma enum UnitKind spells the same values). */
export const UNIT_KINDS = ['district', 'commune', 'town'] as const;
export const UnitKind = Type.Enum(UNIT_KINDS);
export type UnitKind = Static<typeof UnitKind>;

export const UnitSummary = Type.Object({ id: Type.String(), kind: UnitKind, name: Type.String() });
export type UnitSummary = Static<typeof UnitSummary>;

/** GET /api/district (public): the host district and its communes and towns in Vietnamese order. */
export const District = Type.Object({
	id: Type.String(),
	kind: UnitKind,
	name: Type.String(),
	authority: Type.String(),
	communes: Type.Array(UnitSummary),
});
export type District = Static<typeof District>;
