import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '#shared/api/common.ts';
import {
	AttendanceEntry,
	DateRange,
	InvitationParams,
	JoinLink,
	MeetingActionEntry,
	MeetingDetail,
	MeetingInput,
	MeetingParams,
	MeetingSummary,
	MeetingWithLinks,
	RollCallEntry,
} from '#shared/api/meetings.ts';
import { InvalidPayloadError } from '../../lib/errors.ts';
import { publicOrigin } from '../../lib/public-origin.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { createMeetingsRepository } from './meetings.repository.ts';
import { rollCallCsv } from './roll-call.ts';
import { createMeetingsService } from './meetings.service.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

const DAY = 24 * 60 * 60 * 1000;

function range(query: { from?: string | undefined; to?: string | undefined }): { from: Date; to: Date } {
	const from = query.from ? new Date(query.from) : new Date(Date.now() - 30 * DAY);
	const to = query.to ? new Date(query.to) : new Date(from.getTime() + 400 * DAY);
	if (!(to > from) || to.getTime() - from.getTime() > 800 * DAY) {
		throw new InvalidPayloadError('from/to must be an increasing range of at most 800 days');
	}
	return { from, to };
}

const meetingsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
	const repository = createMeetingsRepository(fastify.db);
	const serviceFor = (request: FastifyRequest) => {
		// Links use PUBLIC_URL or a trusted Host, never any Host (lib/public-origin.ts). A write is
		// refused before it changes anything if the links in its answer could not be built.
		const origin = () => publicOrigin(request, fastify.config);
		if (request.method !== 'GET') {
			origin();
		}
		return createMeetingsService(repository, {
			publicUrl: origin,
			access: fastify.accessEvents,
			address: request.ip,
		});
	};

	fastify.get(
		'/api/meetings',
		{ schema: { tags: ['meetings'], summary: 'Meetings the user’s unit hosts or is invited to', querystring: DateRange, response: { 200: Type.Array(MeetingSummary), ...errors } } },
		async (request) => {
			const { from, to } = range(request.query);
			return serviceFor(request).list(userOf(request), from, to);
		}
	);

	fastify.post(
		'/api/meetings',
		{
			schema: {
				tags: ['meetings'],
				summary: 'Schedule a meeting (administrator of the host unit); returns one join link per invited unit',
				body: MeetingInput,
				response: { 201: MeetingWithLinks, ...errors },
			},
		},
		async (request, reply) => reply.code(201).send(await serviceFor(request).create(userOf(request), request.body))
	);

	fastify.get(
		'/api/meetings/:id',
		{ schema: { tags: ['meetings'], params: MeetingParams, response: { 200: MeetingDetail, ...errors } } },
		async (request) => serviceFor(request).get(userOf(request), request.params.id)
	);

	fastify.put(
		'/api/meetings/:id',
		{
			schema: {
				tags: ['meetings'],
				summary: 'Replace a scheduled meeting’s details, agenda and invited units; returns links for newly invited units',
				params: MeetingParams,
				body: MeetingInput,
				response: { 200: MeetingWithLinks, ...errors },
			},
		},
		async (request) => serviceFor(request).update(userOf(request), request.params.id, request.body)
	);

	fastify.post(
		'/api/meetings/:id/cancel',
		{ schema: { tags: ['meetings'], params: MeetingParams, response: { 200: MeetingDetail, ...errors } } },
		async (request) => serviceFor(request).cancel(userOf(request), request.params.id)
	);

	fastify.post(
		'/api/meetings/:id/invitations/:unitId/link',
		{
			schema: {
				tags: ['meetings'],
				summary: 'Issue a new join link for an invited unit (the old one stops working)',
				params: InvitationParams,
				response: { 200: JoinLink, ...errors },
			},
		},
		async (request) => serviceFor(request).renewJoinLink(userOf(request), request.params.id, request.params.unitId)
	);

	fastify.get(
		'/api/meetings/:id/attendance',
		{ schema: { tags: ['meetings'], params: MeetingParams, response: { 200: Type.Array(AttendanceEntry), ...errors } } },
		async (request) => serviceFor(request).attendance(userOf(request), request.params.id)
	);

	fastify.get(
		'/api/meetings/:id/roll-call',
		{ schema: { tags: ['meetings'], summary: 'Roll call per unit: attended or not, first join, last leave, minutes, disconnections', params: MeetingParams, response: { 200: Type.Array(RollCallEntry), ...errors } } },
		async (request) => serviceFor(request).rollCall(userOf(request), request.params.id)
	);

	fastify.get(
		'/api/meetings/:id/roll-call.csv',
		{ schema: { tags: ['meetings'], summary: 'The roll call as CSV (UTF-8 with BOM, for Excel and LibreOffice)', params: MeetingParams } },
		async (request, reply) => {
			const entries = await serviceFor(request).rollCall(userOf(request), request.params.id);
			return reply
				.type('text/csv; charset=utf-8')
				.header('content-disposition', `attachment; filename="diem-danh-${request.params.id}.csv"`)
				.send(rollCallCsv(entries));
		}
	);

	fastify.get(
		'/api/meetings/:id/actions',
		{ schema: { tags: ['meetings'], summary: 'Chair and admin actions, with who and when', params: MeetingParams, response: { 200: Type.Array(MeetingActionEntry), ...errors } } },
		async (request) => serviceFor(request).actions(userOf(request), request.params.id)
	);

	fastify.get(
		'/api/meetings/:id/calendar.ics',
		{ schema: { tags: ['calendar'], params: MeetingParams } },
		async (request, reply) => {
			const ics = await serviceFor(request).meetingIcs(userOf(request), request.params.id);
			return reply.type('text/calendar; charset=utf-8').header('content-disposition', `attachment; filename="meeting-${request.params.id}.ics"`).send(ics);
		}
	);

	fastify.get(
		'/api/calendar.ics',
		{ schema: { tags: ['calendar'], summary: 'Every meeting of the user’s unit', querystring: DateRange } },
		async (request, reply) => {
			const { from, to } = range(request.query);
			const ics = await serviceFor(request).unitIcs(userOf(request), from, to);
			return reply.type('text/calendar; charset=utf-8').header('content-disposition', 'attachment; filename="giaoban.ics"').send(ics);
		}
	);
};

export default meetingsRoutes;
