import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Producer, Router } from 'mediasoup/node/lib/types.js';
import type { MeetingEventBus, MeetingEventName, MeetingEventOf } from '../../domain/meeting-events.ts';
import { SerialQueue } from '../../lib/serial-queue.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import type { PortPool } from './port-pool.ts';
import type { RecordingRepository } from './recording.repository.ts';
import { parseSegmentList, sha256File } from './segment-recorder.ts';
import { SiteRecorder } from './site-recorder.ts';

type Log = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type RecordingManagerOptions = {
	events: MeetingEventBus;
	repo: RecordingRepository;
	pool: PortPool;
	/** DATA_DIR/recordings: one folder per meeting. */
	dir: string;
	segmentSeconds: number;
	log: Log;
	ffmpegPath?: string;
	/** Waits this long after a track change before restarting a site's run (mic and camera arrive together). */
	settleMs?: number;
};

type Track = { producer: Producer; kind: 'audio' | 'video'; paused: boolean };

type Run = { id: string; recorder: SiteRecorder; startMs: number; producerIds: string; hasAudio: boolean };

type Site = {
	meetingId: string;
	/** Kept after the meeting is forgotten, for the clock of the runs it still ends. */
	meeting: MeetingState;
	unitId: string;
	router: Router | null;
	tracks: Map<string, Track>;
	run: Run | null;
	queue: SerialQueue;
	timer: NodeJS.Timeout | undefined;
	gone: boolean;
	failures: number;
};

/**
 * `recording` is read from the database when a reconcile needs it and forgotten whenever it may
 * have changed (the meeting started, the chair paused or resumed): the database is written before
 * those events. `stateVersion` counts the changes, so a read that a change overtook is not kept.
 */
type MeetingState = { startedAt: number | null; recording: { enabled: boolean; paused: boolean } | null; stateVersion: number; sites: Map<string, Site> };

export type StoredSegment = { id: string; runId: string; meetingId: string; unitId: string; hasAudio: boolean };

export type RecordingManagerEvents = {
	/** A closed segment is on disk and in the manifest. */
	'segment-stored': [StoredSegment];
	/** A run has its end in the manifest (its last segment was stored before). */
	'run-ended': [{ runId: string; meetingId: string; unitId: string; hasAudio: boolean }];
};

/** Sources recorded: a site's own voice and face (shared screens are not minutes material yet). */
const RECORDED_SOURCES = new Set(['microphone', 'camera']);

/**
 * Records every site of every live meeting, following the meeting events: one run (one ffmpeg)
 * per site at a time, restarted whenever the site's live tracks change (ffmpeg cannot add or drop
 * a track mid-file), so a mute, an unmute, a camera switched off or a rejoin each start a fresh run
 * and the time between runs is a gap on the meeting clock. A recorder that dies is replaced at
 * once. Every closed segment is hashed and written to the manifest as it closes.
 */
export class RecordingManager extends TypedEmitter<RecordingManagerEvents> {
	readonly #options: RecordingManagerOptions;
	readonly #meetings = new Map<string, MeetingState>();
	/** Meetings that ended, so that a late event (a site leaving after the end) does not bring one back. */
	readonly #ended = new Set<string>();
	readonly #unsubscribe: () => void;
	/** Sites being stopped (left, meeting ended), which close() waits for too. */
	readonly #stopping = new Set<Promise<void>>();
	#closed = false;

	constructor(options: RecordingManagerOptions) {
		super((event, error) => options.log.error({ err: error, event }, 'recording listener threw'));
		this.#options = options;
		this.#unsubscribe = options.events.onAny((event, payload) => this.#on(event, payload));
	}

	/** Runs left open by a crash end where their last stored segment ended. */
	async recoverOpenRuns(): Promise<number> {
		const open = await this.#options.repo.openRuns();
		for (const run of open) {
			// ffmpeg outlives a killed server by a few seconds (its input times out once the workers
			// are gone) and closes its segment then: what its list holds beyond the manifest is added.
			const list = await readFile(join(this.#options.dir, run.meetingId, `${run.id}.csv`), 'utf8').catch(() => '');
			const known = new Set(run.segments.map((s) => s.sequence));
			for (const segment of parseSegmentList(list).filter((s) => !known.has(s.sequence) && s.endSec - s.startSec >= 0.001)) {
				const stored = await this.#store({ meetingId: run.meetingId, unitId: run.unitId }, { id: run.id, startMs: run.startMs, hasAudio: run.hasAudio }, { ...segment, file: join(this.#options.dir, run.meetingId, segment.file) }).catch(() => null);
				if (stored) {
					run.segments.push({ sequence: segment.sequence, endMs: stored.endMs });
				}
			}
			const end = Math.max(run.startMs, ...run.segments.map((s) => s.endMs));
			await this.#options.repo.endRun(run.id, end, 'server-restart');
			this.safeEmit('run-ended', { runId: run.id, meetingId: run.meetingId, unitId: run.unitId, hasAudio: run.hasAudio });
		}
		return open.length;
	}

	/** Stops every run (their last segments are stored) and follows no more events. Idempotent. */
	async close(): Promise<void> {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.#unsubscribe();
		const sites = [...this.#meetings.values()].flatMap((m) => [...m.sites.values()]);
		await Promise.allSettled([...sites.map((site) => this.#stopSite(site, 'server-restart')), ...this.#stopping]);
		this.#meetings.clear();
	}

	#on<K extends MeetingEventName>(event: K, payload: MeetingEventOf<K>): void {
		if (this.#closed) {
			return;
		}
		const e = payload as MeetingEventOf<MeetingEventName> & { participantId?: string; unitId?: string };
		if (this.#ended.has(e.meetingId)) {
			return;
		}
		const meeting = this.#meeting(e.meetingId);
		if (e.clockMs !== null && meeting.startedAt === null) {
			meeting.startedAt = e.at.getTime() - e.clockMs;
		}
		switch (event) {
			case 'meeting:started':
				// Scheduling may have switched recording on or off while sites waited for the host.
				meeting.recording = null;
				meeting.stateVersion += 1;
				for (const site of meeting.sites.values()) {
					this.#schedule(site);
				}
				break;
			case 'meeting:ended': {
				const sites = [...meeting.sites.values()];
				this.#meetings.delete(e.meetingId);
				this.#ended.add(e.meetingId);
				if (this.#ended.size > 1000) {
					this.#ended.delete(this.#ended.values().next().value!);
				}
				for (const site of sites) {
					void this.#stopSite(site, 'meeting-ended');
				}
				break;
			}
			case 'site:left': {
				const site = meeting.sites.get(e.participantId ?? '');
				if (site) {
					meeting.sites.delete(e.participantId!);
					// The sites leave just before meeting:ended when the meeting ends.
					void this.#stopSite(site, (payload as MeetingEventOf<'site:left'>).reason === 'ended' ? 'meeting-ended' : 'left');
				}
				break;
			}
			case 'producer:added': {
				const added = payload as MeetingEventOf<'producer:added'>;
				if (!RECORDED_SOURCES.has(added.source)) {
					break;
				}
				const site = this.#site(meeting, added.meetingId, added.participantId, added.unitId);
				site.router = added.router;
				site.tracks.set(added.producerId, { producer: added.producer, kind: added.kind, paused: added.paused });
				this.#schedule(site);
				break;
			}
			case 'producer:removed':
			case 'producer:paused':
			case 'producer:resumed': {
				const changed = payload as MeetingEventOf<'producer:removed'>;
				const site = meeting.sites.get(changed.participantId);
				const track = site?.tracks.get(changed.producerId);
				if (!site || !track) {
					break;
				}
				if (event === 'producer:removed') {
					site.tracks.delete(changed.producerId);
				} else {
					track.paused = event === 'producer:paused';
				}
				this.#schedule(site);
				break;
			}
			case 'recording:changed': {
				meeting.recording = null;
				meeting.stateVersion += 1;
				for (const site of meeting.sites.values()) {
					this.#schedule(site, 0);
				}
				break;
			}
			case 'site:joined':
			case 'active-speaker':
				// A site is recorded from its first track; speakers matter to the video made afterwards.
				break;
		}
	}

	#meeting(meetingId: string): MeetingState {
		let meeting = this.#meetings.get(meetingId);
		if (!meeting) {
			meeting = { startedAt: null, recording: null, stateVersion: 0, sites: new Map() };
			this.#meetings.set(meetingId, meeting);
		}
		return meeting;
	}

	#site(meeting: MeetingState, meetingId: string, participantId: string, unitId: string): Site {
		let site = meeting.sites.get(participantId);
		if (!site) {
			site = { meetingId, meeting, unitId, router: null, tracks: new Map(), run: null, queue: new SerialQueue(), timer: undefined, gone: false, failures: 0 };
			meeting.sites.set(participantId, site);
		}
		return site;
	}

	#clock(site: Site): number | null {
		const { startedAt } = site.meeting;
		return startedAt === null ? null : Date.now() - startedAt;
	}

	#schedule(site: Site, delayMs = this.#options.settleMs ?? 300): void {
		clearTimeout(site.timer);
		site.timer = setTimeout(() => {
			site.timer = undefined;
			void site.queue.push(() => this.#reconcile(site)).catch((error: unknown) => this.#options.log.error({ err: error, meetingId: site.meetingId, unitId: site.unitId }, 'recording a site failed'));
		}, delayMs);
		site.timer.unref();
	}

	/** Makes the site's run match its live tracks: nothing to do, stop, start, or restart. */
	async #reconcile(site: Site): Promise<void> {
		const meeting = this.#meetings.get(site.meetingId);
		if (site.gone || this.#closed || !meeting) {
			return;
		}
		while (!meeting.recording) {
			const version = meeting.stateVersion;
			const state = await this.#options.repo.recordingState(site.meetingId);
			if (meeting.stateVersion === version) {
				meeting.recording = state;
			}
		}
		if (site.gone || this.#closed) {
			return;
		}
		const live = [...site.tracks.values()].filter((t) => !t.paused && !t.producer.closed);
		const recording = meeting.recording.enabled && !meeting.recording.paused;
		const wanted = meeting.startedAt !== null && recording && site.router && !site.router.closed ? live : [];
		const key = wanted.map((t) => t.producer.id).sort().join(',');
		if (site.run?.producerIds === key) {
			return;
		}
		if (site.run) {
			await this.#endRun(site, recording ? 'tracks-changed' : 'paused');
		}
		if (wanted.length === 0 || !site.router) {
			return;
		}
		const dir = join(this.#options.dir, site.meetingId);
		await mkdir(dir, { recursive: true, mode: 0o700 });
		const runId = randomUUID();
		let recorder: SiteRecorder;
		try {
			recorder = await SiteRecorder.start({
				router: site.router,
				producers: wanted.map((t) => t.producer),
				pool: this.#options.pool,
				dir,
				prefix: runId,
				segmentSeconds: this.#options.segmentSeconds,
				...(this.#options.ffmpegPath ? { ffmpegPath: this.#options.ffmpegPath } : {}),
			});
		} catch (error) {
			this.#retryLater(site, error);
			return;
		}
		if (site.gone || this.#closed || !this.#meetings.has(site.meetingId)) {
			// The site left or the meeting ended while ffmpeg started: no run for it.
			await recorder.close();
			return;
		}
		// Media starts now: the run's clock starts when ffmpeg could first receive it, and the row
		// says the same time its segments are placed by.
		const run: Run = { id: runId, recorder, startMs: this.#clock(site) ?? 0, producerIds: key, hasAudio: recorder.hasAudio };
		try {
			await this.#options.repo.startRun({ id: runId, meetingId: site.meetingId, unitId: site.unitId, hasAudio: recorder.hasAudio, hasVideo: recorder.hasVideo, startMs: run.startMs });
		} catch (error) {
			await recorder.close();
			this.#retryLater(site, error);
			return;
		}
		site.run = run;
		recorder.on('segment', (segment) => {
			void site.queue.push(() => this.#storeSegment(site, run, segment)).catch((error: unknown) => this.#options.log.error({ err: error, runId }, 'could not store a recording segment'));
		});
		recorder.on('failed', (exit) => {
			this.#options.log.warn({ meetingId: site.meetingId, unitId: site.unitId, runId, exit: exit.code ?? exit.signal, stderr: exit.stderrTail.slice(-300) }, 'recorder stopped by itself; starting a new run');
			void site.queue
				.push(async () => {
					if (site.run === run) {
						site.run = null;
						await this.#options.repo.endRun(run.id, this.#clock(site) ?? run.startMs, 'recorder-exit');
						this.#runEnded(site, run);
					}
				})
				.catch((error: unknown) => this.#options.log.error({ err: error, runId }, 'could not end a recording run'))
				.finally(() => this.#retryLater(site, new Error('recorder exited')));
		});
	}

	#retryLater(site: Site, error: unknown): void {
		site.failures += 1;
		this.#options.log.warn({ err: error, meetingId: site.meetingId, unitId: site.unitId, failures: site.failures }, 'recorder could not run; retrying');
		// Back at once the first time (the 5-second promise), then slower for a recorder that keeps failing.
		this.#schedule(site, Math.min(30_000, 200 * 2 ** (site.failures - 1)));
	}

	async #storeSegment(site: Site, run: Run, segment: { file: string; startSec: number; endSec: number; sequence: number }): Promise<void> {
		await this.#store(site, run, segment);
		// A recorder that has produced a segment works: a later failure starts the backoff afresh.
		site.failures = 0;
	}

	/** Hashes a closed segment into the manifest, on the meeting clock, and announces it. */
	async #store(
		site: { meetingId: string; unitId: string },
		run: { id: string; startMs: number; hasAudio: boolean },
		segment: { file: string; startSec: number; endSec: number; sequence: number }
	): Promise<{ endMs: number }> {
		// Named by the server: <run id>-<index>.mkv (the prefix ffmpeg was given is the run's id).
		const fileName = basename(segment.file);
		const target = join(this.#options.dir, site.meetingId, fileName);
		const { size } = await stat(target);
		const endMs = Math.round(run.startMs + segment.endSec * 1000);
		const id = await this.#options.repo.addSegment({
			runId: run.id,
			meetingId: site.meetingId,
			unitId: site.unitId,
			sequence: segment.sequence,
			fileName,
			startMs: Math.round(run.startMs + segment.startSec * 1000),
			endMs,
			sizeBytes: size,
			sha256: await sha256File(target),
		});
		if (id === null) {
			// The recordings were deleted by hand meanwhile: this late segment goes with them.
			await rm(target, { force: true });
			return { endMs };
		}
		this.safeEmit('segment-stored', { id, runId: run.id, meetingId: site.meetingId, unitId: site.unitId, hasAudio: run.hasAudio });
		return { endMs };
	}

	#runEnded(site: Site, run: Run): void {
		this.safeEmit('run-ended', { runId: run.id, meetingId: site.meetingId, unitId: site.unitId, hasAudio: run.hasAudio });
	}

	async #endRun(site: Site, reason: string): Promise<void> {
		const run = site.run;
		if (!run) {
			return;
		}
		site.run = null;
		// The run ends when it is told to, not when ffmpeg has finished writing.
		const endMs = this.#clock(site) ?? run.startMs;
		await run.recorder.close();
		// The last segment's store was queued by the close; it runs after this task, then the end.
		void site.queue
			.push(async () => {
				await this.#options.repo.endRun(run.id, endMs, reason);
				this.#runEnded(site, run);
			})
			.catch((error: unknown) => this.#options.log.error({ err: error, runId: run.id }, 'could not end a recording run'));
	}

	#stopSite(site: Site, reason: string): Promise<void> {
		site.gone = true;
		clearTimeout(site.timer);
		const stopped = (async () => {
			await site.queue.push(() => this.#endRun(site, reason));
			await site.queue.drain();
		})();
		this.#stopping.add(stopped);
		void stopped.catch((error: unknown) => this.#options.log.error({ err: error, meetingId: site.meetingId, unitId: site.unitId }, 'could not stop a site recorder')).finally(() => this.#stopping.delete(stopped));
		return stopped;
	}
}
