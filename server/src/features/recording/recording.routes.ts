import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '#shared/api/common.ts';
import { MeetingParams } from '#shared/api/meetings.ts';
import { MediaParams, MeetingRecordings, type MediaFileView, type MediaKind } from '#shared/api/recordings.ts';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import { meetingMediaAccess } from '../meetings/meeting-media-access.ts';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { createMeetingsService } from '../meetings/meetings.service.ts';
import { parseByteRange } from './byte-range.ts';
import type { MediaStore } from './media-store.ts';
import type { MediaFileRow, MediaRepository, RecordingRepository } from './recording.repository.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

export type RecordingRoutesOptions = {
	recordings: RecordingRepository;
	media: MediaRepository;
	store: MediaStore;
	/** Deletes the meeting's media (files and rows together) and tells its watchers. */
	deleteMedia: (meetingId: string, reason: 'retention' | 'manual') => Promise<number>;
};

function mediaView(meetingId: string, row: MediaFileRow): MediaFileView {
	return {
		id: row.id,
		kind: row.kind as MediaKind,
		unitId: row.unitId,
		mimeType: row.mimeType,
		durationMs: row.durationMs,
		sizeBytes: row.sizeBytes,
		sha256: row.sha256,
		url: `/api/meetings/${meetingId}/media/${row.id}`,
		createdAt: row.createdAt.toISOString(),
	};
}

/** Download names: the meeting's date and the kind, ASCII so every browser and OS keeps them. */
function downloadName(row: MediaFileRow, startedAt: string | null): string {
	const day = (startedAt ?? row.createdAt.toISOString()).slice(0, 10);
	const ext = row.fileName.slice(row.fileName.lastIndexOf('.'));
	const what = row.kind === 'video' ? 'cuoc-hop' : row.kind === 'mixed-audio' ? 'am-thanh' : `am-thanh-diem-cau-${row.unitId ?? ''}`;
	return `giaoban-${day}-${what}${ext}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

const recordingRoutes: FastifyPluginAsyncTypebox<RecordingRoutesOptions> = async (fastify, options) => {
	fastify.get(
		'/api/meetings/:id/recordings',
		{
			schema: {
				tags: ['recordings'],
				summary: 'The meeting’s recordings per site and the files made after it (the host unit sees every site, a commune its own)',
				params: MeetingParams,
				response: { 200: MeetingRecordings, ...errors },
			},
		},
		async (request) => {
			const { meeting, scope, canCorrect, canManage: manage } = await meetingMediaAccess(fastify, request, request.params.id);
			const state = await options.media.meeting(meeting.id);
			const runs = await options.recordings.listForMeeting(meeting.id, scope.unitIds);
			const sites = new Map<string, MeetingRecordings['sites'][number]>();
			for (const run of runs) {
				let site = sites.get(run.unitId);
				if (!site) {
					site = { unitId: run.unitId, unitName: run.unit.name, runs: [], recordedMs: 0 };
					sites.set(run.unitId, site);
				}
				const end = run.endMs ?? Math.max(run.startMs, ...run.segments.map((s) => s.endMs));
				site.recordedMs += end - run.startMs;
				site.runs.push({
					id: run.id,
					hasAudio: run.hasAudio,
					hasVideo: run.hasVideo,
					startMs: run.startMs,
					endMs: run.endMs,
					endReason: run.endReason,
					segments: run.segments.length,
					sizeBytes: run.segments.reduce((sum, s) => sum + s.sizeBytes, 0),
				});
			}
			// Mixed audio and the MP4 carry every site: only for those who see every site.
			const media = (await options.media.mediaFiles(meeting.id, scope.unitIds)).filter((m) => scope.unitIds === null || m.kind === 'site-audio');
			return {
				enabled: state?.recordingEnabled ?? false,
				paused: state?.recordingPaused ?? false,
				sites: [...sites.values()].sort((a, b) => a.unitName.localeCompare(b.unitName, 'vi')),
				media: media.map((m) => mediaView(meeting.id, m)),
				deleted: state?.recordingDeletedAt ? { at: state.recordingDeletedAt.toISOString(), reason: state.recordingDeletedReason === 'retention' ? 'retention' : 'manual' } : null,
				canEditTranscript: canCorrect,
				canDelete: manage && meeting.status === 'ended' && !state?.recordingDeletedAt,
			} satisfies MeetingRecordings;
		}
	);

	fastify.get(
		'/api/meetings/:id/media/:mediaId',
		{ schema: { tags: ['recordings'], summary: 'Download or play a file made after the meeting (answers Range requests)', params: MediaParams } },
		async (request, reply) => {
			const { meeting, scope } = await meetingMediaAccess(fastify, request, request.params.id);
			const row = await options.media.mediaFile(meeting.id, request.params.mediaId);
			if (!row || (scope.unitIds !== null && (row.kind !== 'site-audio' || row.unitId === null || !scope.unitIds.includes(row.unitId)))) {
				throw new NotFoundError('No such recording');
			}
			const size = await options.store.size(meeting.id, row.fileName);
			if (size === null) {
				throw new NotFoundError('The file of this recording is missing');
			}
			const range = parseByteRange(request.headers.range, size);
			if (range === 'unsatisfiable') {
				return reply.code(416).header('content-range', `bytes */${size}`).send({ code: 'invalid_payload', message: 'Range outside the file' });
			}
			reply
				.type(row.mimeType)
				.header('accept-ranges', 'bytes')
				.header('cache-control', 'private, no-store')
				.header('content-disposition', `attachment; filename="${downloadName(row, meeting.startedAt)}"`);
			if (range) {
				return reply
					.code(206)
					.header('content-range', `bytes ${range.start}-${range.end}/${size}`)
					.header('content-length', range.end - range.start + 1)
					.send(options.store.open(meeting.id, row.fileName, range));
			}
			return reply.header('content-length', size).send(options.store.open(meeting.id, row.fileName));
		}
	);

	fastify.delete(
		'/api/meetings/:id/recordings',
		{
			schema: {
				tags: ['recordings'],
				summary: 'Delete the meeting’s recorded media (segments, audio, MP4); the transcript stays',
				params: MeetingParams,
				response: { 204: Type.Null(), ...errors },
			},
		},
		async (request, reply) => {
			const { user, meeting, canManage: manage } = await meetingMediaAccess(fastify, request, request.params.id);
			if (!manage) {
				throw new ForbiddenError('Only an administrator of the host unit deletes recordings');
			}
			if (meeting.status !== 'ended') {
				throw new InvalidStateError('Recordings are deleted once the meeting has ended');
			}
			const files = await options.deleteMedia(meeting.id, 'manual');
			await fastify.audit.record('recordings.deleted', { actorId: user.id, unitId: user.unit.id, address: request.ip, detail: { meetingId: meeting.id, files } });
			await createMeetingsService(createMeetingsRepository(fastify.db), { publicUrl: () => '', address: request.ip }).logAction(meeting.id, user.id, 'recordings.deleted');
			return reply.code(204).send(null);
		}
	);
};

export default recordingRoutes;
