import type { RosterEntry, RosterState } from '#shared/protocol/index.ts';
import { isLostConnection, type AttendanceLedger } from '../../domain/attendance-ledger.ts';

/** A unit the roll call lists: the host unit and every invited one. */
export type RosterUnit = { unitId: string; unitName: string; host: boolean };

type Site = { id: string; unitId: string };

type RosterInput = {
	units: readonly RosterUnit[];
	ledger: AttendanceLedger;
	participants: Iterable<Site & { joinedAt: Date }>;
	waiting: Iterable<Site & { since: Date }>;
	/** Member units the chair removed (and has not admitted back). */
	removed: (unitId: string) => boolean;
};

function stateOf(unit: RosterUnit, input: RosterInput, inRoom: { joinedAt: Date }[], waiting: { since: Date }[]): { state: RosterState; since: Date | null } {
	if (inRoom.length > 0) {
		return { state: 'present', since: new Date(Math.min(...inRoom.map((p) => p.joinedAt.getTime()))) };
	}
	if (waiting.length > 0) {
		return { state: 'waiting', since: new Date(Math.min(...waiting.map((w) => w.since.getTime()))) };
	}
	const record = input.ledger.get(unit.unitId);
	if (!unit.host && input.removed(unit.unitId)) {
		return { state: 'removed', since: record?.lastLeftAt ?? null };
	}
	if (!record?.firstJoinedAt) {
		return { state: 'absent', since: null };
	}
	// Recorded as in but not in this room: the server restarted or the media moved under it.
	if (record.open > 0 || record.lastLeftAt === null) {
		return { state: 'lost', since: record.openSince };
	}
	const reason = record.lastLeaveReason ?? '';
	return { state: reason === 'removed' ? 'removed' : isLostConnection(reason) ? 'lost' : 'left', since: record.lastLeftAt };
}

/**
 * The chair's live roll call: every unit of the meeting with where it stands now. Built from the
 * room (who is in, who waits) and the attendance record (who was in, and how they went), so a
 * unit that dropped stays listed as "lost" instead of vanishing from the chair's list.
 */
export function buildRoster(input: RosterInput): RosterEntry[] {
	// Grouped once: a province meeting lists 170 units on every change.
	const inRoomByUnit = groupByUnit(input.participants);
	const waitingByUnit = groupByUnit(input.waiting);
	return input.units.map((unit) => {
		const inRoom = inRoomByUnit.get(unit.unitId) ?? [];
		const waits = waitingByUnit.get(unit.unitId) ?? [];
		const { state, since } = stateOf(unit, input, inRoom, waits);
		const record = input.ledger.get(unit.unitId);
		return {
			unitId: unit.unitId,
			unitName: unit.unitName,
			host: unit.host,
			state,
			since: since?.toISOString() ?? null,
			firstJoinedAt: record?.firstJoinedAt?.toISOString() ?? null,
			disconnections: record?.disconnections ?? 0,
			participantIds: inRoom.map((p) => p.id),
			waitingIds: waits.map((w) => w.id),
		};
	});
}

function groupByUnit<T extends Site>(sites: Iterable<T>): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const site of sites) {
		const group = groups.get(site.unitId);
		if (group) {
			group.push(site);
		} else {
			groups.set(site.unitId, [site]);
		}
	}
	return groups;
}

/** Host unit first, then the invited units by name (Vietnamese collation). */
export function sortRosterUnits(units: RosterUnit[]): RosterUnit[] {
	const collator = new Intl.Collator('vi');
	return [...units].sort((a, b) => Number(b.host) - Number(a.host) || collator.compare(a.unitName, b.unitName));
}
