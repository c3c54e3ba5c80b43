import { Type, type Static } from 'typebox';
import { DateTime, Uuid } from './common.ts';
import { PdfSignatureView } from './signatures.ts';

/**
 * The document store (sổ văn bản): issued documents with their number, files and readers. An
 * issued document is never changed; a correction is a new document that replaces it.
 */

/** restricted: the issuing unit and the units it is addressed to; internal: the issuing unit and every unit below it. */
export const DOCUMENT_ACCESS = ['restricted', 'internal'] as const;
export const DocumentAccess = Type.Enum(DOCUMENT_ACCESS);
export type DocumentAccess = Static<typeof DocumentAccess>;

/** Type codes of Decree 30/2020 Appendix III the store numbers; BB = biên bản. */
export const DOCUMENT_TYPES = ['BB'] as const;
export const DocumentType = Type.Enum(DOCUMENT_TYPES);
export type DocumentType = Static<typeof DocumentType>;

/** Ký hiệu: the type and the body's abbreviations joined by "-", e.g. "BB-UBND". */
export const DOCUMENT_SYMBOL_PATTERN = '^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)+$';

/** Whether `symbol` is a valid ký hiệu for a document of `type` (one rule for approval and issuance). */
export function isDocumentSymbol(symbol: string, type: DocumentType): boolean {
	return new RegExp(DOCUMENT_SYMBOL_PATTERN, 'u').test(symbol) && symbol.startsWith(`${type}-`);
}

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/** Path parameters of /api/documents/:id. */
export const DocumentParams = Type.Object({ id: Uuid });
/** Path parameters of /api/documents/:id/files/:fileId. */
export const DocumentFileParams = Type.Object({ id: Uuid, fileId: Uuid });

export const DOCUMENT_PAGE_SIZE = 20;
/** Hits are counted up to this many; past it a search lists newest first and asks to be narrowed. */
export const DOCUMENT_COUNT_CAP = 1000;

/** GET /api/documents: words (with or without marks; each a prefix), issuing unit, type, document date range, page. */
export const DocumentSearchQuery = Type.Object(
	{
		q: Type.Optional(Type.String({ maxLength: 200 })),
		unitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
		type: Type.Optional(DocumentType),
		/** Document date from (inclusive, YYYY-MM-DD). */
		from: Type.Optional(Day),
		/** Document date to (inclusive, YYYY-MM-DD). */
		to: Type.Optional(Day),
		page: Type.Optional(Type.Integer({ minimum: 1, maximum: DOCUMENT_COUNT_CAP / DOCUMENT_PAGE_SIZE, default: 1 })),
	},
	{ additionalProperties: false }
);
export type DocumentSearchQuery = Static<typeof DocumentSearchQuery>;

/** A piece of the text around a hit: `hit` pieces are the words the query matched (a client marks them). */
export const SnippetPart = Type.Object({ text: Type.String(), hit: Type.Boolean() });
export type SnippetPart = Static<typeof SnippetPart>;

const UnitRef = Type.Object({ id: Type.String(), name: Type.String() });
const DocumentRef = Type.Object({ id: Type.String(), reference: Type.String() });

export const DocumentSummary = Type.Object({
	id: Type.String(),
	/** Số, ký hiệu as printed: "05/BB-UBND". */
	reference: Type.String(),
	type: Type.String(),
	year: Type.Integer(),
	number: Type.Integer(),
	symbol: Type.String(),
	/** Trích yếu. */
	summary: Type.String(),
	documentDate: Day,
	unit: UnitRef,
	signerName: Type.String(),
	access: DocumentAccess,
	issuedAt: DateTime,
	/** The text around the first hit of the query (empty without a query). */
	snippet: Type.Array(SnippetPart),
});
export type DocumentSummary = Static<typeof DocumentSummary>;

/**
 * Up to DOCUMENT_COUNT_CAP hits: best match first (bm25; the reference weighs most, then the
 * summary). Past it, `total` stops at the cap, `totalCapped` is true and the hits come newest first.
 * Without words: newest first.
 */
export const DocumentSearchResult = Type.Object({
	items: Type.Array(DocumentSummary),
	total: Type.Integer(),
	totalCapped: Type.Boolean(),
	page: Type.Integer(),
	pageSize: Type.Integer(),
});
export type DocumentSearchResult = Static<typeof DocumentSearchResult>;

/** One signature found in a PDF file (server/src/features/signing verifies it). */
export const DocumentSignature = PdfSignatureView;
export type DocumentSignature = PdfSignatureView;

export const DocumentFile = Type.Object({
	id: Type.String(),
	/** approved-pdf | signed-pdf | docx | … */
	kind: Type.String(),
	fileName: Type.String(),
	mimeType: Type.String(),
	sizeBytes: Type.Integer(),
	sha256: Type.String(),
	createdAt: DateTime,
	url: Type.String(),
	/** The PDF's signatures; null for a file that is not a PDF. */
	signatures: Type.Union([Type.Array(DocumentSignature), Type.Null()]),
	/** Why the signatures could not be read (a damaged file), else null. */
	signatureError: Type.Union([Type.String(), Type.Null()]),
});
export type DocumentFile = Static<typeof DocumentFile>;

export const DocumentView = Type.Object({
	...DocumentSummary.properties,
	meetingId: Type.Union([Type.String(), Type.Null()]),
	minutesId: Type.Union([Type.String(), Type.Null()]),
	issuedBy: Type.Object({ id: Type.String(), displayName: Type.String() }),
	recipients: Type.Array(UnitRef),
	files: Type.Array(DocumentFile),
	/** The document this one corrects, and the one that corrected this one. */
	replaces: Type.Union([DocumentRef, Type.Null()]),
	replacedBy: Type.Union([DocumentRef, Type.Null()]),
	/** The whole document as text (what the search reads). */
	bodyText: Type.String(),
});
export type DocumentView = Static<typeof DocumentView>;

/** Number + symbol as printed: numbers below 10 get a leading 0 (Decree 30/2020, Appendix I). */
export function formatReference(number: number, symbol: string): string {
	return `${String(number).padStart(2, '0')}/${symbol}`;
}
