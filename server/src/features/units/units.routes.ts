import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '#shared/api/common.ts';
import { ManagedUnit, UnitCreateInput, UnitImportInput, UnitImportResult, UnitMergeInput, UnitParams, UnitUpdateInput } from '#shared/api/units.ts';
import { userOf } from '../auth/auth-plugin.ts';
import { createUnitsService } from './units.service.ts';
import type { UnitsRepository } from './units.repository.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

/** A 2000-row file of Vietnamese text (two to three bytes a letter) in JSON is well above the app's 1 MiB. */
const IMPORT_BODY_LIMIT = 4 * 1024 * 1024;

const unitsRoutes: FastifyPluginAsyncTypebox<{ repository: UnitsRepository }> = async (fastify, { repository }) => {
	const service = createUnitsService({
		units: repository,
		events: fastify.accessEvents,
		endSessionsOf: (userId, reason) => fastify.auth.endSessionsOf(userId, reason),
		log: fastify.log,
	});

	fastify.get(
		'/api/units',
		{
			schema: {
				tags: ['units'],
				summary: 'The administrator’s unit and every unit below it (administrator)',
				response: { 200: Type.Array(ManagedUnit), ...errors },
			},
		},
		async (request) => service.list(userOf(request))
	);

	fastify.post(
		'/api/units',
		{
			schema: {
				tags: ['units'],
				summary: 'Create a member unit below a unit the administrator manages',
				body: UnitCreateInput,
				response: { 201: ManagedUnit, ...errors },
			},
		},
		async (request, reply) => {
			const admin = userOf(request);
			const unit = await service.create(admin, request.body);
			await fastify.audit.record('unit.created', {
				actorId: admin.id,
				unitId: admin.unit.id,
				address: request.ip,
				detail: { unitId: unit.id, name: unit.name, kind: unit.kind, parentId: unit.parentId ?? '', code: unit.code ?? '' },
			});
			return reply.code(201).send(unit);
		}
	);

	fastify.patch(
		'/api/units/:id',
		{
			schema: {
				tags: ['units'],
				summary: 'Rename a unit or change its level, issuing-body line or code',
				params: UnitParams,
				body: UnitUpdateInput,
				response: { 200: ManagedUnit, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const { unit, changes } = await service.update(admin, request.params.id, request.body);
			if (changes.length > 0) {
				const detail: Record<string, string> = { unitId: unit.id, fields: changes.map((c) => c.field).join(',') };
				for (const { field, from, to } of changes) {
					detail[field] = to ?? '';
					detail[`${field}Before`] = from ?? '';
				}
				await fastify.audit.record('unit.updated', { actorId: admin.id, unitId: admin.unit.id, address: request.ip, detail });
			}
			return unit;
		}
	);

	fastify.post(
		'/api/units/:id/deactivate',
		{
			schema: {
				tags: ['units'],
				summary: 'Deactivate a unit: no longer invited to meetings (refused while it has enabled accounts or invitations to meetings not yet held)',
				params: UnitParams,
				response: { 200: ManagedUnit, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const { unit, changed } = await service.deactivate(admin, request.params.id);
			if (changed) {
				await fastify.audit.record('unit.deactivated', { actorId: admin.id, unitId: admin.unit.id, address: request.ip, detail: { unitId: unit.id, name: unit.name } });
			}
			return unit;
		}
	);

	fastify.post(
		'/api/units/:id/activate',
		{
			schema: {
				tags: ['units'],
				summary: 'Activate a deactivated unit again (not one that was merged)',
				params: UnitParams,
				response: { 200: ManagedUnit, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const { unit, changed } = await service.activate(admin, request.params.id);
			if (changed) {
				await fastify.audit.record('unit.activated', { actorId: admin.id, unitId: admin.unit.id, address: request.ip, detail: { unitId: unit.id, name: unit.name } });
			}
			return unit;
		}
	);

	fastify.post(
		'/api/units/:id/merge',
		{
			schema: {
				tags: ['units'],
				summary:
					'Merge sibling member units into this one: accounts (their administrators become viewers) and invitations to meetings not yet held move here, history stays listed',
				params: UnitParams,
				body: UnitMergeInput,
				response: { 200: ManagedUnit, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const { unit, usersMoved, adminsDemoted, invitationsMoved, invitationsRevoked } = await service.merge(admin, request.params.id, request.body.sourceIds);
			await fastify.audit.record('unit.merged', {
				actorId: admin.id,
				unitId: admin.unit.id,
				address: request.ip,
				detail: { unitId: unit.id, name: unit.name, sourceIds: request.body.sourceIds.join(','), usersMoved, adminsDemoted, invitationsMoved, invitationsRevoked },
			});
			return unit;
		}
	);

	fastify.post(
		'/api/units/import',
		{
			bodyLimit: IMPORT_BODY_LIMIT,
			// Each call parses up to 2000 rows and reads the whole unit table: a person previews a few times.
			config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
			schema: {
				tags: ['units'],
				summary: 'Preview (confirm: false) or import (confirm: true, all rows or none) member units from CSV text',
				body: UnitImportInput,
				response: { 200: UnitImportResult, ...errors },
			},
		},
		async (request) => {
			const admin = userOf(request);
			const result = await service.import(admin, request.body);
			if (result.imported > 0) {
				await fastify.audit.record('units.imported', {
					actorId: admin.id,
					unitId: admin.unit.id,
					address: request.ip,
					detail: { parentId: request.body.parentId, count: result.imported },
				});
			}
			return result;
		}
	);
};

export default unitsRoutes;
