import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '#shared/api/common.ts';
import { MeetingParams } from '#shared/api/meetings.ts';
import { MeetingTranscript, TranscriptCorrection, TranscriptQuery, TranscriptSegmentParams, TranscriptSegmentView } from '#shared/api/recordings.ts';
import { ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { createMeetingsService } from '../meetings/meetings.service.ts';
import { meetingMediaAccess } from '../meetings/meeting-media-access.ts';
import { JOB_KINDS } from './transcription-pipeline.ts';
import { toSrt, toWebVtt } from './transcript-formats.ts';
import type { TranscriptRepository } from './transcript.repository.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError };

type Row = Awaited<ReturnType<TranscriptRepository['list']>>[number];

function view(row: Row): TranscriptSegmentView {
	return {
		id: row.id,
		unitId: row.unitId,
		unitName: row.unit.name,
		startMs: row.startMs,
		endMs: row.endMs,
		text: row.text ?? row.machineText,
		machineText: row.machineText,
		confidence: row.confidence,
		editedBy: row.editedBy && row.editedAt ? { id: row.editedBy.id, name: row.editedBy.displayName } : null,
		editedAt: row.editedAt?.toISOString() ?? null,
	};
}

const TRANSCRIPTION_KINDS: ReadonlySet<string> = new Set(Object.values(JOB_KINDS));

/** The transcript: read (host unit: every site; a commune: its own), exported, corrected by the host unit's secretaries. */
const transcriptRoutes: FastifyPluginAsyncTypebox<{ repo: TranscriptRepository; notify: (meetingId: string) => void }> = async (fastify, { repo, notify }) => {
	fastify.get(
		'/api/meetings/:id/transcript',
		{
			schema: {
				tags: ['transcript'],
				summary: 'The meeting’s transcript on the meeting clock, per site; format=vtt|srt|json downloads it',
				params: MeetingParams,
				querystring: TranscriptQuery,
				response: { 200: MeetingTranscript, ...errors },
			},
		},
		async (request, reply) => {
			const { meeting, scope } = await meetingMediaAccess(fastify, request, request.params.id);
			// What people said: kept out of shared caches and the browser's disk cache.
			reply.header('cache-control', 'private, no-store');
			const segments = (await repo.list(meeting.id, scope.unitIds)).map(view);
			const format = request.query.format;
			const day = (meeting.startedAt ?? meeting.startsAt).slice(0, 10);
			if (format === 'vtt' || format === 'srt') {
				const cues = segments.map((s) => ({ startMs: s.startMs, endMs: s.endMs, unitName: s.unitName, text: s.text }));
				return reply
					.type(format === 'vtt' ? 'text/vtt; charset=utf-8' : 'application/x-subrip; charset=utf-8')
					.header('content-disposition', `attachment; filename="giaoban-${day}-loi-thoai.${format}"`)
					// Text, not the JSON body the schema describes for the default format.
					.serializer((text) => text as string)
					.send((format === 'vtt' ? toWebVtt(cues) : toSrt(cues)) as never);
			}
			const jobs = (await fastify.jobs.listForMeeting(meeting.id)).filter((j) => TRANSCRIPTION_KINDS.has(j.kind));
			const pending = jobs.filter((j) => j.status === 'queued' || j.status === 'running').length;
			const failed = jobs.filter((j) => j.status === 'failed' || (j.status === 'queued' && j.error !== '')).at(-1);
			const body: MeetingTranscript = {
				meetingId: meeting.id,
				segments,
				pending,
				// Failure text names server paths and programs: the host unit only.
				problem: failed && scope.unitIds === null ? failed.error : '',
			};
			if (format === 'json') {
				reply.header('content-disposition', `attachment; filename="giaoban-${day}-loi-thoai.json"`);
			}
			return body;
		}
	);

	fastify.patch(
		'/api/meetings/:id/transcript/:segmentId',
		{
			schema: {
				tags: ['transcript'],
				summary: 'Correct a transcript line (the machine text is kept beside it); an empty text restores the machine text',
				params: TranscriptSegmentParams,
				body: TranscriptCorrection,
				response: { 200: TranscriptSegmentView, ...errors },
			},
		},
		async (request) => {
			const { user, meeting, canCorrect } = await meetingMediaAccess(fastify, request, request.params.id);
			if (!canCorrect) {
				throw new ForbiddenError('Only the host unit’s secretaries and administrators correct the transcript');
			}
			const line = await repo.find(meeting.id, request.params.segmentId);
			if (!line) {
				throw new NotFoundError('No such transcript line');
			}
			const text = request.body.text.trim();
			await repo.correct(line.id, text === '' || text === line.machineText ? null : text, user.id, new Date());
			await createMeetingsService(createMeetingsRepository(fastify.db), { publicUrl: () => '', address: request.ip }).logAction(meeting.id, user.id, 'transcript.corrected', line.unitId);
			notify(meeting.id);
			const updated = (await repo.list(meeting.id, null)).find((s) => s.id === line.id);
			if (!updated) {
				throw new NotFoundError('No such transcript line');
			}
			return view(updated);
		}
	);
};

export default transcriptRoutes;
