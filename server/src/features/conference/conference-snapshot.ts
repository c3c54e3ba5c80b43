import type { ParticipantView, RoomSettings, RoomSnapshot, RosterEntry } from '#shared/protocol/index.ts';
import { byArrival } from '#shared/room/room-delta.ts';
import type { Participant, Waiting } from './conference.ts';

type SnapshotInput = {
	roomId: string;
	seq: number;
	meetingId: string;
	title: string;
	locked: boolean;
	participants: Iterable<Participant>;
	floorQueue: readonly { participantId: string; since: Date }[];
	spotlight: string | null;
	activeSpeaker: string | null;
	mutedByChair: (p: Participant) => boolean;
	recording: { enabled: boolean; paused: boolean };
	settings: RoomSettings;
	recentSpeakers: readonly string[];
};

export function participantView(p: Participant, mutedByChair: boolean): ParticipantView {
	const producers = p.peer.producers.map(({ producer, source }) => ({ id: producer.id, kind: producer.kind, source, paused: producer.paused }));
	const mic = producers.find((x) => x.source === 'microphone');
	const camera = producers.find((x) => x.source === 'camera');
	return {
		id: p.id,
		unitId: p.unitId,
		unitName: p.unitName,
		displayName: p.displayName,
		host: p.host,
		chair: p.chair,
		micMuted: !mic || mic.paused,
		mutedByChair,
		cameraOff: !camera || camera.paused,
		audioOnly: p.audioOnly,
		screenSharing: producers.some((x) => x.source === 'screen'),
		joinedAt: p.joinedAt.toISOString(),
		producers,
	};
}

/** The room as every site sees it, built once per change; chairs see more (withChairParts). */
export function buildSnapshot(input: SnapshotInput): RoomSnapshot {
	return {
		roomId: input.roomId,
		seq: input.seq,
		meetingId: input.meetingId,
		title: input.title,
		locked: input.locked,
		participants: [...input.participants].map((p) => participantView(p, input.mutedByChair(p))).sort(byArrival),
		floorQueue: input.floorQueue.map((f) => ({ participantId: f.participantId, since: f.since.toISOString() })),
		spotlight: input.spotlight,
		activeSpeaker: input.activeSpeaker,
		waiting: [],
		roster: [],
		recording: { enabled: input.recording.enabled, paused: input.recording.paused },
		settings: { ...input.settings },
		recentSpeakers: [...input.recentSpeakers],
	};
}

/** A site's state with what only chairs see: the waiting room and the roll call. The rest is shared. */
export function withChairParts(plain: RoomSnapshot, chairs: { waiting: Iterable<Waiting>; roster: RosterEntry[] }): RoomSnapshot {
	return {
		...plain,
		waiting: [...chairs.waiting].map((w) => ({ id: w.id, unitName: w.unitName, displayName: w.displayName, since: w.since.toISOString() })),
		roster: chairs.roster,
	};
}
