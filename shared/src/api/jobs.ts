import { Type, type Static } from 'typebox';
import { DateTime } from './common.ts';

/** A background job's life: queued → running → done, or back to queued for a retry, or failed / cancelled. */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * A meeting's background job (joining audio, transcription, mixing, MP4) as the meeting page shows
 * it. Neither the payload nor the result is included: they hold server paths, not things to show.
 */
export const JobSummary = Type.Object({
	id: Type.String(),
	/** What runs, e.g. "transcribe-segment"; the client names each kind in words. */
	kind: Type.String(),
	status: Type.Enum(JOB_STATUSES),
	/** 0-100 while running; 100 once done. */
	progress: Type.Integer({ minimum: 0, maximum: 100 }),
	/** Attempts started so far, including the running one. */
	attempts: Type.Integer(),
	maxAttempts: Type.Integer(),
	/** The last failure's message, also while a retry waits; "" if none. */
	error: Type.String(),
	createdAt: DateTime,
	updatedAt: DateTime,
	/** When a queued job may start (later than createdAt while a retry backs off). */
	runAfter: DateTime,
	finishedAt: Type.Union([DateTime, Type.Null()]),
});
export type JobSummary = Static<typeof JobSummary>;
