import * as mediasoup from 'mediasoup';
import type { Consumer, PlainTransport, Producer, Router, RtpCapabilities, SrtpParameters, Worker } from 'mediasoup/node/lib/types.js';
import type { NotificationOf } from '#shared/protocol/index.ts';
import { MeetingEventBus } from '../server/src/domain/meeting-events.ts';
import { Conference, type Notify, type Participant } from '../server/src/features/conference/conference.ts';
import { MeetingJournal, type JournalStore } from '../server/src/features/conference/meeting-journal.ts';
import { MEDIA_CODECS } from '../server/src/sfu/media-codecs.ts';
import { MediaRoom } from '../server/src/sfu/media-room.ts';
import { WorkerPool } from '../server/src/sfu/worker-pool.ts';
import { audioRtpParameters, newSrtpParameters, ssrcsFor, videoRtpParameters, type GeneratorCounts, type Target } from './synthetic-media.ts';

/**
 * The product's limits the gallery policy is measured with (as the server's defaults): a 3.2
 * Mbit/s downlink fits the large tile at the top layer and 12 lowest-layer thumbnails.
 */
export const GALLERY = { downlinkKbps: 3200, maxThumbnails: 12, lastN: 4, unmuted: 3, workers: 2 } as const;
/** A muted microphone is a disabled track with Opus DTX: about one packet in 20 still goes out. */
const MUTED_AUDIO_EVERY = 20;

/**
 * Who shows what, by site index. Site 0 is the host (the chair, unmuted, shown large by everyone
 * as the floor holder would be); it shows site 1 large. Sites 0 to unmuted-1 have their
 * microphones on, the others are muted communes. Each site's thumbnails: the recent speakers'
 * strip (the unmuted sites other than itself and its large one), then one page of the gallery
 * (the other sites in order, a different page for each viewer so every camera is watched about
 * equally). `layers`: simulcast layers a site's camera sends (3 if anyone shows it large, else
 * 1, as producer:layers tells the browser).
 */
export type GalleryPlan = { sites: number; unmuted: number[]; large: number[]; thumbnails: number[][]; layers: number[] };

export function galleryPlan(n: number, maxThumbnails: number = GALLERY.maxThumbnails, speakers: number = GALLERY.unmuted): GalleryPlan {
	const unmuted = Array.from({ length: Math.min(n, speakers) }, (_, i) => i);
	const large: number[] = Array.from({ length: n }, (_, v) => (v === 0 ? 1 : 0));
	const thumbnails = large.map((shown, v) => {
		const strip = unmuted.filter((s) => s !== v && s !== shown);
		const rest = Array.from({ length: n }, (_, s) => s).filter((s) => s !== v && s !== shown && !strip.includes(s));
		const page: number[] = [];
		const room = Math.min(rest.length, maxThumbnails - strip.length);
		for (let k = 0; k < room; k += 1) {
			page.push(rest[(v * maxThumbnails + k) % rest.length]!);
		}
		return [...strip, ...page];
	});
	const layers = Array.from({ length: n }, (_, s) => (large.includes(s) ? 3 : 1));
	return { sites: n, unmuted, large, thumbnails, layers };
}

/**
 * Packets the sinks should receive under the plan, from what the generator sent per site and
 * layer; `viewers`: only the sites whose sinks are read (all by default).
 */
export function expectedPackets(plan: GalleryPlan, generator: Pick<GeneratorCounts, 'sentAudioBySite' | 'sentVideoBySite'>, viewers?: number[]): { audio: number; video: number } {
	let audio = 0;
	let video = 0;
	for (const v of viewers ?? plan.large.keys()) {
		audio += plan.unmuted.filter((u) => u !== v).reduce((sum, u) => sum + generator.sentAudioBySite[u]!, 0);
		video += generator.sentVideoBySite[plan.large[v]!]![2]!;
		video += plan.thumbnails[v]!.reduce((sum, t) => sum + generator.sentVideoBySite[t]![0]!, 0);
	}
	return { audio, video };
}

/**
 * The sites whose downlink the benchmark reads (the others' go to ports nobody reads): the
 * unmuted sites (the host, which shows site 1 large, and the speakers, which show the host large
 * and hear the other speakers), then one at a time the site whose large tile and thumbnails add
 * the most cameras no sampled site watches yet, on the worker with fewer sampled sites (both
 * placements put site i on worker i mod workers; the run reports the real split), ties going to
 * the site farthest from those already sampled.
 */
export function sampleSites(plan: GalleryPlan, count: number, workers: number = GALLERY.workers): number[] {
	if (count >= plan.sites) {
		return [...plan.large.keys()];
	}
	const chosen = new Set(plan.unmuted.slice(0, count));
	const watched = new Set<number>();
	const watch = (v: number) => [plan.large[v]!, ...plan.thumbnails[v]!].forEach((s) => watched.add(s));
	chosen.forEach(watch);
	while (chosen.size < count) {
		const perWorker = Array.from({ length: workers }, (_, w) => [...chosen].filter((v) => v % workers === w).length);
		const worker = perWorker.indexOf(Math.min(...perWorker));
		let best = { site: -1, gain: -1, distance: -1 };
		for (let v = 0; v < plan.sites; v += 1) {
			if (chosen.has(v) || v % workers !== worker) {
				continue;
			}
			const gain = new Set([plan.large[v]!, ...plan.thumbnails[v]!].filter((s) => !watched.has(s))).size;
			const distance = Math.min(...[...chosen].map((c) => Math.abs(c - v)));
			if (gain > best.gain || (gain === best.gain && distance > best.distance)) {
				best = { site: v, gain, distance };
			}
		}
		chosen.add(best.site);
		watch(best.site);
	}
	return [...chosen].sort((a, b) => a - b);
}

/** Cameras that at least one of `viewers` shows (large or as a thumbnail). */
export function camerasWatched(plan: GalleryPlan, viewers: number[]): number {
	return new Set(viewers.flatMap((v) => [plan.large[v]!, ...plan.thumbnails[v]!])).size;
}

/** A room of `n` synthetic sites wired to UDP sinks; `ingressPorts[i]` receives site i's media. */
export type BenchRoom = {
	/** One mediasoup worker per core. */
	workerPids: number[];
	/** Sites carried by each worker. */
	sitesPerWorker: number[];
	/** The worker (index in workerPids) each site is on. */
	siteWorkers: number[];
	ingressPorts: number[];
	/** The SRTP master key each site's ingress transport expects. */
	ingressSrtp: SrtpParameters[];
	plan: GalleryPlan;
	audioPayloadTypes: Set<number>;
	/** Every video consumer with the spatial layer the layer policy asks for. */
	videoConsumers: { consumer: Consumer; wantedSpatialLayer: number }[];
	/** Every consumer of the sites (audio and video; pipe consumers between the workers aside). */
	consumers: Consumer[];
	/** Every site's own producers (to check the ingress: SRTP accepted, packets counted). */
	producers: Producer[];
	consumerCount: number;
	/** Where the room differs from the plan (product only: what the server decided against what was asked). */
	policyMismatches: string[];
	close: () => void;
};

/** What the generator sends for each site of a room: its layers, its microphone's state, its SRTP key. */
export function benchTargets(room: BenchRoom): Target[] {
	return room.ingressPorts.map((port, i) => ({
		port,
		ssrcs: ssrcsFor(i),
		layers: room.plan.layers[i]!,
		audioEvery: room.plan.unmuted.includes(i) ? 1 : MUTED_AUDIO_EVERY,
		srtpKeyBase64: room.ingressSrtp[i]!.keyBase64,
	}));
}

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

/** Every consumer the workers make, by id (the product's Peer keeps its own to itself). */
function watchConsumers(workers: Worker[]): Map<string, Consumer> {
	const consumers = new Map<string, Consumer>();
	for (const worker of workers) {
		worker.observer.on('newrouter', (router: Router) => {
			router.observer.on('newtransport', (transport) => {
				transport.observer.on('newconsumer', (consumer: Consumer) => {
					consumers.set(consumer.id, consumer);
					consumer.observer.once('close', () => consumers.delete(consumer.id));
				});
			});
		});
	}
	return consumers;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Through the product: WorkerPool (2 workers), MediaRoom (sites on the least-loaded worker,
 * pipeToRouter across), Conference.join for a host and communes entering muted (join-muted, as a
 * meeting of 30+ units is), the chair asking sites 1 and 2 to unmute, then room:receive and
 * room:view for each site so that the server makes the consumers (RoomSubscriptions), as it does
 * for browsers; the bench only resumes them (consumer:resume). Plain transports with SRTP.
 * `options.bus` (bench/sfu-recording.ts): the meeting events the conference publishes (site:joined,
 * producer:added with the producer and router…) go there, e.g. to a RecordingManager; by default nowhere.
 */
export async function productRoom(n: number, sinkPorts: number[], options: { bus?: MeetingEventBus } = {}): Promise<BenchRoom> {
	const plan = galleryPlan(n);
	const pool = await WorkerPool.create(
		{ numWorkers: GALLERY.workers, logLevel: 'warn', listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', portBase: 30000 + Math.floor(Math.random() * 500) * 4 },
		silent
	);
	let conference: Conference | undefined;
	try {
		const consumers = watchConsumers(pool.slots.map((slot) => slot.worker!));
		const media = await MediaRoom.create(pool, silent);
		const store: JournalStore = {
			recordJoin: async () => true,
			recordLeave: async () => undefined,
			addAction: async () => undefined,
			setLocked: async () => undefined,
			setJoinMuted: async () => undefined,
			setRecordingPaused: async () => undefined,
			endMeeting: async () => true,
		};
		const journal = new MeetingJournal({ meetingId: 'bench', startedAt: new Date(), repo: store, bus: options.bus ?? new MeetingEventBus(() => undefined), log: silent });
		const room = new Conference({
			meetingId: 'bench',
			title: 'bench',
			locked: false,
			recording: { enabled: false, paused: false },
			access: { admitted: new Set(), removed: new Set(), muted: new Set(), entered: new Set() },
			settings: { joinMuted: true, downlinkKbps: GALLERY.downlinkKbps, maxThumbnails: GALLERY.maxThumbnails, lastN: GALLERY.lastN },
			media,
			journal,
			log: silent,
		});
		conference = room;
		const added: { site: number; consumerId: string }[] = [];
		const layersAsked = new Map<number, number>();
		const participants: Participant[] = [];
		const ingressPorts: number[] = [];
		const ingressSrtp: SrtpParameters[] = [];
		for (let i = 0; i < n; i += 1) {
			const notify: Notify = (event, payload) => {
				if (event === 'consumer:added') {
					added.push({ site: i, consumerId: (payload as NotificationOf<'consumer:added'>).consumerId });
				} else if (event === 'producer:layers') {
					layersAsked.set(i, (payload as NotificationOf<'producer:layers'>).maxSpatialLayer);
				}
			};
			const host = i === 0;
			const joined = await room.join({ unitId: `site-${i}`, unitName: `Site ${i}`, userId: null, displayName: `Site ${i}`, host, chair: host }, { id: `site-${i}`, notify, address: '127.0.0.1' });
			if (joined.status !== 'joined') {
				throw new Error('bench site was not admitted');
			}
			const { peer } = joined.participant;
			const srtp = newSrtpParameters();
			const ingress = await peer.createPlainTransport('send', '127.0.0.1', undefined, srtp);
			ingressPorts.push(ingress.port);
			ingressSrtp.push(srtp);
			await peer.produce('audio', 'microphone', audioRtpParameters(ssrcsFor(i)));
			await peer.produce('video', 'camera', videoRtpParameters(ssrcsFor(i)));
			await peer.createPlainTransport('recv', '127.0.0.1', { ip: '127.0.0.1', port: sinkPorts[i]! }, newSrtpParameters());
			participants.push(joined.participant);
		}
		const mic = (i: number) => participants[i]!.peer.producerBySource('microphone')!;
		// The communes' microphones go off on entry (join-muted): wait for it, then the chair asks the
		// next speakers to unmute and they turn their microphones on.
		const deadline = Date.now() + 30_000;
		while (participants.some((_, i) => i > 0 && !mic(i).paused) && Date.now() < deadline) {
			await sleep(20);
		}
		for (const i of plan.unmuted.filter((s) => s > 0)) {
			await room.askUnmute(participants[0]!.id, participants[i]!.id);
			await room.setOwnProducerPaused(participants[i]!.id, mic(i).id, false);
		}
		await room.settled();
		const capabilities = sinkCapabilities(room.routerRtpCapabilities);
		const id = (site: number) => participants[site]!.id;
		for (const [i, participant] of participants.entries()) {
			await room.receive(participant.id, capabilities);
			await room.view(participant.id, { large: id(plan.large[i]!), thumbnails: plan.thumbnails[i]!.map(id) });
		}
		await room.settled();
		const audioPayloadTypes = new Set<number>();
		const videoConsumers: BenchRoom['videoConsumers'] = [];
		for (const { site, consumerId } of added) {
			const consumer = consumers.get(consumerId);
			if (!consumer) {
				continue;
			}
			await participants[site]!.peer.resumeConsumer(consumerId);
			if (consumer.kind === 'audio') {
				audioPayloadTypes.add(consumer.rtpParameters.codecs[0]!.payloadType);
			} else {
				videoConsumers.push({ consumer, wantedSpatialLayer: room.receiving(participants[site]!.id).get(consumer.producerId)?.spatialLayer ?? -1 });
			}
		}
		const policyMismatches = [...productMismatches(room, participants, plan), ...layerMismatches(layersAsked, plan)];
		const status = pool.status();
		const placement = room.placement();
		const sitesPerWorker = status.workers.map((w) => placement.filter((p) => p.workerIndex === w.index).reduce((sum, p) => sum + p.sites, 0));
		const workerOfRouter = new Map(placement.map((p) => [p.routerId, status.workers.findIndex((w) => w.index === p.workerIndex)]));
		return {
			workerPids: status.workers.map((w) => w.pid!),
			sitesPerWorker,
			siteWorkers: participants.map((p) => workerOfRouter.get(p.peer.router.id) ?? -1),
			ingressPorts,
			ingressSrtp,
			plan,
			audioPayloadTypes,
			videoConsumers,
			consumers: [...consumers.values()].filter((c) => c.type !== 'pipe'),
			producers: participants.flatMap((p) => p.peer.producers.map((x) => x.producer)),
			consumerCount: added.length,
			policyMismatches,
			close: () => {
				room.close();
				pool.close();
			},
		};
	} catch (error) {
		conference?.close();
		pool.close();
		throw error;
	}
}

/** Sites whose consumers (producer and layer) differ from the plan. */
function productMismatches(room: Conference, participants: Participant[], plan: GalleryPlan): string[] {
	const producerOf = (site: number, source: 'microphone' | 'camera') => participants[site]!.peer.producerBySource(source)!.id;
	const mismatches: string[] = [];
	for (let v = 0; v < plan.sites; v += 1) {
		const wanted = new Map<string, number>();
		for (const u of plan.unmuted.filter((s) => s !== v)) {
			wanted.set(producerOf(u, 'microphone'), 0);
		}
		wanted.set(producerOf(plan.large[v]!, 'camera'), 2);
		for (const t of plan.thumbnails[v]!) {
			wanted.set(producerOf(t, 'camera'), 0);
		}
		const receiving = room.receiving(participants[v]!.id);
		// Audio has no layer (the subscriber leaves it at -1).
		const same = receiving.size === wanted.size && [...wanted].every(([producerId, layer]) => receiving.get(producerId)?.kind === 'audio' ? true : receiving.get(producerId)?.spatialLayer === layer);
		if (!same && receiving.size === wanted.size) {
			mismatches.push(`site ${v}: a stream or layer differs from the plan`);
			continue;
		}
		if (!same) {
			mismatches.push(`site ${v}: receives ${receiving.size} streams, the plan ${wanted.size}`);
		}
	}
	return mismatches;
}

/** Cameras whose producer:layers differs from the layers the generator sends for them. */
function layerMismatches(layersAsked: Map<number, number>, plan: GalleryPlan): string[] {
	return plan.layers.flatMap((layers, site) => (layersAsked.get(site) === layers - 1 ? [] : [`site ${site}: producer:layers ${layersAsked.get(site) ?? 'none'}, generator sends ${layers} layer(s)`]));
}

/**
 * The same forwarding written directly against mediasoup, as a reference: 2 workers with a router
 * each, sites alternating between them (as the product's least-loaded placement does), SRTP plain
 * transports, muted microphones paused, each producer piped once to the other router when a site
 * there consumes it, consumers with the plan's preferred layer and priority.
 */
export async function bareRoom(n: number, sinkPorts: number[]): Promise<BenchRoom> {
	const plan = galleryPlan(n);
	const workers: Worker[] = [];
	try {
		for (let w = 0; w < GALLERY.workers; w += 1) {
			workers.push(await mediasoup.createWorker({ logLevel: 'warn' }));
		}
		const consumersSeen = watchConsumers(workers);
		const routers = await Promise.all(workers.map((worker) => worker.createRouter({ mediaCodecs: MEDIA_CODECS })));
		const routerOf = (site: number) => routers[site % routers.length]!;
		const ingressPorts: number[] = [];
		const ingressSrtp: SrtpParameters[] = [];
		const sites: { mic: Producer; camera: Producer; recv: PlainTransport }[] = [];
		for (let i = 0; i < n; i += 1) {
			const router = routerOf(i);
			const srtp = newSrtpParameters();
			const send = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true, enableSrtp: true, srtpCryptoSuite: srtp.cryptoSuite });
			await send.connect({ srtpParameters: srtp });
			ingressPorts.push(send.tuple.localPort);
			ingressSrtp.push(srtp);
			const mic = await send.produce({ kind: 'audio', rtpParameters: audioRtpParameters(ssrcsFor(i)) });
			const camera = await send.produce({ kind: 'video', rtpParameters: videoRtpParameters(ssrcsFor(i)) });
			if (!plan.unmuted.includes(i)) {
				await mic.pause();
			}
			const recv = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false, enableSrtp: true, srtpCryptoSuite: srtp.cryptoSuite });
			await recv.connect({ ip: '127.0.0.1', port: sinkPorts[i]!, srtpParameters: newSrtpParameters() });
			sites.push({ mic, camera, recv });
		}
		const pipes = new Set<string>();
		const audioPayloadTypes = new Set<number>();
		const videoConsumers: BenchRoom['videoConsumers'] = [];
		const capabilities = sinkCapabilities(routers[0]!.rtpCapabilities);
		const consume = async (viewer: number, owner: number, producer: Producer, layer: number, priority: number): Promise<void> => {
			const to = routerOf(viewer);
			const key = `${producer.id} ${to.id}`;
			if (routerOf(owner) !== to && !pipes.has(key)) {
				pipes.add(key);
				await routerOf(owner).pipeToRouter({ producerId: producer.id, router: to });
			}
			const consumer = await sites[viewer]!.recv.consume({ producerId: producer.id, rtpCapabilities: capabilities, paused: true });
			if (consumer.kind === 'audio') {
				audioPayloadTypes.add(consumer.rtpParameters.codecs[0]!.payloadType);
			} else {
				await consumer.setPreferredLayers({ spatialLayer: layer });
				await consumer.setPriority(priority);
				videoConsumers.push({ consumer, wantedSpatialLayer: layer });
			}
			await consumer.resume();
		};
		for (let v = 0; v < n; v += 1) {
			for (const u of plan.unmuted.filter((s) => s !== v)) {
				await consume(v, u, sites[u]!.mic, 0, 3);
			}
			await consume(v, plan.large[v]!, sites[plan.large[v]!]!.camera, 2, 2);
			for (const t of plan.thumbnails[v]!) {
				await consume(v, t, sites[t]!.camera, 0, 1);
			}
		}
		const siteConsumers = [...consumersSeen.values()].filter((c) => c.type !== 'pipe');
		return {
			workerPids: workers.map((w) => w.pid),
			sitesPerWorker: routers.map((_, w) => sites.filter((_, i) => i % routers.length === w).length),
			siteWorkers: sites.map((_, i) => i % routers.length),
			ingressPorts,
			ingressSrtp,
			plan,
			audioPayloadTypes,
			videoConsumers,
			consumers: siteConsumers,
			producers: sites.flatMap((s) => [s.mic, s.camera]),
			consumerCount: siteConsumers.length,
			policyMismatches: [],
			close: () => workers.forEach((w) => w.close()),
		};
	} catch (error) {
		workers.forEach((w) => w.close());
		throw error;
	}
}
