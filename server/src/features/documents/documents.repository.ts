import type { Database } from '../../db/open-database.ts';
import { Prisma, type StoredFile } from '../../generated/prisma/client.ts';
import { DOCUMENT_COUNT_CAP, type DocumentAccess } from '#shared/api/documents.ts';
import { subtree } from '../../domain/unit-tree.ts';
import type { FileStore } from './file-store.ts';
import { extensionFor, type NewStoredFile } from './stored-files.repository.ts';

/** Who reads: the unit decides (users of a unit read the same documents), an administrator also reads below it. */
export type Reader = { unitId: string; admin: boolean };

export type DocumentRecord = {
	unitId: string;
	type: string;
	year: number;
	symbol: string;
	summary: string;
	documentDate: string;
	signerName: string;
	access: DocumentAccess;
	recipientUnitIds: readonly string[];
	meetingId: string | null;
	minutesId: string | null;
	/** The whole text, once the number is known. */
	bodyText: (number: number) => string;
	issuedById: string;
	replacesId: string | null;
	fileIds: readonly string[];
};

export type IssuedRow = { id: string; year: number; number: number };

/** The issuing transaction, for the caller's own rows in it. */
export type TransactionClient = Prisma.TransactionClient;
export type StoredFileRow = StoredFile;

/** A file to store with the document, made once its number is known. */
export type NewDocumentFile = Omit<NewStoredFile, 'documentId' | 'minutesId'> & { data: Buffer; minutesId?: string };

export type IssueHooks = {
	/** Files made with the number in them (a DOCX, a signature naming the reference); recorded in the transaction. */
	makeFiles?: (issued: IssuedRow) => Promise<NewDocumentFile[]>;
	/** The caller's own rows in the same transaction (the minutes workflow marks its minutes issued). */
	beforeCommit?: (tx: Prisma.TransactionClient, issued: IssuedRow) => Promise<void> | void;
};

/** Why an issuance was refused after its transaction began; everything in it was rolled back. */
export class IssueRefused extends Error {
	readonly why: 'files_not_attachable' | 'already_replaced';
	constructor(why: 'files_not_attachable' | 'already_replaced', message: string) {
		super(message);
		this.name = 'IssueRefused';
		this.why = why;
	}
}

/**
 * Issuing may wait behind other writers and, through `makeFiles`, sign a PDF: longer than Prisma's
 * defaults (2 s to start, 5 s to finish) allow under load.
 */
const ISSUE_TX = { maxWait: 30_000, timeout: 60_000 };

/**
 * Whose documents a reader sees, from the unit tree as it is now (server/src/domain/unit-tree.ts):
 * the reader's unit, the units above it (their internal documents reach down), and for an
 * administrator every unit below it. `all`: an administrator of the root unit reads everything.
 */
export type ReaderScope = { unitId: string; ancestors: string[]; below: string[]; all: boolean };

/**
 * Who reads a document: its issuing unit; the units it is addressed to; for an internal one,
 * every unit below the issuing unit; administrators of the issuing unit and of the units above
 * it. The authority for both the search and the detail, over any row with these columns.
 */
function readable(scope: ReaderScope, row: { id: Prisma.Sql; unitId: Prisma.Sql; access: Prisma.Sql }): Prisma.Sql {
	if (scope.all) {
		return Prisma.sql`1`;
	}
	return Prisma.sql`(
		${row.unitId} = ${scope.unitId}
		OR EXISTS (SELECT 1 FROM "DocumentRecipient" r WHERE r."documentId" = ${row.id} AND r."unitId" = ${scope.unitId})
		OR (${row.access} = 'internal' AND ${row.unitId} IN (SELECT value FROM json_each(${JSON.stringify(scope.ancestors)})))
		OR ${row.unitId} IN (SELECT value FROM json_each(${JSON.stringify(scope.below)}))
	)`;
}

const KEY_ROW = { id: Prisma.sql`k."documentId"`, unitId: Prisma.sql`k."unitId"`, access: Prisma.sql`k."access"` };
const DOCUMENT_ROW = { id: Prisma.sql`d."id"`, unitId: Prisma.sql`d."unitId"`, access: Prisma.sql`d."access"` };

export type SearchFilter = {
	/** The FTS5 expression (words, readers, unit and type), or null for the root administrator's plain list. */
	match: string | null;
	from?: string | undefined;
	to?: string | undefined;
	unitId?: string | undefined;
	type?: string | undefined;
	limit: number;
	offset: number;
};

/** Past this many hits a search is counted no further and lists newest first: ranking thousands of hits tells little. */
const COUNT_CAP = DOCUMENT_COUNT_CAP;

function keyFilters(filter: SearchFilter): Prisma.Sql {
	const parts: Prisma.Sql[] = [];
	if (filter.unitId !== undefined) {
		parts.push(Prisma.sql`k."unitId" = ${filter.unitId}`);
	}
	if (filter.type !== undefined) {
		parts.push(Prisma.sql`k."type" = ${filter.type}`);
	}
	if (filter.from !== undefined) {
		parts.push(Prisma.sql`k."documentDate" >= ${filter.from}`);
	}
	if (filter.to !== undefined) {
		parts.push(Prisma.sql`k."documentDate" <= ${filter.to}`);
	}
	return parts.length === 0 ? Prisma.sql`1` : Prisma.join(parts, ' AND ');
}

const DETAIL = {
	unit: { select: { id: true, name: true } },
	issuedBy: { select: { id: true, displayName: true } },
	recipients: { select: { unit: { select: { id: true, name: true } } }, orderBy: { unit: { name: 'asc' } } },
	files: { orderBy: { createdAt: 'asc' } },
	replaces: { select: { id: true, number: true, symbol: true } },
	replacedBy: { select: { id: true, number: true, symbol: true } },
} as const satisfies Prisma.DocumentInclude;

const SUMMARY = { unit: { select: { id: true, name: true } } } as const satisfies Prisma.DocumentInclude;

export type DocumentDetailRow = Prisma.DocumentGetPayload<{ include: typeof DETAIL }>;
export type DocumentSummaryRow = Prisma.DocumentGetPayload<{ include: typeof SUMMARY }>;

export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>;

export function createDocumentsRepository(db: Database, store: FileStore) {
	return {
		/**
		 * Numbers and records a document in ONE transaction whose first statement takes the next
		 * number: the counter upsert writes, so the transaction asks for SQLite's write lock before
		 * it reads anything (a transaction that read first and then wrote would fail with
		 * SQLITE_BUSY at once when another connection wrote meanwhile, busy_timeout or not). A
		 * rollback gives the number back: numbers have no gaps.
		 *
		 * Prisma's adapter begins transactions DEFERRED; tests/integration/documents shows another
		 * process issuing at the same time waits for the lock instead of failing.
		 */
		/** The number the next issuance would get now (a prediction: another issuance may take it first). */
		async nextNumber(unitId: string, year: number, type: string): Promise<number> {
			const row = await db.documentCounter.findUnique({ where: { unitId_year_series: { unitId, year, series: type } }, select: { last: true } });
			return (row?.last ?? 0) + 1;
		},

		async issue(record: DocumentRecord, hooks: IssueHooks = {}): Promise<IssuedRow> {
			const written: string[] = [];
			try {
				return await db.$transaction(async (tx) => {
					const [counter] = await tx.$queryRaw<{ last: number | bigint }[]>`
						INSERT INTO "DocumentCounter" ("unitId", "year", "series", "last") VALUES (${record.unitId}, ${record.year}, ${record.type}, 1)
						ON CONFLICT ("unitId", "year", "series") DO UPDATE SET "last" = "last" + 1
						RETURNING "last"`;
					const number = Number(counter!.last);
					const document = await tx.document.create({
						data: {
							unitId: record.unitId,
							type: record.type,
							year: record.year,
							number,
							symbol: record.symbol,
							summary: record.summary,
							documentDate: record.documentDate,
							signerName: record.signerName,
							access: record.access,
							bodyText: record.bodyText(number),
							meetingId: record.meetingId,
							minutesId: record.minutesId,
							replacesId: record.replacesId,
							issuedById: record.issuedById,
							recipients: { create: record.recipientUnitIds.map((unitId) => ({ unitId })) },
						},
						select: { id: true },
					});
					const issued: IssuedRow = { id: document.id, year: record.year, number };
					if (record.fileIds.length > 0) {
						// Only files no document has yet: a file belongs to one record.
						const { count } = await tx.storedFile.updateMany({ where: { id: { in: [...record.fileIds] }, documentId: null }, data: { documentId: document.id } });
						if (count !== record.fileIds.length) {
							throw new IssueRefused('files_not_attachable', 'A file to attach does not exist or belongs to another document');
						}
					}
					for (const file of (await hooks.makeFiles?.(issued)) ?? []) {
						const bytes = await store.write(file.data, extensionFor(file.fileName, file.mimeType));
						written.push(bytes.storedName);
						await tx.storedFile.create({
							data: {
								storedName: bytes.storedName,
								kind: file.kind,
								fileName: file.fileName,
								mimeType: file.mimeType,
								sizeBytes: bytes.sizeBytes,
								sha256: bytes.sha256,
								minutesId: file.minutesId ?? record.minutesId,
								documentId: document.id,
								createdById: file.createdById ?? record.issuedById,
							},
						});
					}
					await hooks.beforeCommit?.(tx, issued);
					return issued;
				}, ISSUE_TX);
			} catch (error) {
				// The rows went with the rollback; their bytes must go too.
				await Promise.all(written.map((name) => store.remove(name)));
				if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && `${error.message} ${JSON.stringify(error.meta ?? {})}`.includes('replacesId')) {
					throw new IssueRefused('already_replaced', 'The document was already replaced by another');
				}
				throw error;
			}
		},

		async unitsExist(ids: readonly string[]): Promise<string[]> {
			const rows = await db.unit.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
			return rows.map((row) => row.id);
		},

		async findReplaceable(id: string) {
			return db.document.findUnique({ where: { id }, select: { id: true, unitId: true, type: true, replacedBy: { select: { id: true } } } });
		},

		async unattachedFiles(ids: readonly string[]): Promise<string[]> {
			const rows = await db.storedFile.findMany({ where: { id: { in: [...ids] }, documentId: null }, select: { id: true } });
			return rows.map((row) => row.id);
		},

		/** The reader's scope from the unit tree as it is now. */
		async scopeOf(reader: Reader): Promise<ReaderScope> {
			const tree = await db.unit.findMany({ select: { id: true, parentId: true } });
			const parentOf = new Map(tree.map((unit) => [unit.id, unit.parentId]));
			const ancestors: string[] = [];
			for (let at = parentOf.get(reader.unitId) ?? null; at !== null && !ancestors.includes(at); at = parentOf.get(at) ?? null) {
				ancestors.push(at);
			}
			const below = reader.admin ? [...subtree(tree, reader.unitId)].filter((id) => id !== reader.unitId) : [];
			const root = parentOf.has(reader.unitId) && parentOf.get(reader.unitId) === null;
			return { unitId: reader.unitId, ancestors, below, all: reader.admin && root };
		},

		/** The document when the scope may read it, else null (the caller answers 404 either way). */
		async findReadable(scope: ReaderScope, id: string): Promise<DocumentDetailRow | null> {
			const rows = await db.$queryRaw<{ id: string }[]>`SELECT d."id" FROM "Document" d WHERE d."id" = ${id} AND ${readable(scope, DOCUMENT_ROW)}`;
			if (rows.length === 0) {
				return null;
			}
			return db.document.findUnique({ where: { id }, include: DETAIL });
		},

		/**
		 * One page of what the scope may read. The full-text expression (words, readers, unit, type)
		 * narrows inside the index; dates and the exact access rule are checked on the narrow key rows.
		 * Up to COUNT_CAP hits: best match first (bm25: reference, then summary, then text); beyond,
		 * newest issued first, which the index gives without ranking every hit.
		 */
		async search(scope: ReaderScope, filter: SearchFilter): Promise<{ rows: DocumentSummaryRow[]; total: number; capped: boolean }> {
			const where = Prisma.sql`${readable(scope, KEY_ROW)} AND ${keyFilters(filter)}`;
			const from =
				filter.match === null
					? Prisma.sql`"DocumentSearchKey" k`
					: Prisma.sql`"DocumentSearch" JOIN "DocumentSearchKey" k ON k."key" = "DocumentSearch"."rowid"`;
			const match = filter.match === null ? Prisma.sql`1` : Prisma.sql`"DocumentSearch" MATCH ${filter.match}`;
			const [counted] = await db.$queryRaw<{ n: number | bigint }[]>`
				SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${match} AND ${where} LIMIT ${COUNT_CAP + 1})`;
			const count = Number(counted?.n ?? 0);
			const order =
				filter.match === null
					? Prisma.sql`k."key" DESC`
					: count <= COUNT_CAP
						? Prisma.sql`bm25("DocumentSearch", 10.0, 5.0, 1.0, 0.0), "DocumentSearch"."rowid" DESC`
						: // The index's own order: it stops after the page instead of sorting every hit.
							Prisma.sql`"DocumentSearch"."rowid" DESC`;
			const page = await db.$queryRaw<{ id: string }[]>`
				SELECT k."documentId" AS id FROM ${from} WHERE ${match} AND ${where} ORDER BY ${order} LIMIT ${filter.limit} OFFSET ${filter.offset}`;
			const ids = page.map((row) => row.id);
			const found = await db.document.findMany({ where: { id: { in: ids } }, include: SUMMARY });
			const byId = new Map(found.map((row) => [row.id, row]));
			return { rows: ids.flatMap((id) => byId.get(id) ?? []), total: Math.min(count, COUNT_CAP), capped: count > COUNT_CAP };
		},
	};
}
