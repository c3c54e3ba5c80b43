import { Type, type Static } from 'typebox';
import { DateTime, Uuid } from './common.ts';

/** One recorded stretch of a site (one recorder run): a gap lies between two runs. Times on the meeting clock. */
export const RecordingRunView = Type.Object({
	id: Type.String(),
	hasAudio: Type.Boolean(),
	hasVideo: Type.Boolean(),
	/** Milliseconds since the meeting started. */
	startMs: Type.Integer(),
	/** null while the run is still recording. */
	endMs: Type.Union([Type.Integer(), Type.Null()]),
	/** Why it ended: "tracks-changed", "left", "meeting-ended", "paused", "recorder-exit", "server-restart". */
	endReason: Type.String(),
	segments: Type.Integer(),
	sizeBytes: Type.Integer(),
});
export type RecordingRunView = Static<typeof RecordingRunView>;

export const MEDIA_KINDS = ['site-audio', 'mixed-audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A file made after the meeting: one site's audio with its gaps, the whole meeting mixed, or the MP4. */
export const MediaFileView = Type.Object({
	id: Type.String(),
	kind: Type.Enum(MEDIA_KINDS),
	/** The site's unit for site-audio, else null. */
	unitId: Type.Union([Type.String(), Type.Null()]),
	mimeType: Type.String(),
	durationMs: Type.Integer(),
	sizeBytes: Type.Integer(),
	sha256: Type.String(),
	/** GET this (cookie session) to download or play; it answers Range requests. */
	url: Type.String(),
	createdAt: DateTime,
});
export type MediaFileView = Static<typeof MediaFileView>;

export const SiteRecordingView = Type.Object({
	unitId: Type.String(),
	unitName: Type.String(),
	runs: Type.Array(RecordingRunView),
	/** Total recorded time (sum of the runs). */
	recordedMs: Type.Integer(),
});
export type SiteRecordingView = Static<typeof SiteRecordingView>;

/** GET /api/meetings/:id/recordings: what the caller may see (the host unit all sites, a commune its own). */
export const MeetingRecordings = Type.Object({
	/** Recording is on for this meeting (it can be switched off when scheduling). */
	enabled: Type.Boolean(),
	/** The chair has paused it (live meetings only). */
	paused: Type.Boolean(),
	sites: Type.Array(SiteRecordingView),
	media: Type.Array(MediaFileView),
	/** Media deleted by the retention period or by hand: when and why; null while kept. */
	deleted: Type.Union([Type.Object({ at: DateTime, reason: Type.Union([Type.Literal('retention'), Type.Literal('manual')]) }), Type.Null()]),
	/** Whether the caller may correct the transcript and delete the recordings. */
	canEditTranscript: Type.Boolean(),
	canDelete: Type.Boolean(),
});
export type MeetingRecordings = Static<typeof MeetingRecordings>;

/** One transcribed utterance of one site, on the meeting clock. */
export const TranscriptSegmentView = Type.Object({
	id: Type.String(),
	unitId: Type.String(),
	unitName: Type.String(),
	startMs: Type.Integer(),
	endMs: Type.Integer(),
	/** The corrected text if a secretary corrected it, else the machine's. */
	text: Type.String(),
	/** What whisper.cpp wrote (kept beside a correction). */
	machineText: Type.String(),
	/** Mean token probability, 0-1. */
	confidence: Type.Number(),
	/** Who corrected it and when; null while machine text. */
	editedBy: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
	editedAt: Type.Union([DateTime, Type.Null()]),
});
export type TranscriptSegmentView = Static<typeof TranscriptSegmentView>;

/** GET /api/meetings/:id/transcript (format=json is the same with Content-Disposition: attachment). */
export const MeetingTranscript = Type.Object({
	meetingId: Type.String(),
	segments: Type.Array(TranscriptSegmentView),
	/** Speech stretches queued or being transcribed; 0 when the transcript is complete. */
	pending: Type.Integer(),
	/** The last transcription failure for the host unit (e.g. no model configured), else "". */
	problem: Type.String(),
});
export type MeetingTranscript = Static<typeof MeetingTranscript>;

export const TRANSCRIPT_FORMATS = ['json', 'vtt', 'srt'] as const;
export const TranscriptQuery = Type.Object({ format: Type.Optional(Type.Enum(TRANSCRIPT_FORMATS)) }, { additionalProperties: false });

export const TranscriptSegmentParams = Type.Object({ id: Uuid, segmentId: Uuid });
export const MediaParams = Type.Object({ id: Uuid, mediaId: Uuid });

/** PATCH body: the corrected text; an empty string restores the machine's text. */
export const TranscriptCorrection = Type.Object({ text: Type.String({ maxLength: 4000 }) }, { additionalProperties: false });
