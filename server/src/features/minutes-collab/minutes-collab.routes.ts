import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '#shared/api/common.ts';
import { MinutesParams } from '#shared/api/minutes.ts';
import { InvalidPayloadError } from '../../lib/errors.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { editable, readable, type MinutesCollabContext } from './minutes-collab.handlers.ts';
import { MAX_UPDATE_BYTES } from './minutes-collab.ts';

/** Reply of POST /api/minutes/:id/updates: the seq the update was stored as. */
export const MinutesUpdateAck = Type.Object({ seq: Type.Integer() });

const OCTET_STREAM = 'application/octet-stream';
const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 413: ApiError };

/**
 * What does not fit a socket message (capped at 64 KiB): the initial state and large updates (a
 * pasted report). Encapsulated, so the octet-stream parser serves these routes only.
 */
export function minutesCollabRoutes(ctx: MinutesCollabContext): FastifyPluginAsyncTypebox {
	return async (fastify) => {
		fastify.addContentTypeParser(OCTET_STREAM, { parseAs: 'buffer', bodyLimit: MAX_UPDATE_BYTES }, (_request, body, done) => {
			done(null, body);
		});

		fastify.get(
			'/api/minutes/:id/state',
			{
				schema: {
					tags: ['minutes'],
					summary: 'The whole shared document as one Yjs update (binary); X-Minutes-Seq names the last stored update it includes',
					params: MinutesParams,
				},
			},
			async (request, reply) => {
				await readable(ctx.access(), userOf(request), request.params.id);
				const { state, seq } = await ctx.collab.getState(request.params.id);
				return reply
					.type(OCTET_STREAM)
					.header('x-minutes-seq', String(seq))
					.header('cache-control', 'no-store')
					.send(Buffer.from(state.buffer, state.byteOffset, state.byteLength));
			}
		);

		fastify.post(
			'/api/minutes/:id/updates',
			{
				bodyLimit: MAX_UPDATE_BYTES,
				schema: {
					tags: ['minutes'],
					summary: `Store one Yjs update (application/octet-stream, at most ${MAX_UPDATE_BYTES / 1024 / 1024} MiB); answered once it is stored`,
					params: MinutesParams,
					response: { 200: MinutesUpdateAck, ...errors },
				},
			},
			async (request) => {
				const user = userOf(request);
				await editable(ctx.access(), user, request.params.id);
				const body: unknown = request.body;
				if (!Buffer.isBuffer(body) || body.byteLength === 0) {
					throw new InvalidPayloadError(`Send the update as ${OCTET_STREAM}`);
				}
				return ctx.collab.applyUpdate(request.params.id, new Uint8Array(body.buffer, body.byteOffset, body.byteLength), user.id, null);
			}
		);
	};
}
