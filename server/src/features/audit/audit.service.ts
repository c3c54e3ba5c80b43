import type { AuditAction, AuditPage, AuditQuery } from '#shared/api/audit.ts';
import type { User } from '#shared/api/auth.ts';
import { ForbiddenError, InvalidPayloadError } from '../../lib/errors.ts';
import type { AuditPosition, AuditRepository } from './audit.repository.ts';

export type AuditFields = {
	actorId?: string | null;
	unitId?: string | null;
	/** The username typed at a failed sign-in. */
	username?: string;
	/** The client's address (request.ip). */
	address?: string;
	/** The event's specifics, stored as a JSON object. */
	detail?: Record<string, string | number | boolean>;
};

function encodeCursor(position: AuditPosition): string {
	return Buffer.from(`${position.at.getTime()}.${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): AuditPosition {
	const [time = '', id = ''] = Buffer.from(cursor, 'base64url').toString().split('.');
	const at = new Date(Number(time));
	if (!/^\d+$/.test(time) || Number.isNaN(at.getTime()) || id === '') {
		throw new InvalidPayloadError('cursor is not one this list returned');
	}
	return { at, id };
}

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(repository: AuditRepository) {
	return {
		/** Appends one event; awaited, so that an action answered as done is on record. */
		async record(action: AuditAction, fields: AuditFields): Promise<void> {
			await repository.append({
				action,
				actorId: fields.actorId ?? null,
				unitId: fields.unitId ?? null,
				username: fields.username ?? '',
				address: fields.address ?? '',
				detail: fields.detail ? JSON.stringify(fields.detail) : '',
			});
		},

		/**
		 * An administrator's view: what the people of its unit and every unit below did. Failed
		 * sign-ins with a username that is nobody's account belong to no unit: only an administrator
		 * of a root unit sees them (typed passwords and addresses of the whole province are not a
		 * commune's business).
		 */
		async list(viewer: User, query: AuditQuery): Promise<AuditPage> {
			if (viewer.role !== 'admin') {
				throw new ForbiddenError('Only an administrator reads the audit log');
			}
			const from = query.from ? new Date(query.from) : null;
			const to = query.to ? new Date(query.to) : null;
			if (from && to && !(to > from)) {
				throw new InvalidPayloadError('from must be before to');
			}
			const limit = query.limit ?? 50;
			// One more than asked tells whether another page follows.
			const scope = await repository.scopeOf(viewer.unit.id);
			const rows = await repository.list({
				unitIds: scope.unitIds,
				unattributedAction: scope.root ? 'auth.login_failed' : null,
				from,
				to,
				after: query.cursor ? decodeCursor(query.cursor) : null,
				limit: limit + 1,
			});
			const page = rows.slice(0, limit);
			const last = page.at(-1);
			return {
				events: page.map(({ atDate: _at, ...entry }) => entry),
				next: rows.length > limit && last ? encodeCursor({ at: last.atDate, id: last.id }) : null,
			};
		},
	};
}
