import { useEffect, useRef, useState } from 'react';
import type { RoomSnapshot } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { playAlert } from './alert-sound.ts';

type Kind = 'lost' | 'floor' | 'waiting';
type Toast = { id: number; kind: Kind; unit: string };

const TOAST_MS = 10_000;

/**
 * What changed since the previous snapshot that the chair must notice without watching the list:
 * a unit lost its connection, a site asked for the floor, a site started waiting. Floor and waiting
 * ids belong to one room, so they are compared only within it (a media restart renews every id).
 */
export function alertsBetween(previous: RoomSnapshot, next: RoomSnapshot): { kind: Kind; unit: string }[] {
	const alerts: { kind: Kind; unit: string }[] = [];
	// A new room (the media restarted under the meeting) shows every site lost until it rejoins:
	// that is one event, the banner says it, and a beep per commune would only drown the chair.
	if (previous.roomId !== next.roomId) {
		return alerts;
	}
	const before = new Map(previous.roster.map((r) => [r.unitId, r.state]));
	for (const r of next.roster) {
		const was = before.get(r.unitId);
		if (r.state === 'lost' && was !== undefined && was !== 'lost') {
			alerts.push({ kind: 'lost', unit: r.unitName });
		}
	}
	{
		const asked = new Set(previous.floorQueue.map((f) => f.participantId));
		for (const f of next.floorQueue) {
			if (!asked.has(f.participantId)) {
				alerts.push({ kind: 'floor', unit: next.participants.find((p) => p.id === f.participantId)?.unitName ?? '' });
			}
		}
		const waited = new Set(previous.waiting.map((w) => w.id));
		for (const w of next.waiting) {
			if (!waited.has(w.id)) {
				alerts.push({ kind: 'waiting', unit: w.unitName });
			}
		}
	}
	return alerts;
}

/** The chair's toasts, over the video, each with a short beep; they go away by themselves. */
export function RoomToasts({ snapshot, enabled }: { snapshot: RoomSnapshot | null; enabled: boolean }) {
	const { t } = useI18n();
	const [toasts, setToasts] = useState<Toast[]>([]);
	const previous = useRef<RoomSnapshot | null>(null);
	const nextId = useRef(1);
	const timers = useRef(new Set<number>());
	useEffect(() => {
		const pending = timers.current;
		return () => pending.forEach((timer) => window.clearTimeout(timer));
	}, []);
	useEffect(() => {
		const before = previous.current;
		previous.current = snapshot;
		if (!enabled || !before || !snapshot) {
			return;
		}
		const alerts = alertsBetween(before, snapshot);
		if (alerts.length === 0) {
			return;
		}
		playAlert(alerts.some((a) => a.kind === 'lost') ? 'lost' : alerts[0]!.kind);
		const added = alerts.map((a) => ({ id: nextId.current++, ...a }));
		setToasts((list) => [...list, ...added].slice(-5));
		const timer = window.setTimeout(() => {
			timers.current.delete(timer);
			setToasts((list) => list.filter((x) => !added.includes(x)));
		}, TOAST_MS);
		timers.current.add(timer);
	}, [snapshot, enabled]);
	return (
		<div className="room-toasts" role="status" aria-live="polite" aria-label={t('room.toasts')}>
			{toasts.map((toast) => (
				<p key={toast.id} className={`room-toast ${toast.kind}`} data-testid="room-toast" data-kind={toast.kind}>
					<span>{t(`room.toast.${toast.kind}`, { unit: toast.unit })}</span>
					<button type="button" className="small" aria-label={t('room.dismiss')} onClick={() => setToasts((list) => list.filter((x) => x.id !== toast.id))}>
						×
					</button>
				</p>
			))}
		</div>
	);
}
