import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobSummary } from '#shared/api/jobs.ts';
import type { MeetingRecordings, MeetingTranscript, TranscriptSegmentView } from '#shared/api/recordings.ts';
import { api, ApiError } from '../api/http.ts';
import type { AppSocket } from '../signaling/socket.ts';
import { workPending } from './recording-format.ts';
import { useMeetingWatch, type WatchTopic } from './use-meeting-watch.ts';

/** Polling while the socket cannot tell us: often enough to see an export finish, rare enough for a commune's link. */
const POLL_MS = 10_000;
/** While live and not watched, the recording status (paused or not) is fetched again at this pace. */
const LIVE_STATUS_MS = 15_000;

export type MeetingRecords = {
	/** null while loading, or when the caller may not see them (404: the panel stays hidden). */
	recordings: MeetingRecordings | null;
	jobs: JobSummary[];
	transcript: MeetingTranscript | null;
	/** The last failure to load (the thrown error, for useErrorText); null when all loaded. */
	error: unknown;
	reload: (topics?: ReadonlySet<WatchTopic>) => void;
	/** Puts a corrected segment in place at once, without waiting for the refetch the correction announces. */
	replaceSegment: (segment: TranscriptSegmentView) => void;
};

const notAllowed = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 403);

/**
 * The recordings, jobs and transcript of one meeting, kept current: refetched when the server
 * announces a change (meeting:watch), by polling while it cannot, and never overwritten by an
 * answer older than the one already shown.
 */
export function useMeetingRecords(meetingId: string, socket: AppSocket | null, live: boolean, onMeetingChanged?: () => void): MeetingRecords {
	const [recordings, setRecordings] = useState<MeetingRecordings | null>(null);
	const [jobs, setJobs] = useState<JobSummary[]>([]);
	const [transcript, setTranscript] = useState<MeetingTranscript | null>(null);
	const [error, setError] = useState<unknown>(null);
	// Per resource, the number of the newest request: a slower older answer is dropped.
	const sequence = useRef({ jobs: 0, transcript: 0, recordings: 0 });

	const fetchOne = useCallback(
		<T>(topic: 'jobs' | 'transcript' | 'recordings', path: string, apply: (value: T | null) => void) => {
			const seq = ++sequence.current[topic];
			api<T>('GET', path).then(
				(value) => {
					if (seq === sequence.current[topic]) {
						apply(value);
						setError(null);
					}
				},
				(e: unknown) => {
					if (seq !== sequence.current[topic]) {
						return;
					}
					if (notAllowed(e)) {
						apply(null);
					} else {
						setError(e);
					}
				}
			);
		},
		[]
	);

	const reload = useCallback(
		(topics?: ReadonlySet<WatchTopic>) => {
			const all = !topics;
			if (topics?.has('meeting')) {
				// Started or ended: the page's meeting (status, times) is fetched again by its owner.
				onMeetingChanged?.();
			}
			if (all || topics.has('recordings') || topics.has('meeting')) {
				fetchOne<MeetingRecordings>('recordings', `/api/meetings/${meetingId}/recordings`, setRecordings);
			}
			if (all || topics.has('jobs')) {
				fetchOne<JobSummary[]>('jobs', `/api/meetings/${meetingId}/jobs`, (value) => setJobs(value ?? []));
			}
			// Not on 'jobs': an export reports progress every few seconds, and a transcript of a long
			// meeting is large; new segments are announced as 'transcript' by themselves.
			if (all || topics.has('transcript')) {
				fetchOne<MeetingTranscript>('transcript', `/api/meetings/${meetingId}/transcript`, setTranscript);
			}
		},
		[fetchOne, meetingId, onMeetingChanged]
	);

	useEffect(() => {
		setRecordings(null);
		setJobs([]);
		setTranscript(null);
		reload();
	}, [reload]);

	const watching = useMeetingWatch(socket, meetingId, reload);

	const pending = workPending(jobs, transcript?.pending ?? 0);
	useEffect(() => {
		if (watching || !pending) {
			return undefined;
		}
		const timer = setInterval(() => reload(), POLL_MS);
		return () => clearInterval(timer);
	}, [watching, pending, reload]);

	// While watched, pausing is announced through the runs it ends; unwatched, only polling shows it.
	useEffect(() => {
		if (!live || watching) {
			return undefined;
		}
		const timer = setInterval(() => reload(new Set(['recordings'])), LIVE_STATUS_MS);
		return () => clearInterval(timer);
	}, [live, watching, reload]);

	const replaceSegment = useCallback((segment: TranscriptSegmentView) => {
		// Answers to requests sent before the correction would show the old text again.
		sequence.current.transcript += 1;
		setTranscript((current) => current && { ...current, segments: current.segments.map((s) => (s.id === segment.id ? segment : s)) });
	}, []);

	return { recordings, jobs, transcript, error, reload, replaceSegment };
}
