import type { LeaveReason } from '#shared/api/meetings.ts';

/**
 * Leaves that mean the connection was lost rather than the site going: its own link or the
 * server. The site is expected back, and the chair is shown "mất kết nối" until it is.
 */
const LOST: ReadonlySet<string> = new Set<LeaveReason>(['disconnected', 'media-failure', 'server-restart']);

export function isLostConnection(reason: string): boolean {
	return LOST.has(reason);
}

export type AttendanceRow = { unitId: string; kind: 'join' | 'leave'; reason: string; at: Date };

/** One unit's attendance folded so far. */
export type UnitAttendance = {
	firstJoinedAt: Date | null;
	/** When its last site left; null while one is in the room (or if it never joined). */
	lastLeftAt: Date | null;
	lastLeaveReason: string | null;
	/** Sites of the unit in the room as the record goes (a host unit may be in with several people). */
	open: number;
	/** Since when at least one site has been in, while open > 0. */
	openSince: Date | null;
	/** Time with at least one site in, closed stretches only (add now − openSince while open). */
	closedMs: number;
	/** Its connection dropped (the site's own link; not a server restart or media failure, which hit everyone). */
	disconnections: number;
};

/**
 * Attendance per unit, folded from the join/leave record in time order: the live room keeps one
 * up to date as sites come and go, the roll call after the meeting folds the stored rows. Joins
 * and leaves are per site but recorded per unit, so a unit counts as present while more of its
 * sites joined than left; two sites of one unit at once count their time once.
 */
export class AttendanceLedger {
	readonly #units = new Map<string, UnitAttendance>();

	static from(rows: Iterable<AttendanceRow>): AttendanceLedger {
		const ledger = new AttendanceLedger();
		for (const row of rows) {
			ledger.apply(row);
		}
		return ledger;
	}

	apply(row: AttendanceRow): void {
		const unit = this.#entry(row.unitId);
		if (row.kind === 'join') {
			unit.firstJoinedAt ??= row.at;
			if (unit.open === 0) {
				unit.openSince = row.at;
				unit.lastLeftAt = null;
			}
			unit.open += 1;
			return;
		}
		if (unit.open === 0) {
			// A leave with no join (a record cut by a crash): nothing was open, nothing to close.
			return;
		}
		unit.open -= 1;
		if (row.reason === 'disconnected') {
			unit.disconnections += 1;
		}
		if (unit.open === 0) {
			unit.closedMs += Math.max(0, row.at.getTime() - (unit.openSince?.getTime() ?? row.at.getTime()));
			unit.openSince = null;
			unit.lastLeftAt = row.at;
			unit.lastLeaveReason = row.reason;
		}
	}

	get(unitId: string): UnitAttendance | undefined {
		const unit = this.#units.get(unitId);
		return unit && { ...unit };
	}

	/** Time with at least one site of the unit in the room, up to `until` for a site still in. */
	attendedMs(unitId: string, until: Date): number {
		const unit = this.#units.get(unitId);
		if (!unit) {
			return 0;
		}
		const running = unit.openSince ? Math.max(0, until.getTime() - unit.openSince.getTime()) : 0;
		return unit.closedMs + running;
	}

	#entry(unitId: string): UnitAttendance {
		let unit = this.#units.get(unitId);
		if (!unit) {
			unit = { firstJoinedAt: null, lastLeftAt: null, lastLeaveReason: null, open: 0, openSince: null, closedMs: 0, disconnections: 0 };
			this.#units.set(unitId, unit);
		}
		return unit;
	}
}
