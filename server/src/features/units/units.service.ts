import type { User } from '#shared/api/auth.ts';
import { isHostKind, isMemberKind, type ManagedUnit, type UnitCreateInput, type UnitImportInput, type UnitImportResult, type UnitUpdateInput } from '#shared/api/units.ts';
import type { AccessEventBus } from '../../domain/access-events.ts';
import { subtree } from '../../domain/unit-tree.ts';
import { ForbiddenError, InvalidPayloadError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import { cleanText, freeId, nameKey } from '../../domain/unit-names.ts';
import { previewImport } from './units-import.ts';
import type { UniqueConflict, UnitsRepository } from './units.repository.ts';

export type UnitsServiceDeps = {
	units: UnitsRepository;
	/** Tells live rooms that invitations changed (a merge moves or revokes the sources'). */
	events: Pick<AccessEventBus, 'publish'>;
	/** Ends a user's sessions and disconnects their sockets (accounts moved by a merge). */
	endSessionsOf: (userId: string, reason: 'account-changed') => Promise<number>;
	/** Where a merge's follow-ups that failed are reported (the merge itself is stored by then). */
	log: { error: (obj: object, msg: string) => void };
	now?: () => Date;
};

export type UnitsService = ReturnType<typeof createUnitsService>;

export type UnitFieldChange = { field: 'kind' | 'name' | 'authority' | 'code'; from: string | null; to: string | null };

export type MergeResult = {
	unit: ManagedUnit;
	usersMoved: number;
	/** Moved administrators made viewers. */
	adminsDemoted: number;
	invitationsMoved: number;
	invitationsRevoked: number;
};

function isConflict(result: ManagedUnit | UniqueConflict): result is UniqueConflict {
	return 'conflict' in result;
}

function codeTaken(code: string): InvalidStateError {
	return new InvalidStateError(`The code ${code} is already used by another unit`, { reason: 'unit_code_taken', field: 'code' });
}

function nameTaken(name: string): InvalidStateError {
	return new InvalidStateError(`A unit named ${name} already exists at this level`, { reason: 'unit_name_taken', field: 'name' });
}

function required(text: string, field: string): string {
	const clean = cleanText(text);
	if (clean === '') {
		throw new InvalidPayloadError(`${field} must not be blank`, { field });
	}
	return clean;
}

/**
 * Administration of the unit tree. An administrator manages its own unit and every unit below it;
 * any other id is answered as missing, so that ids outside reveal nothing.
 *
 * Names are unique among the parent's ACTIVE units, ignoring case and spacing but not diacritics:
 * a merged (inactive) commune's name is often the new one's.
 */
export function createUnitsService({ units, events, endSessionsOf, log, now = () => new Date() }: UnitsServiceDeps) {
	async function managedIds(admin: User): Promise<Set<string>> {
		if (admin.role !== 'admin') {
			throw new ForbiddenError('Only an administrator manages units');
		}
		return subtree(await units.listTree(), admin.unit.id);
	}

	async function managed(admin: User, id: string): Promise<ManagedUnit> {
		const ids = await managedIds(admin);
		const unit = ids.has(id) ? await units.findManaged(id) : null;
		if (!unit) {
			throw new NotFoundError(`No unit ${id}`, { reason: 'unit_not_managed' });
		}
		return unit;
	}

	return {
		/** The administrator's unit first, then every unit below it in Vietnamese order. */
		async list(admin: User): Promise<ManagedUnit[]> {
			const ids = await managedIds(admin);
			const all = await units.listManaged([...ids]);
			const own = all.filter((u) => u.id === admin.unit.id);
			const below = all.filter((u) => u.id !== admin.unit.id).sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.id.localeCompare(b.id));
			return [...own, ...below];
		},

		async create(admin: User, input: UnitCreateInput): Promise<ManagedUnit> {
			const parent = await managed(admin, input.parentId).catch((error: unknown) => {
				throw error instanceof NotFoundError ? new NotFoundError(`No unit ${input.parentId}`, { reason: 'unit_not_managed', field: 'parentId' }) : error;
			});
			if (!isHostKind(parent.kind)) {
				throw new InvalidPayloadError('Member units are created below a province, city or district', { reason: 'unit_kind_not_allowed', field: 'parentId' });
			}
			if (!parent.active) {
				throw new InvalidStateError(`${parent.name} is inactive`, { reason: 'unit_inactive', field: 'parentId' });
			}
			const name = required(input.name, 'name');
			const authority = required(input.authority, 'authority');
			// Name and code are checked by the write itself, so that of two requests at once one wins.
			// An id taken between the lookup and the insert (another import) is retried with the next suffix.
			for (let attempt = 0; attempt < 3; attempt += 1) {
				const id = freeId(name, new Set(await units.allIds()));
				const created = await units.create({ id, parentId: parent.id, kind: input.kind, name, authority, code: input.code ?? null }, nameKey);
				if (!isConflict(created)) {
					return created;
				}
				if (created.conflict === 'code') {
					throw codeTaken(input.code ?? '');
				}
				if (created.conflict === 'name') {
					throw nameTaken(name);
				}
			}
			throw new InvalidStateError('Units are being created by someone else at the same time; try again');
		},

		/**
		 * A unit keeps its class of level: a host (province, city, district) stays a host and a
		 * member (commune, ward, town, special zone) stays a member, so the tree keeps its shape.
		 * The administrator's own unit is the unit above's to edit (409 unit_not_managed, as for
		 * deactivating it), except the root's, which has nobody above.
		 */
		async update(admin: User, id: string, input: UnitUpdateInput): Promise<{ unit: ManagedUnit; changes: UnitFieldChange[] }> {
			const before = await managed(admin, id);
			if (before.id === admin.unit.id && before.parentId !== null) {
				throw new InvalidStateError('Your own unit is edited by an administrator of the unit above it', { reason: 'unit_not_managed' });
			}
			if (input.kind !== undefined && isMemberKind(input.kind) !== isMemberKind(before.kind)) {
				throw new InvalidPayloadError(
					isMemberKind(before.kind) ? 'A member unit cannot become a province, city or district' : 'A host unit cannot become a commune, ward, town or special zone',
					{ reason: 'unit_kind_not_allowed', field: 'kind' }
				);
			}
			const change: { kind?: ManagedUnit['kind']; name?: string; authority?: string; code?: string | null } = {};
			if (input.kind !== undefined) {
				change.kind = input.kind;
			}
			if (input.name !== undefined) {
				change.name = required(input.name, 'name');
			}
			if (input.authority !== undefined) {
				change.authority = required(input.authority, 'authority');
			}
			if (input.code !== undefined) {
				change.code = input.code;
			}
			const updated = await units.update(id, change, nameKey);
			if (isConflict(updated)) {
				throw updated.conflict === 'name' ? nameTaken(change.name ?? '') : codeTaken(input.code ?? '');
			}
			const changes = (['kind', 'name', 'authority', 'code'] as const)
				.filter((field) => before[field] !== updated[field])
				.map((field) => ({ field, from: before[field], to: updated[field] }));
			return { unit: updated, changes };
		},

		/**
		 * The unit is no longer offered for meetings. Refused (unit_in_use) while it still has enabled
		 * accounts, invitations to meetings not yet held or active units below it: the administrator
		 * disables or moves those first, so nobody is left signed in to a unit that is gone. The
		 * administrator's own unit is refused as unit_not_managed (409): only the unit above manages it.
		 */
		async deactivate(admin: User, id: string): Promise<{ unit: ManagedUnit; changed: boolean }> {
			const unit = await managed(admin, id);
			if (unit.id === admin.unit.id) {
				throw new InvalidStateError('Your own unit cannot be deactivated', { reason: 'unit_not_managed' });
			}
			if (!unit.active) {
				return { unit, changed: false };
			}
			const use = await units.deactivateUnlessInUse(id);
			if (use) {
				const parts = [
					use.enabledAccounts > 0 ? `${use.enabledAccounts} enabled account(s) (disable them or move them to another unit)` : '',
					use.openInvitations > 0 ? `invitations to ${use.openInvitations} meeting(s) not yet held (withdraw them or cancel the meetings)` : '',
					use.activeChildren > 0 ? `${use.activeChildren} active unit(s) below it` : '',
				].filter(Boolean);
				throw new InvalidStateError(`${unit.name} is still in use: ${parts.join('; ')}`, { reason: 'unit_in_use' });
			}
			return { unit: { ...unit, active: false }, changed: true };
		},

		/** Active again, unless it was merged (its accounts and invitations live on in the other unit). */
		async activate(admin: User, id: string): Promise<{ unit: ManagedUnit; changed: boolean }> {
			const unit = await managed(admin, id);
			// Checked in the write: a sibling may take the name, or the parent go, meanwhile.
			const outcome = await units.activate(id, nameKey);
			if (outcome === 'merged') {
				throw new InvalidStateError(`${unit.name} was merged into another unit and cannot be activated`, { reason: 'merge_invalid' });
			}
			if (outcome === 'parent_inactive') {
				throw new InvalidStateError(`The unit above ${unit.name} is inactive`, { reason: 'unit_inactive' });
			}
			if (outcome === 'name_taken') {
				throw nameTaken(unit.name);
			}
			return { unit: { ...unit, active: true }, changed: outcome === 'activated' };
		},

		/**
		 * Merges sibling member units into `id` (the 2025 reform). Unknown ids and ids outside the
		 * administrator's units are not_found; managed ids that cannot merge are merge_invalid.
		 */
		async merge(admin: User, id: string, sourceIds: string[]): Promise<MergeResult> {
			const target = await managed(admin, id);
			const ids = await managedIds(admin);
			if (!target.active) {
				throw new InvalidStateError(`${target.name} is inactive`, { reason: 'unit_inactive' });
			}
			if (!isMemberKind(target.kind) || target.id === admin.unit.id || target.parentId === null) {
				throw new InvalidStateError('Only member units (communes, wards, towns, special zones) are merged', { reason: 'merge_invalid' });
			}
			if (new Set(sourceIds).size !== sourceIds.length) {
				throw new InvalidPayloadError('sourceIds names a unit twice', { reason: 'merge_invalid', field: 'sourceIds' });
			}
			const sources = await units.listManaged(sourceIds.filter((s) => ids.has(s)));
			for (const sourceId of sourceIds) {
				const source = sources.find((s) => s.id === sourceId);
				if (!source) {
					throw new NotFoundError(`No unit ${sourceId}`, { reason: 'unit_not_managed', field: 'sourceIds' });
				}
				const why =
					source.id === target.id
						? 'a unit cannot be merged into itself'
						: source.mergedIntoId !== null
							? 'it was already merged'
							: !source.active
								? 'it is inactive'
								: !isMemberKind(source.kind)
									? 'only member units are merged'
									: source.parentId !== target.parentId
										? `it is not below the same unit as ${target.name}`
										: '';
				if (why) {
					throw new InvalidStateError(`${source.name} cannot be merged: ${why}`, { reason: 'merge_invalid', field: 'sourceIds' });
				}
			}
			const outcome = await units.merge(target.id, target.parentId, sourceIds, now());
			if (outcome.refused === 'live') {
				throw new InvalidStateError('A unit to merge is in a meeting that is live now; merge after it ends', { reason: 'unit_in_use', field: 'sourceIds' });
			}
			if (outcome.refused === 'changed') {
				throw new InvalidStateError('A unit to merge was changed meanwhile; reload and try again', { reason: 'merge_invalid', field: 'sourceIds' });
			}
			// The merge is stored: its follow-ups each run, and one that fails is logged rather than
			// thrown, so it neither skips the others nor the audit record the caller writes next.
			const followUps: { what: string; run: () => Promise<unknown> }[] = [
				// Waiting rooms of meetings not yet held: revoked links leave, and the invited set changed.
				...outcome.revoked.map(({ meetingId, unitId }) => ({
					what: `invitation:revoked ${meetingId} ${unitId}`,
					run: () => events.publish('invitation:revoked', { meetingId, unitId, reason: 'uninvited' }),
				})),
				...[...new Set([...outcome.moved, ...outcome.revoked].map((i) => i.meetingId))].map((meetingId) => ({
					what: `invitations:changed ${meetingId}`,
					run: () => events.publish('invitations:changed', { meetingId }),
				})),
				// A moved account's rights changed with its unit (and an administrator's role): its sessions
				// end (sockets close) and it signs in again as the target's, as after an administrator moves it.
				...outcome.movedUserIds.map((userId) => ({ what: `end sessions of ${userId}`, run: () => endSessionsOf(userId, 'account-changed') })),
			];
			const settled = await Promise.allSettled(followUps.map(async (f) => f.run()));
			settled.forEach((result, i) => {
				if (result.status === 'rejected') {
					log.error({ err: result.reason as unknown, unitId: target.id }, `After merging into ${target.id}: ${followUps[i]!.what} failed`);
				}
			});
			return {
				unit: (await units.findManaged(target.id))!,
				usersMoved: outcome.movedUserIds.length,
				adminsDemoted: outcome.demotedUserIds.length,
				invitationsMoved: outcome.moved.length,
				invitationsRevoked: outcome.revoked.length,
			};
		},

		/** Previews the file, or imports every row of it in one transaction (none when any row has an error). */
		async import(admin: User, input: UnitImportInput): Promise<UnitImportResult> {
			const parent = await managed(admin, input.parentId).catch((error: unknown) => {
				throw error instanceof NotFoundError ? new NotFoundError(`No unit ${input.parentId}`, { reason: 'unit_not_managed', field: 'parentId' }) : error;
			});
			if (!isHostKind(parent.kind)) {
				throw new InvalidPayloadError('Member units are imported below a province, city or district', { reason: 'unit_kind_not_allowed', field: 'parentId' });
			}
			if (!parent.active) {
				throw new InvalidStateError(`${parent.name} is inactive`, { reason: 'unit_inactive', field: 'parentId' });
			}
			const rows = previewImport(input.csv, {
				codes: new Set(await units.allCodes()),
				siblingNames: new Set((await units.activeSiblingNames(parent.id)).map(nameKey)),
			});
			const errorCount = rows.filter((r) => r.errors.length > 0).length;
			if (!input.confirm) {
				return { rows, errorCount, imported: 0 };
			}
			if (errorCount > 0) {
				throw new InvalidStateError(`${errorCount} row(s) have errors; nothing was imported (preview the file to see them)`, { reason: 'import_has_errors' });
			}
			if (rows.length === 0) {
				throw new InvalidPayloadError('The file has no units below its header row', { field: 'csv' });
			}
			const imported = await units.createMany(
				parent.id,
				rows.map((r) => ({ kind: r.kind!, name: r.name, authority: r.authority, code: r.code })),
				nameKey,
				freeId
			);
			if (imported === 'conflict') {
				throw new InvalidStateError('Another change took a code or name of the file meanwhile; nothing was imported (preview it again)', { reason: 'import_has_errors' });
			}
			return { rows, errorCount: 0, imported };
		},
	};
}
