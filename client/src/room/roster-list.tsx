import { useMemo, useState } from 'react';
import type { ParticipantView, RosterEntry, RosterState, RoomSnapshot } from '#shared/protocol/index.ts';
import { foldVietnamese } from '#shared/text/fold-vietnamese.ts';
import { useI18n } from '../i18n/index.tsx';
import { request, type AppSocket } from '../signaling/socket.ts';
import { formatClock } from '../ui/format-date.ts';
import { Icon } from './icons.tsx';
import { SiteMenu } from './site-menu.tsx';
import { ago } from './use-now.ts';

type Act = (fn: () => Promise<unknown>) => () => void;

/**
 * The chair's views of the roll call: everyone, the units in the room, those not in it (lost,
 * left, removed, waiting at the door or never come: who is missing), those asking for the floor;
 * and, under "by state", one state exactly (who dropped, who waits).
 */
type Group = 'all' | 'present' | 'away' | 'floor';
type Filter = Group | RosterState;

const GROUPS = ['present', 'away', 'floor'] as const;
const STATES: RosterState[] = ['lost', 'waiting', 'absent', 'left', 'removed'];

/** The roll-call rows and what the filter and the search need of them, computed once per snapshot. */
function indexRoster(roster: readonly RosterEntry[], floorQueue: RoomSnapshot['floorQueue']) {
	const asking = new Set(floorQueue.map((f) => f.participantId));
	const rows = roster.map((entry) => ({
		entry,
		// "Đồng Thịnh", "dong thinh" and "ĐỒNG" all find Xã Đồng Thịnh: operators type without diacritics.
		folded: foldVietnamese(entry.unitName),
		floor: entry.participantIds.some((id) => asking.has(id)),
	}));
	const counts: Record<Filter, number> = { all: rows.length, present: 0, away: 0, floor: 0, lost: 0, waiting: 0, absent: 0, left: 0, removed: 0 };
	for (const row of rows) {
		counts[row.entry.state] += 1;
		if (row.entry.state !== 'present') {
			counts.away += 1;
		}
		if (row.floor) {
			counts.floor += 1;
		}
	}
	return { rows, counts };
}

function matches(row: ReturnType<typeof indexRoster>['rows'][number], filter: Filter): boolean {
	if (filter === 'all') {
		return true;
	}
	if (filter === 'away') {
		return row.entry.state !== 'present';
	}
	if (filter === 'floor') {
		return row.floor;
	}
	return row.entry.state === filter;
}

/** One site in the room: its state (microphone, floor, hand) and, for the chair, its menu. */
function SiteRow({
	p,
	self,
	floor,
	hand,
	speaking,
	chairView,
	inRoster,
	socket,
	act,
}: {
	p: ParticipantView;
	/** Under its unit's roll-call row: the unit's name is there already, the microphone's state is said in words. */
	inRoster: boolean;
	self: boolean;
	floor: boolean;
	hand: boolean;
	speaking: boolean;
	chairView: boolean;
	socket: AppSocket;
	act: Act;
}) {
	const { t } = useI18n();
	const person = p.displayName !== p.unitName && !p.displayName.endsWith(p.unitName) ? p.displayName : null;
	return (
		<>
			<span className="site-name">
				<span className={`mic-state ${p.micMuted ? 'off' : 'on'}`} title={t(p.micMuted ? 'room.tile.micOff' : 'room.self.micOn')}>
					<Icon name={p.micMuted ? 'micOff' : 'mic'} />
					<span className={inRoster ? 'mic-word' : 'sr-status'}>{t(p.micMuted ? 'room.tile.micOff' : 'room.self.micOn')}</span>
				</span>
				{!inRoster && <strong>{p.unitName}</strong>}
				{person && <span className="muted"> {person}</span>}
				{self && ` ${t('room.you')}`}
				{p.chair && !p.displayName.includes(t('room.chair')) && <span className="muted"> · {t('room.chair')}</span>}
				{speaking && <span className="muted"> · {t('room.speaking')}</span>}
			</span>
			{floor && (
				<span className="mark floor" data-testid="floor-badge">
					{t('room.tile.floor')}
				</span>
			)}
			{hand && (
				<span className="mark hand" data-testid="hand-raised">
					<Icon name="hand" />
					<span className="sr-status">{t('room.tile.hand')}</span>
				</span>
			)}
			{chairView && !self && <SiteMenu participant={p} socket={socket} act={act} />}
		</>
	);
}

/**
 * The sites in the room, for everyone; for the chair, the roll call of every invited unit: counts
 * at the top, a filter by state and a search (30 to 170 units), admission of waiting ones inline,
 * and one menu per present site.
 */
export function RosterList({
	snapshot,
	me,
	speaker,
	isChair,
	now,
	socket,
	act,
}: {
	snapshot: RoomSnapshot;
	me: string | null;
	speaker: string | null;
	isChair: boolean;
	now: number;
	socket: AppSocket;
	act: Act;
}) {
	const { t } = useI18n();
	const [filter, setFilter] = useState<Filter>('all');
	const [query, setQuery] = useState('');
	const queued = new Set(snapshot.floorQueue.map((f) => f.participantId));
	const row = (p: ParticipantView, inRoster = false) => (
		<SiteRow
			inRoster={inRoster}
			p={p}
			self={p.id === me}
			floor={snapshot.spotlight === p.id}
			hand={queued.has(p.id)}
			speaking={speaker === p.id}
			chairView={isChair}
			socket={socket}
			act={act}
		/>
	);
	const roster = snapshot.roster;
	const { rows, counts } = useMemo(() => indexRoster(roster, snapshot.floorQueue), [roster, snapshot.floorQueue]);
	// 170 names folded once per roster change, not once per keystroke and row.
	const shown = useMemo(() => {
		const needle = foldVietnamese(query.trim());
		return rows.filter((row) => matches(row, filter) && (!needle || row.folded.includes(needle))).map((row) => row.entry);
	}, [rows, filter, query]);
	const participantsById = useMemo(() => new Map(snapshot.participants.map((p) => [p.id, p])), [snapshot.participants]);
	const waitingById = useMemo(() => new Map(snapshot.waiting.map((w) => [w.id, w])), [snapshot.waiting]);

	if (!isChair) {
		return (
			<section aria-labelledby="people-title" className="people-section">
				<h3 id="people-title">{t('room.participants', { count: snapshot.participants.length })}</h3>
				<ul className="people" data-testid="participants">
					{snapshot.participants.map((p) => (
						<li key={p.id} data-participant={p.unitName} data-mic-muted={String(p.micMuted)} className={speaker === p.id ? 'speaking' : ''}>
							{row(p)}
						</li>
					))}
				</ul>
			</section>
		);
	}

	const listed = new Set(roster.flatMap((r) => r.participantIds));
	const listedWaiting = new Set(roster.flatMap((r) => r.waitingIds));
	const unlisted = snapshot.participants.filter((p) => !listed.has(p.id));
	const unlistedWaiting = snapshot.waiting.filter((w) => !listedWaiting.has(w.id));
	const waitingRow = (w: RoomSnapshot['waiting'][number]) => (
		<span key={w.id} className="waiting-site" data-waiting={w.unitName}>
			<span className="muted">{w.displayName !== w.unitName ? w.displayName : ''}</span>
			<button type="button" className="small primary" data-testid="admit" onClick={act(() => request(socket, 'waiting:admit', { participantId: w.id }))}>
				{t('room.admit')}
			</button>
			<button type="button" className="small" data-testid="deny" onClick={act(() => request(socket, 'waiting:deny', { participantId: w.id }))}>
				{t('room.deny')}
			</button>
		</span>
	);
	const detail = (r: RosterEntry): string => {
		const parts: string[] = [];
		if (r.since) {
			if (r.state === 'lost' || r.state === 'waiting') {
				parts.push(t('room.roster.since', { time: formatClock(r.since), ago: ago(t, r.since, now) }));
			} else if (r.state === 'present') {
				parts.push(t('room.roster.joinedAt', { time: formatClock(r.since) }));
			} else if (r.state === 'left' || r.state === 'removed') {
				parts.push(t('room.roster.at', { time: formatClock(r.since) }));
			}
		}
		if (r.disconnections > 0) {
			parts.push(t('room.roster.drops', { count: r.disconnections }));
		}
		return parts.join(' · ');
	};

	return (
		<section aria-labelledby="roster-title" className="roster-section">
			<h3 id="roster-title">{t('room.roster.title')}</h3>
			{roster.length > 0 && (
				<>
					<p className="roster-counts" data-testid="roster-counts">
						{t('room.roster.counts', { present: counts.present, total: roster.length, lost: counts.lost, waiting: counts.waiting })}
					</p>
					<div className="roster-tools">
						<select aria-label={t('room.roster.filter')} data-testid="roster-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
							<option value="all">{t('room.roster.all', { count: counts.all })}</option>
							{GROUPS.map((group) => (
								<option key={group} value={group}>
									{t(`room.roster.filter.${group}`, { count: counts[group] })}
								</option>
							))}
							<optgroup label={t('room.roster.filter.byState')}>
								{STATES.map((state) => (
									<option key={state} value={state}>
										{t(`room.roster.state.${state}`)} ({counts[state]})
									</option>
								))}
							</optgroup>
						</select>
						<input type="search" aria-label={t('room.roster.search')} placeholder={t('room.roster.search')} data-testid="roster-search" value={query} onChange={(e) => setQuery(e.target.value)} />
					</div>
				</>
			)}
			<div className="roster-scroll">
				<ul className="roster" data-testid="roster">
					{shown.map((r) => (
						<li key={r.unitId} className={`roster-row state-${r.state}`} data-unit={r.unitName} data-state={r.state}>
							<div className="roster-head">
								<span className="roster-name">
									{r.unitName}
									{r.host && <span className="muted"> · {t('room.roster.host')}</span>}
								</span>
								<span className={`chip state-${r.state}`} data-testid="roster-state">
									{t(`room.roster.state.${r.state}`)}
								</span>
							</div>
							{detail(r) && <div className="roster-detail muted">{detail(r)}</div>}
							{r.participantIds.map((id) => {
								const p = participantsById.get(id);
								return (
									p && (
										<div key={id} className={`roster-site${speaker === id ? ' speaking' : ''}`} data-participant={p.unitName} data-mic-muted={String(p.micMuted)}>
											{row(p, true)}
										</div>
									)
								);
							})}
							{r.waitingIds.map((id) => {
								const w = waitingById.get(id);
								return w && waitingRow(w);
							})}
						</li>
					))}
				</ul>
				{roster.length > 0 && shown.length === 0 && <p className="muted">{t('room.roster.noMatch')}</p>}
				{(unlisted.length > 0 || unlistedWaiting.length > 0) && (
					<>
						{roster.length > 0 && <h4>{t('room.roster.unlisted')}</h4>}
						{unlistedWaiting.length > 0 && (
							<div className="waiting-list" aria-label={t('room.waitingRoom')}>
								{unlistedWaiting.map((w) => (
									<div key={w.id} className="roster-row state-waiting">
										<div className="roster-head">
											<span className="roster-name">{w.unitName}</span>
											<span className="chip state-waiting">{t('room.roster.state.waiting')}</span>
										</div>
										{waitingRow(w)}
									</div>
								))}
							</div>
						)}
						{unlisted.map((p) => (
							<div key={p.id} className={`roster-site${speaker === p.id ? ' speaking' : ''}`} data-participant={p.unitName} data-mic-muted={String(p.micMuted)}>
								{row(p)}
							</div>
						))}
					</>
				)}
			</div>
		</section>
	);
}
