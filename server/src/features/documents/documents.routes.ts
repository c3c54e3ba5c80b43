import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '#shared/api/common.ts';
import { DocumentFileParams, DocumentParams, DocumentSearchQuery, DocumentSearchResult, DocumentView } from '#shared/api/documents.ts';
import { attachmentDisposition } from '../attachments/content-disposition.ts';
import { userOf } from '../auth/auth-plugin.ts';
import type { DocumentsService } from './documents.service.ts';
import { FileCorruptedError } from './file-store.ts';

const errors = { 400: ApiError, 401: ApiError, 404: ApiError, 500: ApiError };

/**
 * The document store, read-only: an issued document is never changed (a correction is issued as
 * a new document that replaces it), so there is no update or delete route.
 */
export function documentsRoutes(service: DocumentsService): FastifyPluginAsyncTypebox {
	return async (fastify) => {
		fastify.get(
			'/api/documents',
			{
				schema: {
					tags: ['documents'],
					summary: 'Search the issued documents the user may read (words with or without marks, each a prefix; issuing unit, type, date range)',
					querystring: DocumentSearchQuery,
					response: { 200: DocumentSearchResult, ...errors },
				},
			},
			async (request) => service.search(userOf(request), request.query)
		);

		fastify.get(
			'/api/documents/:id',
			{
				schema: {
					tags: ['documents'],
					summary: 'One issued document: metadata, recipients, files with their signatures, corrections',
					params: DocumentParams,
					response: { 200: DocumentView, ...errors },
				},
			},
			async (request) => service.get(userOf(request), request.params.id, request.log)
		);

		fastify.get(
			'/api/documents/:id/files/:fileId',
			{ schema: { tags: ['documents'], summary: 'Download a file of an issued document (checked against its SHA-256 first)', params: DocumentFileParams } },
			async (request, reply) => {
				try {
					const { file, data } = await service.readFile(userOf(request), request.params.id, request.params.fileId);
					return await reply
						.type(file.mimeType)
						.header('content-disposition', attachmentDisposition(file.fileName))
						.header('x-content-sha256', file.sha256)
						.header('cache-control', 'private, no-store')
						.send(data);
				} catch (error) {
					if (error instanceof FileCorruptedError) {
						request.log.error({ err: error, documentId: request.params.id, fileId: request.params.fileId }, 'stored file corrupted: not served');
					}
					throw error;
				}
			}
		);
	};
}
