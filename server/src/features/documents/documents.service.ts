import type { User } from '#shared/api/auth.ts';
import {
	DOCUMENT_PAGE_SIZE,
	isDocumentSymbol,
	formatReference,
	type DocumentAccess,
	type DocumentFile,
	type DocumentSearchQuery,
	type DocumentSearchResult,
	type DocumentSignature,
	type DocumentSummary,
	type DocumentType,
	type DocumentView,
} from '#shared/api/documents.ts';
import { vietnamYear } from '#shared/time/vietnam-time.ts';
import { InvalidPayloadError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import { searchExpression, searchTerms, snippetOf } from './document-search.ts';
import {
	IssueRefused,
	type DocumentDetailRow,
	type DocumentSummaryRow,
	type DocumentsRepository,
	type NewDocumentFile,
	type Reader,
	type StoredFileRow,
	type TransactionClient,
} from './documents.repository.ts';
import { FileCorruptedError } from './file-store.ts';
import type { StoredFiles } from './stored-files.repository.ts';

/** What issuing gives back: the number is known only now. */
export type IssuedDocument = { id: string; year: number; number: number; reference: string };

export type IssueDocumentInput = {
	unitId: string;
	type: DocumentType;
	/** Ký hiệu, e.g. "BB-UBND": starts with the type. */
	symbol: string;
	summary: string;
	/** YYYY-MM-DD. */
	documentDate: string;
	signerName: string;
	access: DocumentAccess;
	recipientUnitIds: readonly string[];
	meetingId?: string | null;
	minutesId?: string | null;
	/** The whole text for the search; a function when it holds the reference ("Số: 05/BB-UBND"). */
	bodyText: string | ((reference: string) => string);
	issuedById: string;
	/** The document this one corrects (same unit and type; each is corrected at most once). */
	replacesId?: string | null;
	/** Files already stored (e.g. the signed PDF) that become the document's. */
	fileIds: readonly string[];
	/** Files made once the reference is known, recorded with the document in its transaction. */
	makeFiles?: (issued: IssuedDocument) => Promise<NewDocumentFile[]>;
};

/** Runs in the issuing transaction after the document's rows: a throw rolls everything back, the number included. */
export type BeforeCommit = (tx: TransactionClient, issued: IssuedDocument) => Promise<void> | void;

/**
 * Reads the signatures of a PDF (server/src/features/signing). Injected: the document store must
 * not depend on how signatures are checked, and tests give their own.
 */
export type VerifySignatures = (pdf: Buffer) => DocumentSignature[] | Promise<DocumentSignature[]>;

type Log = { error: (obj: object, msg: string) => void };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readerOf(user: User): Reader {
	return { unitId: user.unit.id, admin: user.role === 'admin' };
}

function summaryOf(row: DocumentSummaryRow | DocumentDetailRow, snippet: DocumentSummary['snippet']): DocumentSummary {
	return {
		id: row.id,
		reference: formatReference(row.number, row.symbol),
		type: row.type,
		year: row.year,
		number: row.number,
		symbol: row.symbol,
		summary: row.summary,
		documentDate: row.documentDate,
		unit: row.unit,
		signerName: row.signerName,
		access: row.access === 'internal' ? 'internal' : 'restricted',
		issuedAt: row.issuedAt.toISOString(),
		snippet,
	};
}

function refOf(row: { id: string; number: number; symbol: string } | null): { id: string; reference: string } | null {
	return row ? { id: row.id, reference: formatReference(row.number, row.symbol) } : null;
}

export function fileUrl(documentId: string, fileId: string): string {
	return `/api/documents/${documentId}/files/${fileId}`;
}

export type DocumentsService = ReturnType<typeof createDocumentsService>;

export function createDocumentsService(deps: { repo: DocumentsRepository; files: StoredFiles; verifySignatures: VerifySignatures | null; now?: () => Date }) {
	const { repo, files } = deps;
	const now = deps.now ?? (() => new Date());

	async function checkIssue(input: IssueDocumentInput): Promise<void> {
		if (!isDocumentSymbol(input.symbol, input.type)) {
			throw new InvalidPayloadError(`The symbol must be the type and the body's abbreviations joined by "-" (e.g. ${input.type}-UBND)`, { field: 'symbol' });
		}
		if (!DAY.test(input.documentDate) || Number.isNaN(Date.parse(`${input.documentDate}T00:00:00Z`))) {
			throw new InvalidPayloadError('The document date must be YYYY-MM-DD', { field: 'documentDate' });
		}
		if (input.summary.trim() === '') {
			throw new InvalidPayloadError('The summary is empty', { field: 'summary' });
		}
		if (input.signerName.trim() === '') {
			throw new InvalidPayloadError('The signer is not named', { field: 'signerName' });
		}
		const units = new Set([input.unitId, ...input.recipientUnitIds]);
		const known = new Set(await repo.unitsExist([...units]));
		if (!known.has(input.unitId)) {
			throw new InvalidPayloadError(`No unit ${input.unitId}`, { field: 'unitId' });
		}
		const unknown = input.recipientUnitIds.filter((id) => !known.has(id));
		if (unknown.length > 0) {
			throw new InvalidPayloadError(`No unit ${unknown.join(', ')}`, { field: 'recipientUnitIds' });
		}
		if (input.replacesId) {
			const old = await repo.findReplaceable(input.replacesId);
			if (old?.unitId !== input.unitId || old.type !== input.type) {
				throw new InvalidPayloadError('A correction replaces a document of the same unit and type', { field: 'replacesId' });
			}
			if (old.replacedBy) {
				throw new InvalidStateError('The document was already replaced by another');
			}
		}
		const free = new Set(await repo.unattachedFiles(input.fileIds));
		if (input.fileIds.some((id) => !free.has(id))) {
			throw new InvalidPayloadError('A file to attach does not exist or belongs to another document', { field: 'fileIds' });
		}
	}

	/** The signatures of each stored PDF; a file that cannot be read says why instead of failing the whole view. */
	async function fileView(documentId: string, file: StoredFileRow, log: Log): Promise<DocumentFile> {
		const base = {
			id: file.id,
			kind: file.kind,
			fileName: file.fileName,
			mimeType: file.mimeType,
			sizeBytes: file.sizeBytes,
			sha256: file.sha256,
			createdAt: file.createdAt.toISOString(),
			url: fileUrl(documentId, file.id),
		};
		if (file.mimeType !== 'application/pdf') {
			return { ...base, signatures: null, signatureError: null };
		}
		if (!deps.verifySignatures) {
			return { ...base, signatures: null, signatureError: 'Signature verification is not available on this server' };
		}
		try {
			const data = await files.store.read(file);
			return { ...base, signatures: await deps.verifySignatures(data), signatureError: null };
		} catch (error) {
			if (error instanceof FileCorruptedError) {
				log.error({ err: error, fileId: file.id, documentId }, 'stored file corrupted');
				return { ...base, signatures: null, signatureError: error.message };
			}
			return { ...base, signatures: null, signatureError: error instanceof Error ? error.message : String(error) };
		}
	}

	return {
		/**
		 * Gives the document the next number of its unit, year and type and records it, its
		 * recipients and files in one transaction (see DocumentsRepository.issue). Numbers are
		 * given at issuance only, never to drafts, so an abandoned draft leaves no hole.
		 */
		/**
		 * The reference the next issuance of this unit and type would get: slow work that must name
		 * it (signing, rendering) is done before the short issuing transaction, which checks the
		 * prediction through makeFiles and is retried when another issuance took the number.
		 */
		async nextReference(unitId: string, type: DocumentType, symbol: string): Promise<string> {
			return formatReference(await repo.nextNumber(unitId, vietnamYear(now()), type), symbol);
		},

		async issueDocument(input: IssueDocumentInput, beforeCommit?: BeforeCommit): Promise<IssuedDocument> {
			await checkIssue(input);
			const year = vietnamYear(now());
			const reference = (number: number): string => formatReference(number, input.symbol);
			const withReference = (row: { id: string; year: number; number: number }): IssuedDocument => ({ ...row, reference: reference(row.number) });
			try {
				const row = await repo.issue(
					{
						unitId: input.unitId,
						type: input.type,
						year,
						symbol: input.symbol,
						summary: input.summary.trim(),
						documentDate: input.documentDate,
						signerName: input.signerName.trim(),
						access: input.access,
						recipientUnitIds: [...new Set(input.recipientUnitIds)],
						meetingId: input.meetingId ?? null,
						minutesId: input.minutesId ?? null,
						bodyText: (number) => (typeof input.bodyText === 'function' ? input.bodyText(reference(number)) : input.bodyText),
						issuedById: input.issuedById,
						replacesId: input.replacesId ?? null,
						fileIds: input.fileIds,
					},
					{
						...(input.makeFiles ? { makeFiles: (issued) => input.makeFiles!(withReference(issued)) } : {}),
						...(beforeCommit ? { beforeCommit: (tx, issued) => beforeCommit(tx, withReference(issued)) } : {}),
					}
				);
				return withReference(row);
			} catch (error) {
				if (error instanceof IssueRefused) {
					throw error.why === 'already_replaced' ? new InvalidStateError(error.message) : new InvalidPayloadError(error.message, { field: 'fileIds' });
				}
				throw error;
			}
		},

		async search(user: User, query: DocumentSearchQuery): Promise<DocumentSearchResult> {
			const page = query.page ?? 1;
			const terms = searchTerms(query.q ?? '');
			const scope = await repo.scopeOf(readerOf(user));
			const { rows, total, capped } = await repo.search(scope, {
				match: searchExpression(terms, scope, { unitId: query.unitId, type: query.type }),
				unitId: query.unitId,
				type: query.type,
				from: query.from,
				to: query.to,
				limit: DOCUMENT_PAGE_SIZE,
				offset: (page - 1) * DOCUMENT_PAGE_SIZE,
			});
			const items = rows.map((row) => {
				const inBody = snippetOf(row.bodyText, terms);
				return summaryOf(row, inBody.length > 0 ? inBody : snippetOf(row.summary, terms));
			});
			return { items, total, totalCapped: capped, page, pageSize: DOCUMENT_PAGE_SIZE };
		},

		/** 404 for a document the user may not read, as for one that does not exist: its existence is not told. */
		async get(user: User, id: string, log: Log): Promise<DocumentView> {
			const row = await repo.findReadable(await repo.scopeOf(readerOf(user)), id);
			if (!row) {
				throw new NotFoundError('No such document');
			}
			return {
				...summaryOf(row, []),
				meetingId: row.meetingId,
				minutesId: row.minutesId,
				issuedBy: row.issuedBy,
				recipients: row.recipients.map((r) => r.unit),
				files: await Promise.all(row.files.map((file) => fileView(row.id, file, log))),
				replaces: refOf(row.replaces),
				replacedBy: refOf(row.replacedBy),
				bodyText: row.bodyText,
			};
		},

		/** A file of a readable document, its bytes checked against their SHA-256 (FileCorruptedError, logged by the caller). */
		async readFile(user: User, id: string, fileId: string): Promise<{ file: StoredFileRow; data: Buffer }> {
			const row = await repo.findReadable(await repo.scopeOf(readerOf(user)), id);
			const file = row?.files.find((f) => f.id === fileId);
			if (!file) {
				throw new NotFoundError('No such file');
			}
			return { file, data: await files.store.read(file) };
		},
	};
}
