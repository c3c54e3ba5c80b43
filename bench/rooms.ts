import * as mediasoup from 'mediasoup';
import type { Consumer, RtpCapabilities } from 'mediasoup/node/lib/types.js';
import { MeetingEventBus } from '../server/src/domain/meeting-events.ts';
import { Conference } from '../server/src/features/conference/conference.ts';
import { MeetingJournal, type JournalStore } from '../server/src/features/conference/meeting-journal.ts';
import { MEDIA_CODECS } from '../server/src/sfu/media-codecs.ts';
import { MediaRoom } from '../server/src/sfu/media-room.ts';
import { WorkerPool } from '../server/src/sfu/worker-pool.ts';
import { audioRtpParameters, ssrcsFor, videoRtpParameters } from './synthetic-media.ts';

/** A room of `n` synthetic sites wired to UDP sinks; `ingressPorts[i]` receives site i's media. */
export type BenchRoom = {
	workerPid: number;
	ingressPorts: number[];
	audioPayloadTypes: Set<number>;
	/** Every video consumer with the spatial layer the layer policy asks for. */
	videoConsumers: { consumer: Consumer; wantedSpatialLayer: number }[];
	close: () => void;
};

/**
 * What the synthetic sinks can receive: the router's codecs without congestion-control feedback.
 * With transport-cc or REMB offered, mediasoup manages the consumers' bitrate from the receiver's
 * feedback, and sinks that never send any would be starved down to the lowest layers (or none),
 * which is not what the benchmark measures. A browser sends that feedback; its downlink then
 * decides within the layer policy.
 */
export function sinkCapabilities(router: RtpCapabilities): RtpCapabilities {
	return {
		codecs: (router.codecs ?? []).map((codec) => ({ ...codec, rtcpFeedback: (codec.rtcpFeedback ?? []).filter((fb) => fb.type !== 'transport-cc' && fb.type !== 'goog-remb') })),
		headerExtensions: (router.headerExtensions ?? []).filter((ext) => !ext.uri.includes('transport-wide-cc') && !ext.uri.includes('abs-send-time')),
	};
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Which site a viewer shows large: site 0, or site 1 for site 0 itself (the layer policy's one large tile). */
export function largeFor(viewer: number): number {
	return viewer === 0 ? 1 : 0;
}

/**
 * Through the product: WorkerPool, MediaRoom, Conference.join, Peer (plain transports) and its layer policy.
 * `options.bus` (bench/sfu-recording.ts): the meeting events the conference publishes (site:joined,
 * producer:added with the producer and router…) go there, e.g. to a RecordingManager; by default nowhere.
 */
export async function productRoom(n: number, sinkPorts: number[], options: { bus?: MeetingEventBus } = {}): Promise<BenchRoom> {
	const pool = await WorkerPool.create({ numWorkers: 1, logLevel: 'warn', listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', portBase: 30000 + Math.floor(Math.random() * 500) * 4 }, silent);
	const media = await MediaRoom.create(pool, silent);
	const store: JournalStore = {
		recordJoin: async () => true,
		recordLeave: async () => undefined,
		addAction: async () => undefined,
		setLocked: async () => undefined,
		setRecordingPaused: async () => undefined,
		endMeeting: async () => true,
	};
	const journal = new MeetingJournal({ meetingId: 'bench', startedAt: new Date(), repo: store, bus: options.bus ?? new MeetingEventBus(() => undefined), log: silent });
	const conference = new Conference({ meetingId: 'bench', title: 'bench', locked: false, recording: { enabled: false, paused: false }, access: { admitted: new Set(), removed: new Set(), muted: new Set() }, media, journal, log: silent });
	const participants = [];
	const ingressPorts: number[] = [];
	for (let i = 0; i < n; i += 1) {
		const connection = { id: `site-${i}`, notify: () => undefined, address: '127.0.0.1' };
		const joined = await conference.join({ unitId: `site-${i}`, unitName: `Site ${i}`, userId: null, displayName: `Site ${i}`, host: false, chair: false }, connection);
		if (joined.status !== 'joined') {
			throw new Error('bench site was not admitted');
		}
		const { peer } = joined.participant;
		const ingress = await peer.createPlainTransport('send', '127.0.0.1');
		ingressPorts.push(ingress.port);
		await peer.produce('audio', 'microphone', audioRtpParameters(ssrcsFor(i)));
		await peer.produce('video', 'camera', videoRtpParameters(ssrcsFor(i)));
		await peer.createPlainTransport('recv', '127.0.0.1', { ip: '127.0.0.1', port: sinkPorts[i]! });
		participants.push(joined.participant);
	}
	const audioPayloadTypes = new Set<number>();
	const videoConsumers: BenchRoom['videoConsumers'] = [];
	const capabilities = sinkCapabilities(conference.routerRtpCapabilities);
	for (const [i, participant] of participants.entries()) {
		const large = participants[largeFor(i)]!.id;
		for (const p of conference.producersFor(participant.id)) {
			const consumer = await participant.peer.consume(p.producerId, capabilities);
			if (consumer.kind === 'audio') {
				audioPayloadTypes.add(consumer.rtpParameters.codecs[0]!.payloadType);
			} else {
				await participant.peer.setConsumerLayout(consumer.id, p.participantId === large);
				videoConsumers.push({ consumer, wantedSpatialLayer: p.participantId === large ? 2 : 0 });
			}
			await participant.peer.resumeConsumer(consumer.id);
		}
	}
	const workerPid = pool.status().workers[0]!.pid!;
	return {
		workerPid,
		ingressPorts,
		audioPayloadTypes,
		videoConsumers,
		close: () => {
			conference.close();
			pool.close();
		},
	};
}

/** The same forwarding written directly against mediasoup, as a reference. */
export async function bareRoom(n: number, sinkPorts: number[]): Promise<BenchRoom> {
	const worker = await mediasoup.createWorker({ logLevel: 'warn' });
	const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
	const ingressPorts: number[] = [];
	const producers: { site: number; id: string }[] = [];
	const receivers = [];
	for (let i = 0; i < n; i += 1) {
		const send = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
		ingressPorts.push(send.tuple.localPort);
		producers.push({ site: i, id: (await send.produce({ kind: 'audio', rtpParameters: audioRtpParameters(ssrcsFor(i)) })).id });
		producers.push({ site: i, id: (await send.produce({ kind: 'video', rtpParameters: videoRtpParameters(ssrcsFor(i)) })).id });
		const recv = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
		await recv.connect({ ip: '127.0.0.1', port: sinkPorts[i]! });
		receivers.push(recv);
	}
	const audioPayloadTypes = new Set<number>();
	const videoConsumers: BenchRoom['videoConsumers'] = [];
	const capabilities = sinkCapabilities(router.rtpCapabilities);
	for (const [i, recv] of receivers.entries()) {
		for (const p of producers.filter((x) => x.site !== i)) {
			const consumer: Consumer = await recv.consume({ producerId: p.id, rtpCapabilities: capabilities, paused: true });
			if (consumer.kind === 'audio') {
				audioPayloadTypes.add(consumer.rtpParameters.codecs[0]!.payloadType);
			} else {
				const large = p.site === largeFor(i);
				await consumer.setPreferredLayers({ spatialLayer: large ? 2 : 0 });
				await consumer.setPriority(large ? 2 : 1);
				videoConsumers.push({ consumer, wantedSpatialLayer: large ? 2 : 0 });
			}
			await consumer.resume();
		}
	}
	return {
		workerPid: worker.pid,
		ingressPorts,
		audioPayloadTypes,
		videoConsumers,
		close: () => worker.close(),
	};
}
