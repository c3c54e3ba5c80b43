import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '#shared/api/common.ts';
import { MeetingParams } from '#shared/api/meetings.ts';
import {
	MinutesContentReply,
	MinutesIssueInput,
	MinutesParams,
	MinutesProblems,
	MinutesReturnInput,
	MinutesVersionContent,
	MinutesVersionParams,
	MinutesVersionView,
	MinutesView,
} from '#shared/api/minutes.ts';
import { InvalidPayloadError } from '../../lib/errors.ts';
import { attachmentDisposition } from '../attachments/content-disposition.ts';
import { userOf } from '../auth/auth-plugin.ts';
import type { MinutesService } from './minutes.service.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

/** A signed PDF of minutes is a few hundred kB; a token tool may embed certificate chains. */
const MAX_SIGNED_UPLOAD_BYTES = 20 * 1024 * 1024;

function sendFile(reply: FastifyReply, file: { data: Buffer; fileName: string; mimeType: string }, inline = false) {
	return reply
		.type(file.mimeType)
		.header('cache-control', 'private, no-store')
		.header('content-disposition', inline ? attachmentDisposition(file.fileName).replace(/^attachment/, 'inline') : attachmentDisposition(file.fileName))
		.send(file.data);
}

const minutesRoutes: FastifyPluginAsyncTypebox<{ service: MinutesService }> = async (fastify, { service }) => {
	// The signed PDF comes back as the request body (what a token-signing tool's upload handler posts).
	fastify.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_SIGNED_UPLOAD_BYTES }, (_request, body, done) => done(null, body));
	const ctx = (request: Parameters<typeof userOf>[0]) => ({ user: userOf(request), address: request.ip });
	const tags = ['minutes'];

	fastify.post(
		'/api/meetings/:id/minutes',
		{ schema: { tags, summary: 'Draft the minutes from the meeting (agenda, attendance, transcript)', params: MeetingParams, response: { 201: MinutesView, ...errors } } },
		async (request, reply) => reply.code(201).send(await service.create(ctx(request), request.params.id))
	);
	fastify.get(
		'/api/meetings/:id/minutes',
		{ schema: { tags, summary: 'The meeting’s minutes, if drafted', params: MeetingParams, response: { 200: MinutesView, ...errors } } },
		async (request) => service.getForMeeting(userOf(request), request.params.id)
	);
	fastify.get('/api/minutes/:id', { schema: { tags, params: MinutesParams, response: { 200: MinutesView, ...errors } } }, async (request) => service.get(userOf(request), request.params.id));
	fastify.get(
		'/api/minutes/:id/content',
		{ schema: { tags, summary: 'The current content as canonical JSON', params: MinutesParams, response: { 200: MinutesContentReply, ...errors } } },
		async (request, reply) => {
			reply.header('cache-control', 'private, no-store');
			return service.content(userOf(request), request.params.id);
		}
	);
	fastify.get(
		'/api/minutes/:id/problems',
		{ schema: { tags, summary: 'What blocks approval: required parts missing or invalid', params: MinutesParams, response: { 200: MinutesProblems, ...errors } } },
		async (request) => ({ problems: await service.problems(userOf(request), request.params.id) })
	);

	fastify.post('/api/minutes/:id/submit', { schema: { tags, params: MinutesParams, response: { 200: MinutesView, ...errors } } }, async (request) => service.submit(ctx(request), request.params.id));
	fastify.post(
		'/api/minutes/:id/return',
		{ schema: { tags, summary: 'The chair returns the minutes for changes, with a comment', params: MinutesParams, body: MinutesReturnInput, response: { 200: MinutesView, ...errors } } },
		async (request) => service.returnForChanges(ctx(request), request.params.id, request.body.comment)
	);
	fastify.post('/api/minutes/:id/approve', { schema: { tags, params: MinutesParams, response: { 200: MinutesView, ...errors } } }, async (request) => service.approve(ctx(request), request.params.id));
	fastify.post(
		'/api/minutes/:id/sign',
		{ schema: { tags, summary: 'Sign the approved PDF with the unit’s certificate on the server', params: MinutesParams, response: { 200: MinutesView, ...errors } } },
		async (request) => service.sign(ctx(request), request.params.id)
	);
	fastify.get(
		'/api/minutes/:id/sign-file',
		{ schema: { tags, summary: 'The approved PDF, to sign with a USB token', params: MinutesParams } },
		async (request, reply) => sendFile(reply, await service.fileToSign(userOf(request), request.params.id))
	);
	fastify.post(
		'/api/minutes/:id/signed-file',
		{
			schema: {
				tags,
				summary: 'Bring back the approved PDF signed with a token (body: application/pdf)',
				params: MinutesParams,
				body: Type.Unknown(),
				response: { 200: MinutesView, ...errors },
			},
		},
		async (request) => {
			if (!Buffer.isBuffer(request.body)) {
				throw new InvalidPayloadError('Send the signed PDF as the body with Content-Type: application/pdf');
			}
			return service.uploadSigned(ctx(request), request.params.id, request.body);
		}
	);
	fastify.post(
		'/api/minutes/:id/issue',
		{ schema: { tags, summary: 'Number, file and publish the signed minutes in the document store', params: MinutesParams, body: MinutesIssueInput, response: { 200: MinutesView, ...errors } } },
		async (request) => service.issue(ctx(request), request.params.id, request.body)
	);

	fastify.get(
		'/api/minutes/:id/preview',
		{ schema: { tags, summary: 'HTML preview in the print layout', params: MinutesParams } },
		async (request, reply) =>
			reply
				.type('text/html; charset=utf-8')
				.header('cache-control', 'private, no-store')
				// Shown in a sandboxed frame of our own page; the preview runs no script and loads nothing.
				.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
				.send(await service.preview(userOf(request), request.params.id))
	);
	fastify.get('/api/minutes/:id/pdf', { schema: { tags, params: MinutesParams } }, async (request, reply) => sendFile(reply, await service.renderFile(userOf(request), request.params.id, 'pdf'), true));
	fastify.get('/api/minutes/:id/docx', { schema: { tags, params: MinutesParams } }, async (request, reply) => sendFile(reply, await service.renderFile(userOf(request), request.params.id, 'docx')));
	fastify.get(
		'/api/minutes/:id/files/:fileId',
		{ schema: { tags, params: Type.Object({ id: Type.String({ format: 'uuid' }), fileId: Type.String({ format: 'uuid' }) }) } },
		async (request, reply) => sendFile(reply, await service.file(userOf(request), request.params.id, request.params.fileId))
	);

	fastify.get(
		'/api/minutes/:id/versions',
		{ schema: { tags, params: MinutesParams, response: { 200: Type.Array(MinutesVersionView), ...errors } } },
		async (request) => service.versions(userOf(request), request.params.id)
	);
	fastify.get(
		'/api/minutes/:id/versions/:versionId',
		{ schema: { tags, params: MinutesVersionParams, response: { 200: MinutesVersionContent, ...errors } } },
		async (request) => service.version(userOf(request), request.params.id, request.params.versionId)
	);
	fastify.post(
		'/api/minutes/:id/versions/:versionId/restore',
		{ schema: { tags, summary: 'Make the draft equal to an old version (a new change; history is kept)', params: MinutesVersionParams, response: { 200: MinutesView, ...errors } } },
		async (request) => service.restore(ctx(request), request.params.id, request.params.versionId)
	);
};

export default minutesRoutes;
