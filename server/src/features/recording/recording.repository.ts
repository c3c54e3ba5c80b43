import type { Database } from '../../db/open-database.ts';

export type NewSegment = { runId: string; meetingId: string; unitId: string; sequence: number; fileName: string; startMs: number; endMs: number; sizeBytes: number; sha256: string };

/** A meeting's runs (one unit's, or all) with their segments in order and the unit's name. */
/** `unitIds` null: every site's. */
function runsOf(db: Database, meetingId: string, unitIds: string[] | null) {
	return db.recordingRun.findMany({
		where: { meetingId, ...(unitIds ? { unitId: { in: unitIds } } : {}) },
		orderBy: [{ unitId: 'asc' }, { startMs: 'asc' }],
		select: {
			id: true,
			unitId: true,
			hasAudio: true,
			hasVideo: true,
			startMs: true,
			endMs: true,
			endReason: true,
			unit: { select: { name: true } },
			segments: { orderBy: { sequence: 'asc' }, select: { id: true, sequence: true, fileName: true, startMs: true, endMs: true, sizeBytes: true, sha256: true } },
		},
	});
}

/** The recording manifest: runs and their segments, on the meeting clock. */
export function createRecordingRepository(db: Database) {
	return {
		async recordingState(meetingId: string): Promise<{ enabled: boolean; paused: boolean }> {
			const row = await db.meeting.findUnique({ where: { id: meetingId }, select: { recordingEnabled: true, recordingPaused: true } });
			return { enabled: row?.recordingEnabled ?? false, paused: row?.recordingPaused ?? false };
		},

		async startRun(run: { id: string; meetingId: string; unitId: string; hasAudio: boolean; hasVideo: boolean; startMs: number }): Promise<void> {
			await db.recordingRun.create({ data: run, select: { id: true } });
		},

		async endRun(runId: string, endMs: number, endReason: string): Promise<void> {
			await db.recordingRun.updateMany({ where: { id: runId, endMs: null }, data: { endMs, endReason } });
		},

		/**
		 * Idempotent: a segment reported twice (a reread list) is stored once. Returns its id, or null
		 * when the meeting's recordings were deleted meanwhile (the caller removes the file).
		 */
		async addSegment(segment: NewSegment): Promise<string | null> {
			return db.$transaction(async (tx) => {
				const meeting = await tx.meeting.findUnique({ where: { id: segment.meetingId }, select: { recordingDeletedAt: true } });
				if (!meeting || meeting.recordingDeletedAt) {
					return null;
				}
				const row = await tx.recordingSegment.upsert({
					where: { runId_sequence: { runId: segment.runId, sequence: segment.sequence } },
					create: segment,
					update: {},
					select: { id: true },
				});
				return row.id;
			});
		},

		/** Runs a crash left open (no end), with their segments so far. */
		async openRuns() {
			return db.recordingRun.findMany({ where: { endMs: null }, select: { id: true, meetingId: true, unitId: true, hasAudio: true, startMs: true, segments: { select: { sequence: true, endMs: true } } } });
		},

		async listForMeeting(meetingId: string, unitIds: string[] | null = null) {
			return runsOf(db, meetingId, unitIds);
		},
	};
}

export type MediaFileRow = { id: string; meetingId: string; kind: string; unitId: string | null; fileName: string; mimeType: string; durationMs: number; sizeBytes: number; sha256: string; createdAt: Date };

/** What the post-meeting files are made from, and where they are recorded. */
export function createMediaRepository(db: Database) {
	return {
		/** A change of the speaking unit (the caller leaves out repeats of the same unit). */
		async addSpeakerChange(meetingId: string, atMs: number, unitId: string | null): Promise<void> {
			await db.speakerChange.create({ data: { meetingId, atMs, unitId }, select: { id: true } });
		},

		async speakerChanges(meetingId: string) {
			return db.speakerChange.findMany({ where: { meetingId }, orderBy: { atMs: 'asc' }, select: { atMs: true, unitId: true } });
		},

		async meeting(meetingId: string) {
			return db.meeting.findUnique({
				where: { id: meetingId },
				select: { id: true, status: true, startedAt: true, endedAt: true, hostUnitId: true, recordingEnabled: true, recordingPaused: true, recordingDeletedAt: true, recordingDeletedReason: true },
			});
		},

		async openRunCount(meetingId: string): Promise<number> {
			return db.recordingRun.count({ where: { meetingId, endMs: null } });
		},

		/** Every run with its segments, for the export; unit names for the video's cards. */
		async runsWithSegments(meetingId: string) {
			return runsOf(db, meetingId, null);
		},

		/** `unitIds` null: every file, also those of no one site (mixed audio, the video). */
		async mediaFiles(meetingId: string, unitIds: string[] | null = null): Promise<MediaFileRow[]> {
			return db.mediaFile.findMany({
				where: { meetingId, ...(unitIds ? { unitId: { in: unitIds } } : {}) },
				orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }],
			});
		},

		async mediaFile(meetingId: string, id: string): Promise<MediaFileRow | null> {
			return db.mediaFile.findFirst({ where: { id, meetingId } });
		},

		/**
		 * Idempotent per slot: a job that made the file twice keeps the first row (its file is the one
		 * served). Null when the meeting's recordings were deleted meanwhile.
		 */
		async addMediaFile(file: Omit<MediaFileRow, 'id' | 'createdAt'>): Promise<MediaFileRow | null> {
			const slot = `${file.kind}:${file.unitId ?? ''}`;
			return db.$transaction(async (tx) => {
				const meeting = await tx.meeting.findUnique({ where: { id: file.meetingId }, select: { recordingDeletedAt: true } });
				if (!meeting || meeting.recordingDeletedAt) {
					return null;
				}
				return tx.mediaFile.upsert({ where: { meetingId_slot: { meetingId: file.meetingId, slot } }, create: { ...file, slot }, update: {} });
			});
		},

		/**
		 * The rows of the meeting's media (segments and made files) deleted and the meeting marked, in
		 * one transaction; returns the file names to remove from disk (after the commit: a crash between
		 * leaves orphan files, which the next deletion pass removes, never rows without files).
		 */
		async deleteMedia(meetingId: string, reason: 'retention' | 'manual', at: Date): Promise<string[]> {
			return db.$transaction(async (tx) => {
				const segments = await tx.recordingSegment.findMany({ where: { meetingId }, select: { fileName: true } });
				const media = await tx.mediaFile.findMany({ where: { meetingId }, select: { fileName: true } });
				await tx.recordingSegment.deleteMany({ where: { meetingId } });
				await tx.mediaFile.deleteMany({ where: { meetingId } });
				// Who spoke when goes with the media: only the transcript and the minutes stay.
				await tx.speakerChange.deleteMany({ where: { meetingId } });
				await tx.meeting.update({ where: { id: meetingId }, data: { recordingDeletedAt: at, recordingDeletedReason: reason }, select: { id: true } });
				return [...segments, ...media].map((f) => f.fileName);
			});
		},

		/** Ended meetings whose media are older than the retention period and still kept. */
		async expiredMeetings(endedBefore: Date): Promise<string[]> {
			const rows = await db.meeting.findMany({
				where: { status: 'ended', endedAt: { lt: endedBefore }, recordingDeletedAt: null, OR: [{ recordingSegments: { some: {} } }, { mediaFiles: { some: {} } }] },
				select: { id: true },
				take: 100,
			});
			return rows.map((r) => r.id);
		},

		/** Ended meetings with recordings and no export yet (e.g. the server stopped before it was queued). */
		async meetingsAwaitingExport(): Promise<string[]> {
			const rows = await db.meeting.findMany({
				where: { status: 'ended', recordingDeletedAt: null, recordingRuns: { some: {} }, jobs: { none: { kind: 'export-meeting' } } },
				select: { id: true },
				take: 100,
			});
			return rows.map((r) => r.id);
		},
	};
}

export type MediaRepository = ReturnType<typeof createMediaRepository>;

export type RecordingRepository = ReturnType<typeof createRecordingRepository>;
