import { Type, type Static } from 'typebox';
import { DateTime } from './common.ts';

/**
 * Levels of administrative unit (the Prisma enum UnitKind spells the same values). Since July 2025
 * a province or centrally-run city hosts its communes, wards and special zones; district and town
 * remain for deployments (and history) from the three-tier era.
 */
export const UNIT_KINDS = ['province', 'city', 'district', 'commune', 'ward', 'town', 'special_zone'] as const;
export const UnitKind = Type.Enum(UNIT_KINDS);
export type UnitKind = Static<typeof UnitKind>;

/** Levels that can host (the root of a deployment) and levels that are member units below a host. */
export const HOST_UNIT_KINDS = ['province', 'city', 'district'] as const satisfies readonly UnitKind[];
export const MEMBER_UNIT_KINDS = ['commune', 'ward', 'town', 'special_zone'] as const satisfies readonly UnitKind[];
export type HostKind = (typeof HOST_UNIT_KINDS)[number];
export type MemberKind = (typeof MEMBER_UNIT_KINDS)[number];

export function isHostKind(kind: UnitKind): kind is HostKind {
	return (HOST_UNIT_KINDS as readonly UnitKind[]).includes(kind);
}

export function isMemberKind(kind: UnitKind): kind is MemberKind {
	return (MEMBER_UNIT_KINDS as readonly UnitKind[]).includes(kind);
}

export const HostUnitKind = Type.Enum(HOST_UNIT_KINDS);
export const MemberUnitKind = Type.Enum(MEMBER_UNIT_KINDS);

export const UnitSummary = Type.Object({ id: Type.String(), kind: UnitKind, name: Type.String() });
export type UnitSummary = Static<typeof UnitSummary>;

/** GET /api/host-unit (public): the host unit and its active member units in Vietnamese order. */
export const HostUnit = Type.Object({
	id: Type.String(),
	kind: UnitKind,
	name: Type.String(),
	authority: Type.String(),
	members: Type.Array(UnitSummary),
});
export type HostUnit = Static<typeof HostUnit>;

const UnitName = Type.String({ minLength: 1, maxLength: 120 });
/** The issuing-body line printed on documents, e.g. "UBND XÃ ĐỒNG THỊNH". */
const UnitAuthority = Type.String({ minLength: 1, maxLength: 160 });
/** The official administrative code (e.g. "09043"), the key of a CSV import. */
const UnitCode = Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9._-]+$' });

/** A unit as its administrators see it: an item of GET /api/units (the admin's unit and everything below it). */
export const ManagedUnit = Type.Object({
	id: Type.String(),
	kind: UnitKind,
	name: Type.String(),
	authority: Type.String(),
	code: Type.Union([Type.String(), Type.Null()]),
	parentId: Type.Union([Type.String(), Type.Null()]),
	active: Type.Boolean(),
	/** Set when the unit was merged into another: its history (meetings, attendance) is listed under that one. */
	mergedIntoId: Type.Union([Type.String(), Type.Null()]),
	/** Units merged into this one. */
	mergedFromIds: Type.Array(Type.String()),
	accountCount: Type.Integer(),
	createdAt: DateTime,
});
export type ManagedUnit = Static<typeof ManagedUnit>;

export const UnitParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });

/** POST /api/units: a member unit below one the administrator manages. */
export const UnitCreateInput = Type.Object(
	{ parentId: Type.String({ minLength: 1, maxLength: 64 }), kind: MemberUnitKind, name: UnitName, authority: UnitAuthority, code: Type.Optional(UnitCode) },
	{ additionalProperties: false }
);
export type UnitCreateInput = Static<typeof UnitCreateInput>;

/** PATCH /api/units/:id: rename, change level, issuing-body line or code (code null clears it). */
export const UnitUpdateInput = Type.Object(
	{ kind: Type.Optional(UnitKind), name: Type.Optional(UnitName), authority: Type.Optional(UnitAuthority), code: Type.Optional(Type.Union([UnitCode, Type.Null()])) },
	{ additionalProperties: false, minProperties: 1 }
);
export type UnitUpdateInput = Static<typeof UnitUpdateInput>;

/**
 * POST /api/units/:id/merge: the units `sourceIds` (siblings of :id) are merged into :id, as the
 * 2025 reform merged communes. They become inactive with mergedIntoId = :id; their accounts move
 * to :id (their administrators become viewers: :id's administrators did not choose them) and are
 * signed out; their invitations to meetings not yet held move to :id; their past meetings stay theirs
 * and are listed for :id.
 */
export const UnitMergeInput = Type.Object({ sourceIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50 }) }, { additionalProperties: false });
export type UnitMergeInput = Static<typeof UnitMergeInput>;

/**
 * POST /api/units/import: member units from CSV text (UTF-8, header row with columns name, level,
 * authority, code; Vietnamese headers tên, cấp, cơ quan, mã accepted) under `parentId`. With
 * `confirm: false` nothing is written and the reply is the preview; with `confirm: true` every row
 * is imported in one transaction, or none when any row has an error (409, reason import_has_errors;
 * the preview names the rows).
 */
export const UnitImportInput = Type.Object(
	{ parentId: Type.String({ minLength: 1, maxLength: 64 }), csv: Type.String({ minLength: 1, maxLength: 1_000_000 }), confirm: Type.Boolean() },
	{ additionalProperties: false }
);
export type UnitImportInput = Static<typeof UnitImportInput>;

/** One problem of one CSV row: the column at fault and why (an ErrorReason or a schema word). */
export const ImportRowError = Type.Object({ field: Type.String(), reason: Type.String(), message: Type.String() });
export type ImportRowError = Static<typeof ImportRowError>;

export const ImportRow = Type.Object({
	/** Line number in the file (the header is line 1). */
	line: Type.Integer(),
	name: Type.String(),
	kind: Type.Union([UnitKind, Type.Null()]),
	authority: Type.String(),
	code: Type.Union([Type.String(), Type.Null()]),
	errors: Type.Array(ImportRowError),
});
export type ImportRow = Static<typeof ImportRow>;

export const UnitImportResult = Type.Object({
	rows: Type.Array(ImportRow),
	/** Rows with at least one error. */
	errorCount: Type.Integer(),
	/** Units created (0 for a preview). */
	imported: Type.Integer(),
});
export type UnitImportResult = Static<typeof UnitImportResult>;
