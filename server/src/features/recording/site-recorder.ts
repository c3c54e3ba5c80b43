import type { Consumer, PlainTransport, Producer, Router } from 'mediasoup/node/lib/types.js';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import type { PortPool } from './port-pool.ts';
import { recordingSdp, type SdpTrack } from './recording-sdp.ts';
import { RECORDED_SPATIAL_LAYER } from '../../sfu/media-codecs.ts';
import { SegmentRecorder, type ClosedSegment, type RecorderExit } from './segment-recorder.ts';


export type SiteRecorderOptions = {
	router: Router;
	/** The site's microphone and/or camera, at most one of each. */
	producers: Producer[];
	pool: PortPool;
	dir: string;
	prefix: string;
	segmentSeconds: number;
	ffmpegPath?: string;
};

export type SiteRecorderEvents = {
	segment: [ClosedSegment];
	/** ffmpeg ended by itself (crashed, killed, input timed out): the run is over. */
	failed: [RecorderExit];
};

type Track = { transport: PlainTransport | null; consumer: Consumer | null; port: number };

/**
 * One recorder run for one site: a PlainTransport and a paused consumer per track on the loopback,
 * one ffmpeg receiving them all (audio and video in one SDP, so RTCP keeps them aligned). Media is
 * let through only once ffmpeg listens; video gets a keyframe then and every segment, because
 * ffmpeg never asks for one and a segment can only start on one. `close()` is idempotent.
 */
export class SiteRecorder extends TypedEmitter<SiteRecorderEvents> {
	readonly hasAudio: boolean;
	readonly hasVideo: boolean;
	readonly #pool: PortPool;
	readonly #tracks: Track[];
	readonly #recorder: SegmentRecorder;
	readonly #keyframes: NodeJS.Timeout | undefined;
	#closing: Promise<void> | undefined;
	/** ffmpeg ended by itself before anyone could be told (during start). */
	#failedEarly: RecorderExit | null = null;
	#listening = false;

	private constructor(options: SiteRecorderOptions, tracks: Track[], recorder: SegmentRecorder) {
		super();
		this.#pool = options.pool;
		this.#tracks = tracks;
		this.#recorder = recorder;
		this.hasAudio = tracks.some((t) => t.consumer?.kind === 'audio');
		this.hasVideo = tracks.some((t) => t.consumer?.kind === 'video');
		recorder.on('segment', (segment) => this.safeEmit('segment', segment));
		recorder.on('exit', (exit) => {
			if (this.#closing) {
				return;
			}
			if (this.#listening) {
				this.safeEmit('failed', exit);
			} else {
				this.#failedEarly = exit;
			}
			void this.close();
		});
		if (this.hasVideo) {
			this.#keyframes = setInterval(() => this.#requestKeyFrames(), options.segmentSeconds * 1000);
			this.#keyframes.unref();
		}
	}

	/** Creates the transports and consumers, starts ffmpeg, and lets the media through. */
	static async start(options: SiteRecorderOptions): Promise<SiteRecorder> {
		// Each piece is listed the moment it exists, so that a failure anywhere releases all of it.
		const tracks: Track[] = [];
		let site: SiteRecorder | undefined;
		try {
			for (const producer of options.producers) {
				const track: Track = { transport: null, consumer: null, port: options.pool.take() };
				tracks.push(track);
				track.transport = await options.router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: false });
				await track.transport.connect({ ip: '127.0.0.1', port: track.port, rtcpPort: track.port + 1 });
				track.consumer = await track.transport.consume({ producerId: producer.id, rtpCapabilities: options.router.rtpCapabilities, paused: true });
				if (track.consumer.type === 'simulcast') {
					await track.consumer.setPreferredLayers({ spatialLayer: RECORDED_SPATIAL_LAYER, temporalLayer: 2 });
				}
			}
			const sdpTracks: SdpTrack[] = tracks.map((t) => ({ kind: t.consumer!.kind, rtpParameters: t.consumer!.rtpParameters, port: t.port }));
			const recorder = await SegmentRecorder.start({
				sdp: recordingSdp(sdpTracks),
				dir: options.dir,
				prefix: options.prefix,
				segmentSeconds: options.segmentSeconds,
				...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
				waitForPort: tracks[0]!.port,
			});
			site = new SiteRecorder(options, tracks, recorder);
			for (const track of tracks) {
				// Resuming a video consumer makes mediasoup ask the sender for a keyframe.
				await track.consumer!.resume();
			}
			if (site.#failedEarly) {
				throw new Error(`ffmpeg ended while the recorder started: ${site.#failedEarly.stderrTail.trim().slice(-300)}`);
			}
			site.#listening = true;
			return site;
		} catch (error) {
			if (site) {
				// Its close() stops ffmpeg and releases the tracks (once).
				await site.close();
			} else {
				SiteRecorder.#release(tracks, options.pool);
			}
			throw error;
		}
	}

	static #release(tracks: Track[], pool: PortPool): void {
		for (const track of tracks.splice(0)) {
			track.transport?.close();
			pool.release(track.port);
		}
	}

	get exited(): Promise<RecorderExit> {
		return this.#recorder.exited;
	}

	get pid(): number | undefined {
		return this.#recorder.pid;
	}

	/** Stops the run: ffmpeg closes its last segment (reported before this resolves), transports go. */
	close(): Promise<void> {
		this.#closing ??= (async () => {
			clearInterval(this.#keyframes);
			// Media keeps flowing until ffmpeg has gone: a SIGINT is acted on between packets, so it
			// then ends at once; with none coming its input times out, which closes the segment too.
			await this.#recorder.stop();
			// splice: released once, whoever calls.
			SiteRecorder.#release(this.#tracks, this.#pool);
		})();
		return this.#closing;
	}

	#requestKeyFrames(): void {
		for (const track of this.#tracks) {
			if (track.consumer?.kind === 'video' && !track.consumer.closed) {
				track.consumer.requestKeyFrame().catch(() => undefined);
			}
		}
	}
}
