import { describe, expect, it } from 'vitest';
import {
	foldText,
	formatBytes,
	formatClock,
	isLowConfidence,
	jobsOverview,
	matchesFilter,
	pickAudio,
	runStats,
	sortSegments,
	workPending,
} from '../../../client/src/meetings/recording-format.ts';
import type { JobSummary } from '../../../shared/src/api/jobs.ts';
import type { MediaFileView, RecordingRunView, TranscriptSegmentView } from '../../../shared/src/api/recordings.ts';

function media(kind: MediaFileView['kind'], unitId: string | null, id = `${kind}-${unitId ?? 'all'}`): MediaFileView {
	return { id, kind, unitId, mimeType: 'audio/ogg', durationMs: 1000, sizeBytes: 1, sha256: '', url: `/media/${id}`, createdAt: '2025-01-01T00:00:00.000Z' };
}

function job(kind: string, status: JobSummary['status'], createdAt: string, extra: Partial<JobSummary> = {}): JobSummary {
	return {
		id: `${kind}-${createdAt}`,
		kind,
		status,
		progress: 0,
		attempts: 1,
		maxAttempts: 3,
		error: '',
		createdAt,
		updatedAt: createdAt,
		runAfter: createdAt,
		finishedAt: null,
		...extra,
	};
}

function segment(id: string, startMs: number, unitName: string, text = ''): TranscriptSegmentView {
	return { id, unitId: unitName, unitName, startMs, endMs: startMs + 1000, text, machineText: text, confidence: 0.9, editedBy: null, editedAt: null };
}

describe('formatClock', () => {
	it('writes mm:ss under an hour and h:mm:ss from an hour on', () => {
		expect(formatClock(0)).toBe('00:00');
		expect(formatClock(65_999)).toBe('01:05');
		expect(formatClock(59 * 60_000 + 59_000)).toBe('59:59');
		expect(formatClock(3_600_000)).toBe('1:00:00');
		expect(formatClock(2 * 3_600_000 + 3 * 60_000 + 4_000)).toBe('2:03:04');
	});

	it('shows a negative time (clock skew) as the start', () => {
		expect(formatClock(-500)).toBe('00:00');
	});
});

describe('formatBytes', () => {
	it('uses the locale’s decimal mark and binary units', () => {
		expect(formatBytes(512, 'vi')).toBe('512 B');
		expect(formatBytes(1536, 'en')).toBe('1.5 KB');
		expect(formatBytes(1536, 'vi')).toBe('1,5 KB');
		expect(formatBytes(5 * 1024 ** 3, 'en')).toBe('5.0 GB');
	});
});

describe('pickAudio', () => {
	const files = [media('video', null), media('mixed-audio', null), media('site-audio', 'xa-a'), media('site-audio', 'xa-b')];

	it('plays the site’s own audio when it exists', () => {
		expect(pickAudio(files, 'xa-b')?.id).toBe('site-audio-xa-b');
	});

	it('falls back to the mixed audio, never to the video', () => {
		expect(pickAudio(files, 'xa-c')?.id).toBe('mixed-audio-all');
		expect(pickAudio([media('video', null)], 'xa-a')).toBeNull();
		expect(pickAudio([], 'xa-a')).toBeNull();
	});
});

describe('runStats', () => {
	const run = (endMs: number | null): RecordingRunView => ({ id: 'r', hasAudio: true, hasVideo: true, startMs: 0, endMs, endReason: '', segments: 1, sizeBytes: 1 });

	it('counts the gaps between runs and notices a run still recording', () => {
		expect(runStats([])).toEqual({ runs: 0, gaps: 0, recording: false });
		expect(runStats([run(10), run(20), run(null)])).toEqual({ runs: 3, gaps: 2, recording: true });
	});
});

describe('transcript helpers', () => {
	it('orders by the meeting clock, then by unit name', () => {
		const sorted = sortSegments([segment('c', 5000, 'Xã B'), segment('a', 1000, 'Xã C'), segment('b', 5000, 'Xã A')]);
		expect(sorted.map((s) => s.id)).toEqual(['a', 'b', 'c']);
	});

	it('finds text without tone marks and by unit name', () => {
		expect(foldText('Ủy ban Đông Hòa')).toBe('uy ban dong hoa');
		const s = segment('a', 0, 'Xã Đông Hòa', 'Báo cáo tiến độ giải ngân');
		expect(matchesFilter(s, 'giai ngan')).toBe(true);
		expect(matchesFilter(s, 'dong hoa')).toBe(true);
		expect(matchesFilter(s, '  ')).toBe(true);
		expect(matchesFilter(s, 'ngân sách')).toBe(false);
	});

	it('marks confidence under one half as low', () => {
		expect(isLowConfidence({ confidence: 0.49 })).toBe(true);
		expect(isLowConfidence({ confidence: 0.5 })).toBe(false);
	});
});

describe('jobsOverview', () => {
	it('shows the newest export only and counts transcription still to come', () => {
		const overview = jobsOverview([
			job('export-meeting', 'failed', '2025-01-01T10:00:00.000Z', { error: 'ffmpeg exited 1' }),
			job('export-meeting', 'running', '2025-01-01T10:05:00.000Z', { progress: 40 }),
			job('transcribe-region', 'queued', '2025-01-01T10:01:00.000Z'),
			job('transcribe-region', 'running', '2025-01-01T10:02:00.000Z'),
			job('transcribe-region', 'done', '2025-01-01T10:00:30.000Z'),
			job('transcribe-region', 'failed', '2025-01-01T10:00:40.000Z'),
			job('recording-retention', 'done', '2025-01-01T10:00:50.000Z'),
		]);
		expect(overview.exportJob?.status).toBe('running');
		expect(overview.exportJob?.progress).toBe(40);
		expect(overview.transcribePending).toBe(2);
		expect(overview.transcribeFailed).toHaveLength(1);
		expect(overview.otherFailed).toEqual([]);
	});

	it('groups the failures of the other kinds and notices a running retention', () => {
		const overview = jobsOverview([job('recording-retention', 'failed', '2025-01-01T10:00:00.000Z', { error: 'disk full' }), job('recording-retention', 'running', '2025-01-02T10:00:00.000Z')]);
		expect(overview.otherFailed).toEqual([{ kind: 'recording-retention', count: 1, lastError: 'disk full' }]);
		expect(overview.retentionRunning).toBe(true);
		expect(overview.exportJob).toBeNull();
	});

	it('says whether anything is still to come', () => {
		expect(workPending([job('export-meeting', 'done', '2025-01-01T10:00:00.000Z')], 0)).toBe(false);
		expect(workPending([job('export-meeting', 'queued', '2025-01-01T10:00:00.000Z')], 0)).toBe(true);
		expect(workPending([], 3)).toBe(true);
	});
});
