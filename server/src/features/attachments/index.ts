import { dirname } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Attachment, AttachmentParams } from '#shared/api/attachments.ts';
import { ApiError } from '#shared/api/common.ts';
import { MeetingParams } from '#shared/api/meetings.ts';
import { AppError, ForbiddenError, InvalidPayloadError, NotFoundError, type AppErrorOptions } from '../../lib/errors.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { createMeetingsService } from '../meetings/meetings.service.ts';
import { AttachmentStore } from './attachment-store.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { createAttachmentsRepository } from './attachments.repository.ts';
import { ACCEPTED_EXTENSIONS, cleanFileName, detectFileType } from './file-types.ts';

const MAX_PER_MEETING = 50;

class PayloadTooLargeError extends AppError {
	constructor(message: string, options?: AppErrorOptions) {
		super('payload_too_large', message, 413, options);
	}
}

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 413: ApiError };

/** Meeting documents: uploaded by the host unit's admin, readable by every unit that sees the meeting. */
const attachments: FastifyPluginAsyncTypebox = async (fastify) => {
	const maxBytes = fastify.config.attachmentMaxBytes;
	await fastify.register(fastifyMultipart, { limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } });
	const store = new AttachmentStore(dirname(fastify.config.databaseFile));
	const repo = createAttachmentsRepository(fastify.db);
	const meetingsRepo = createMeetingsRepository(fastify.db);
	// Per request: the action log records the requester's address.
	const meetingsFor = (request: FastifyRequest) => createMeetingsService(meetingsRepo, { publicUrl: () => '', address: request.ip });
	const meetingFor = (request: FastifyRequest, id: string) => meetingsFor(request).get(userOf(request), id);

	fastify.post(
		'/api/meetings/:id/attachments',
		{
			schema: {
				tags: ['attachments'],
				summary: `Upload one document (multipart field "file"; ${ACCEPTED_EXTENSIONS.join(', ')})`,
				params: MeetingParams,
				response: { 201: Attachment, ...errors },
			},
		},
		async (request, reply) => {
			const user = userOf(request);
			const meeting = await meetingFor(request, request.params.id);
			if (!meeting.permissions.manage) {
				throw new ForbiddenError('Only an administrator of the host unit adds documents');
			}
			if ((await repo.countForMeeting(meeting.id)) >= MAX_PER_MEETING) {
				throw new InvalidPayloadError(`A meeting holds at most ${MAX_PER_MEETING} documents`, { reason: 'too_many_files', field: 'file' });
			}
			if (!request.isMultipart()) {
				throw new InvalidPayloadError('Send the document as multipart/form-data with a field named "file"');
			}
			const part = await request.file();
			if (part?.fieldname !== 'file') {
				throw new InvalidPayloadError('Send the document in a field named "file"');
			}
			const received = await store.receive(part.file);
			if (part.file.truncated) {
				await store.discard(received.tempPath);
				throw new PayloadTooLargeError(`The document is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`, { field: 'file' });
			}
			const originalName = cleanFileName(part.filename);
			if (received.sizeBytes === 0) {
				await store.discard(received.tempPath);
				throw new InvalidPayloadError('The document is empty', { reason: 'file_empty', field: 'file' });
			}
			const type = detectFileType(originalName, received.head);
			if (!type) {
				await store.discard(received.tempPath);
				throw new InvalidPayloadError(`Not an accepted document (${ACCEPTED_EXTENSIONS.join(', ')}), or its content does not match its name`, {
					reason: 'file_type_not_accepted',
					field: 'file',
				});
			}
			const storedName = await store.commit(received.tempPath);
			try {
				const row = await repo.create({
					meetingId: meeting.id,
					originalName,
					storedName,
					mimeType: type.mimeType,
					sizeBytes: received.sizeBytes,
					sha256: received.sha256,
					uploadedById: user.id,
				});
				await meetingsFor(request).logAction(meeting.id, user.id, 'attachment.added', null, originalName);
				request.log.info({ meetingId: meeting.id, attachmentId: row.id, sizeBytes: received.sizeBytes }, 'attachment uploaded');
				return await reply.code(201).send({ id: row.id, originalName, mimeType: type.mimeType, sizeBytes: received.sizeBytes, createdAt: row.createdAt.toISOString() });
			} catch (error) {
				await store.discard(storedName);
				throw error;
			}
		}
	);

	fastify.get(
		'/api/meetings/:id/attachments/:attachmentId',
		{ schema: { tags: ['attachments'], summary: 'Download a document', params: AttachmentParams } },
		async (request, reply) => {
			const meeting = await meetingFor(request, request.params.id);
			const file = await repo.find(meeting.id, request.params.attachmentId);
			if (!file) {
				throw new NotFoundError('No such document');
			}
			return reply
				.type(file.mimeType)
				.header('content-length', file.sizeBytes)
				.header('content-disposition', attachmentDisposition(file.originalName))
				.send(store.open(file.storedName));
		}
	);

	fastify.delete(
		'/api/meetings/:id/attachments/:attachmentId',
		{ schema: { tags: ['attachments'], params: AttachmentParams, response: { 204: Type.Null(), ...errors } } },
		async (request, reply) => {
			const user = userOf(request);
			const meeting = await meetingFor(request, request.params.id);
			if (!meeting.permissions.manage) {
				throw new ForbiddenError('Only an administrator of the host unit removes documents');
			}
			const file = await repo.find(meeting.id, request.params.attachmentId);
			if (!file) {
				throw new NotFoundError('No such document');
			}
			await repo.delete(file.id);
			await store.discard(file.storedName);
			await meetingsFor(request).logAction(meeting.id, user.id, 'attachment.removed', null, file.originalName);
			return reply.code(204).send(null);
		}
	);
};

export default attachments;
