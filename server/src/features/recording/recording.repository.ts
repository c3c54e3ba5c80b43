import type { Database } from '../../db/open-database.ts';

export type NewSegment = { runId: string; meetingId: string; unitId: string; sequence: number; fileName: string; startMs: number; endMs: number; sizeBytes: number; sha256: string };

/** The recording manifest: runs and their segments, on the meeting clock. */
export function createRecordingRepository(db: Database) {
	return {
		async recordingEnabled(meetingId: string): Promise<boolean> {
			return (await db.meeting.findUnique({ where: { id: meetingId }, select: { recordingEnabled: true } }))?.recordingEnabled ?? false;
		},

		async startRun(run: { id: string; meetingId: string; unitId: string; hasAudio: boolean; hasVideo: boolean; startMs: number }): Promise<void> {
			await db.recordingRun.create({ data: run, select: { id: true } });
		},

		async endRun(runId: string, endMs: number, endReason: string): Promise<void> {
			await db.recordingRun.updateMany({ where: { id: runId, endMs: null }, data: { endMs, endReason } });
		},

		/** Idempotent: a segment reported twice (a reread list) is stored once. */
		async addSegment(segment: NewSegment): Promise<void> {
			await db.recordingSegment.upsert({
				where: { runId_sequence: { runId: segment.runId, sequence: segment.sequence } },
				create: segment,
				update: {},
				select: { id: true },
			});
		},

		/** Runs a crash left open (no end), with their segments so far. */
		async openRuns() {
			return db.recordingRun.findMany({ where: { endMs: null }, select: { id: true, meetingId: true, unitId: true, startMs: true, segments: { select: { sequence: true, endMs: true } } } });
		},

		async listForMeeting(meetingId: string) {
			return db.recordingRun.findMany({
				where: { meetingId },
				orderBy: [{ unitId: 'asc' }, { startMs: 'asc' }],
				select: {
					id: true,
					unitId: true,
					hasAudio: true,
					hasVideo: true,
					startMs: true,
					endMs: true,
					endReason: true,
					segments: { orderBy: { sequence: 'asc' }, select: { sequence: true, fileName: true, startMs: true, endMs: true, sizeBytes: true, sha256: true } },
				},
			});
		},
	};
}

export type RecordingRepository = ReturnType<typeof createRecordingRepository>;
