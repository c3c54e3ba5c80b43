import type { Database } from '../../db/open-database.ts';
import type { SpeechSpan } from './speech-detect.ts';

export type NewTranscriptLine = { startMs: number; endMs: number; text: string; confidence: number };

/** Speech analysis of the recorded segments, and the transcript made from it. */
export function createTranscriptRepository(db: Database) {
	return {
		async segmentForAnalysis(segmentId: string) {
			return db.recordingSegment.findUnique({
				where: { id: segmentId },
				select: { id: true, runId: true, meetingId: true, unitId: true, fileName: true, speech: true, run: { select: { hasAudio: true } } },
			});
		},

		async setSpeech(segmentId: string, speech: readonly SpeechSpan[]): Promise<void> {
			await db.recordingSegment.update({ where: { id: segmentId }, data: { speech: JSON.stringify(speech) }, select: { id: true } });
		},

		/** A run's segments in order with their analysis, whether it ended, and whose it is. */
		async runForPlanning(runId: string) {
			const run = await db.recordingRun.findUnique({
				where: { id: runId },
				select: {
					id: true,
					meetingId: true,
					unitId: true,
					hasAudio: true,
					endMs: true,
					segments: { orderBy: { sequence: 'asc' }, select: { id: true, sequence: true, startMs: true, endMs: true, fileName: true, speech: true } },
				},
			});
			if (!run) {
				return null;
			}
			return { ...run, segments: run.segments.map((s) => ({ ...s, speech: s.speech === null ? null : (JSON.parse(s.speech) as SpeechSpan[]) })) };
		},

		async recentlyEndedAudioRuns(since: Date) {
			return db.recordingRun.findMany({ where: { hasAudio: true, endMs: { not: null }, createdAt: { gte: since }, meeting: { recordingDeletedAt: null } }, select: { id: true, meetingId: true } });
		},

		async segmentFiles(ids: readonly string[]) {
			const rows = await db.recordingSegment.findMany({ where: { id: { in: [...ids] } }, select: { id: true, fileName: true, startMs: true, endMs: true } });
			return rows.sort((a, b) => a.startMs - b.startMs);
		},

		async regionDone(regionKey: string): Promise<boolean> {
			return (await db.transcriptSegment.count({ where: { regionKey } })) > 0;
		},

		/**
		 * Stores a region's lines once: a region transcribed again (its job retried after a crash
		 * between the write and the job's completion) finds its lines there and writes nothing.
		 * A region without words gets one empty marker line, so that it counts as done.
		 */
		async addRegion(region: { key: string; meetingId: string; unitId: string }, lines: readonly NewTranscriptLine[]): Promise<boolean> {
			return db.$transaction(async (tx) => {
				if ((await tx.transcriptSegment.count({ where: { regionKey: region.key } })) > 0) {
					return false;
				}
				for (const [position, line] of lines.entries()) {
					await tx.transcriptSegment.create({
						data: { meetingId: region.meetingId, unitId: region.unitId, regionKey: region.key, position, startMs: line.startMs, endMs: line.endMs, machineText: line.text, confidence: line.confidence },
						select: { id: true },
					});
				}
				return true;
			});
		},

		/** `unitIds` null: every site's lines. */
		async list(meetingId: string, unitIds: string[] | null) {
			return db.transcriptSegment.findMany({
				where: { meetingId, machineText: { not: '' }, ...(unitIds ? { unitId: { in: unitIds } } : {}) },
				orderBy: [{ startMs: 'asc' }, { unitId: 'asc' }, { position: 'asc' }],
				select: {
					id: true,
					unitId: true,
					unit: { select: { name: true } },
					startMs: true,
					endMs: true,
					machineText: true,
					text: true,
					confidence: true,
					editedAt: true,
					editedBy: { select: { id: true, displayName: true } },
				},
			});
		},

		async find(meetingId: string, id: string) {
			return db.transcriptSegment.findFirst({ where: { id, meetingId, machineText: { not: '' } }, select: { id: true, unitId: true, machineText: true, text: true } });
		},

		/** `text` null restores the machine's text. */
		async correct(id: string, text: string | null, userId: string, at: Date): Promise<void> {
			await db.transcriptSegment.update({
				where: { id },
				data: text === null ? { text: null, editedById: null, editedAt: null } : { text, editedById: userId, editedAt: at },
				select: { id: true },
			});
		},
	};
}

export type TranscriptRepository = ReturnType<typeof createTranscriptRepository>;
