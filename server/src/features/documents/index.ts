import { dirname } from 'node:path';
import type { DocumentType } from '#shared/api/documents.ts';
import fp from 'fastify-plugin';
import { createDocumentsRepository } from './documents.repository.ts';
import { documentsRoutes } from './documents.routes.ts';
import { createDocumentsService, type BeforeCommit, type IssueDocumentInput, type IssuedDocument, type VerifySignatures } from './documents.service.ts';
import { FileStore } from './file-store.ts';
import { createStoredFiles, type StoredFiles } from './stored-files.repository.ts';

export { FileCorruptedError, FileStore } from './file-store.ts';
export type { BeforeCommit, IssueDocumentInput, IssuedDocument, VerifySignatures } from './documents.service.ts';
export type { NewDocumentFile } from './documents.repository.ts';
export type { NewStoredFile, StoredFiles } from './stored-files.repository.ts';

/** What the other features use: the file store and issuance. */
export type DocumentStore = {
	/** StoredFile rows and their bytes (saveFile, readFile with its SHA-256 check, removeFile). */
	files: StoredFiles;
	issueDocument(input: IssueDocumentInput, beforeCommit?: BeforeCommit): Promise<IssuedDocument>;
	nextReference(unitId: string, type: DocumentType, symbol: string): Promise<string>;
};

declare module 'fastify' {
	interface FastifyInstance {
		/** Issued documents and the stored files of minutes and documents (one per app). */
		documents: DocumentStore;
	}
}

export type DocumentsOptions = {
	/** How PDF signatures are read for the document view; without it the view says verification is unavailable. */
	verifySignatures?: VerifySignatures;
};

/**
 * The document store: numbering, issuance, full-text search, access by unit and role, files
 * checked on every read. App-wide (fastify-plugin) for fastify.documents, which the minutes
 * workflow issues through.
 */
export default fp<DocumentsOptions>(
	async (fastify, options) => {
		const store = new FileStore(dirname(fastify.config.databaseFile));
		const files = createStoredFiles(fastify.db, store);
		const repo = createDocumentsRepository(fastify.db, store);
		const service = createDocumentsService({ repo, files, verifySignatures: options.verifySignatures ?? null });
		fastify.decorate('documents', {
			files,
			issueDocument: (input, beforeCommit) => service.issueDocument(input, beforeCommit),
			nextReference: (unitId, type, symbol) => service.nextReference(unitId, type, symbol),
		});
		await fastify.register(documentsRoutes(service));
	},
	{ name: 'documents', dependencies: ['database', 'auth'] }
);
