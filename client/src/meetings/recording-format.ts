import type { JobSummary } from '#shared/api/jobs.ts';
import type { MediaFileView, RecordingRunView, TranscriptSegmentView } from '#shared/api/recordings.ts';

/**
 * Pure helpers of the recordings panel and the transcript (no React, no DOM), kept apart so that
 * the unit tests run them in node.
 */

/** A time on the meeting clock: mm:ss under an hour, else h:mm:ss (the form of a minutes' time stamps). */
export function formatClock(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	const pad = (n: number) => String(n).padStart(2, '0');
	return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** A file size with one decimal in the locale's notation ("12,3 MB" in Vietnamese); binary units as the attachment list. */
export function formatBytes(bytes: number, locale: 'vi' | 'en'): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let value = Math.max(0, bytes);
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit += 1;
	}
	const digits = unit === 0 ? 0 : 1;
	const number = new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
	return `${number} ${units[unit]}`;
}

/**
 * What to play for a segment: its own site's audio when it was made (only that site's voice, so
 * a correction can be checked against what was said), else the whole meeting mixed; null when
 * neither exists (not made yet, or deleted).
 */
export function pickAudio(media: readonly MediaFileView[], unitId: string): MediaFileView | null {
	return media.find((m) => m.kind === 'site-audio' && m.unitId === unitId) ?? media.find((m) => m.kind === 'mixed-audio') ?? null;
}

/** A site's recording in numbers: its runs, the gaps between them, and whether a run is still recording. */
export function runStats(runs: readonly RecordingRunView[]): { runs: number; gaps: number; recording: boolean } {
	return { runs: runs.length, gaps: Math.max(0, runs.length - 1), recording: runs.some((r) => r.endMs === null) };
}

export const LOW_CONFIDENCE = 0.5;

export function isLowConfidence(segment: Pick<TranscriptSegmentView, 'confidence'>): boolean {
	return segment.confidence < LOW_CONFIDENCE;
}

/** Segments in meeting-clock order; at the same moment (two sites speaking at once) by unit name, steady across refetches. */
export function sortSegments(segments: readonly TranscriptSegmentView[]): TranscriptSegmentView[] {
	return [...segments].sort((a, b) => a.startMs - b.startMs || a.unitName.localeCompare(b.unitName, 'vi') || a.id.localeCompare(b.id));
}

/**
 * Folds text for a search box: lower case, without Vietnamese tone and vowel marks (đ as d), so
 * that "uy ban" finds "Ủy ban" and a typist without a Vietnamese keyboard finds what was said.
 */
export function foldText(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/đ/g, 'd')
		.replace(/Đ/g, 'D')
		.toLowerCase();
}

/** What the filter box searches in a segment, folded: the unit that spoke, what it said, and what the machine heard. */
export function searchText(segment: Pick<TranscriptSegmentView, 'text' | 'machineText' | 'unitName'>): string {
	return foldText(`${segment.unitName}\n${segment.text}\n${segment.machineText}`);
}

/** Whether a segment matches a query as typed (folded here the same way). */
export function matchesFilter(segment: Pick<TranscriptSegmentView, 'text' | 'machineText' | 'unitName'>, query: string): boolean {
	const folded = foldText(query.trim());
	return folded === '' || searchText(segment).includes(folded);
}

const ACTIVE: readonly string[] = ['queued', 'running'];

export function isActiveJob(job: JobSummary): boolean {
	return ACTIVE.includes(job.status);
}

/** The kinds the client names in words; others are shown by their code. */
export const KNOWN_JOB_KINDS = ['export-meeting', 'transcribe-region', 'analyse-segment', 'plan-regions', 'recording-retention'] as const;
export type KnownJobKind = (typeof KNOWN_JOB_KINDS)[number];

export function isKnownJobKind(kind: string): kind is KnownJobKind {
	return (KNOWN_JOB_KINDS as readonly string[]).includes(kind);
}

/**
 * The meeting's background work as the panel shows it. Exports: the newest job only (an older
 * failure that a later export replaced says nothing any more). Transcription: stretches waiting
 * or running, and those that failed for good. Every other kind (speech analysis and planning run
 * for each recorded piece, retention) only by its failures, one line per kind, and a running
 * retention (files disappear meanwhile).
 */
export type JobsOverview = {
	exportJob: JobSummary | null;
	transcribePending: number;
	transcribeFailed: JobSummary[];
	otherFailed: { kind: string; count: number; lastError: string }[];
	retentionRunning: boolean;
};

export function jobsOverview(jobs: readonly JobSummary[]): JobsOverview {
	const byAge = [...jobs].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
	const exports = byAge.filter((j) => j.kind === 'export-meeting');
	const transcribe = byAge.filter((j) => j.kind === 'transcribe-region');
	const otherFailed = new Map<string, { kind: string; count: number; lastError: string }>();
	for (const job of byAge) {
		if (job.status === 'failed' && job.kind !== 'export-meeting' && job.kind !== 'transcribe-region') {
			const entry = otherFailed.get(job.kind) ?? { kind: job.kind, count: 0, lastError: '' };
			entry.count += 1;
			entry.lastError = job.error || entry.lastError;
			otherFailed.set(job.kind, entry);
		}
	}
	return {
		exportJob: exports.at(-1) ?? null,
		transcribePending: transcribe.filter(isActiveJob).length,
		transcribeFailed: transcribe.filter((j) => j.status === 'failed'),
		otherFailed: [...otherFailed.values()],
		retentionRunning: byAge.some((j) => j.kind === 'recording-retention' && j.status === 'running'),
	};
}

/** Whether anything is still to come by itself (a job queued or running, stretches to transcribe): then polling is worth it. */
export function workPending(jobs: readonly JobSummary[], transcriptPending: number): boolean {
	return transcriptPending > 0 || jobs.some(isActiveJob);
}
