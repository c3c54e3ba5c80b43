import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomSnapshot } from '../../../shared/src/protocol/index.ts';
import { conferenceFixture, OPUS, type Ack, type Joined } from '../../helpers/conference-fixture.ts';
import { nextState, roomGaps, roomState } from '../../helpers/room-state.ts';
import { ask, nextEvent, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

const COMMUNES = Number(process.env['SCALE_COMMUNES'] ?? 170);
const THUMBNAILS = 12;
/**
 * How long a request may wait for its answer while all 171 sites ask at once: server and clients
 * share this one process, so on a loaded machine the last answers of a storm come late.
 */
const STORM_ACK_MS = 60_000;

/** A VP8 camera with three simulcast layers, as a browser describes it. */
function camera(site: number) {
	const base = 40_000_000 + site * 10;
	return {
		codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
		encodings: [{ ssrc: base }, { ssrc: base + 1 }, { ssrc: base + 2 }],
		rtcp: { cname: `site-${site}` },
	};
}

function microphone(site: number) {
	return { ...OPUS, encodings: [{ ssrc: 30_000_000 + site }], rtcp: { cname: `site-${site}` } };
}

/** Receiver capabilities of a browser: Opus and VP8. */
const RECEIVER = {
	codecs: [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
		{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] },
	],
	headerExtensions: [],
};

type Site = { client: TestClient; participantId: string; unitId: string; consumers: Map<string, { producerId: string; participantId: string; kind: string }> };

const percentile = (values: number[], p: number): number => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** How late each 10-ms tick of the event loop runs (the server shares this process): the lag a join storm causes. */
function loopLag(): { stop: () => number[] } {
	const lags: number[] = [];
	let last = performance.now();
	const timer = setInterval(() => {
		const now = performance.now();
		lags.push(Math.max(0, now - last - 10));
		last = now;
	}, 10);
	return {
		stop: () => {
			clearInterval(timer);
			return lags.length > 0 ? lags : [0];
		},
	};
}

/** The highest layers each camera of a site was asked to send (producer:layers), in order, by producer id. */
function followLayers(client: TestClient): Map<string, number[]> {
	const layers = new Map<string, number[]>();
	client.on('producer:layers', ({ producerId, maxSpatialLayer }) => layers.set(producerId, [...(layers.get(producerId) ?? []), maxSpatialLayer]));
	return layers;
}

/** Follows the server-made consumers of a site: consumer:added minus consumer:closed. */
function followConsumers(client: TestClient): Site['consumers'] {
	const consumers: Site['consumers'] = new Map();
	client.on('consumer:added', ({ consumerId, producerId, participantId, kind }) => {
		consumers.set(consumerId, { producerId, participantId, kind });
		// A resume that fails shows below as a site receiving nothing.
		void ask(client, 'consumer:resume', { consumerId }, STORM_ACK_MS).catch(() => undefined);
	});
	client.on('consumer:closed', ({ consumerId }) => consumers.delete(consumerId));
	return consumers;
}

const videoFrom = (site: Site): string[] =>
	[...site.consumers.values()]
		.filter((c) => c.kind === 'video')
		.map((c) => c.participantId)
		.sort();
const audioFrom = (site: Site): string[] =>
	[...site.consumers.values()]
		.filter((c) => c.kind === 'audio')
		.map((c) => c.participantId)
		.sort();

/**
 * A province meeting at full size over real sockets and real mediasoup workers: 170 communes join
 * at once by their links, every one is admitted and sees the whole room, each receives only what
 * it shows, audio only from unmuted sites, and a page change swaps a site's video consumers.
 */
describe('province-scale meeting (1 host + 170 communes)', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;

	beforeAll(async () => {
		// Each commune is its own site on its own network: behind a trusted proxy, X-Forwarded-For
		// gives each socket its own address (the cap of sockets per address is not what this tests).
		running = await startApp({ TRUST_PROXY: 'loopback' });
		f = await conferenceFixture(running, ['chutri']);
	}, 60_000);
	afterAll(async () => {
		await running?.close();
	});

	it('admits 170 communes joining at once, sends them deltas, and forwards by view and by microphone', async () => {
		const csv = ['Tên đơn vị,Cấp,Mã', ...Array.from({ length: COMMUNES }, (_, i) => `Xã Quy Mô ${String(i + 1).padStart(3, '0')},xã,${70000 + i}`)].join('\n');
		const imported = await running.app.inject({ method: 'POST', url: '/api/units/import', headers: f.admin, payload: { parentId: 'song-lo', csv, confirm: true } });
		expect(imported.statusCode, imported.body).toBe(200);
		const units = (await running.app.inject({ url: '/api/units', headers: f.admin })).json<{ id: string; name: string }[]>().filter((u) => u.name.startsWith('Xã Quy Mô'));
		expect(units).toHaveLength(COMMUNES);
		const meeting = await f.schedule(units.map((u) => u.id));
		const detail = (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: f.admin })).json<{ joinMuted: boolean }>();
		// 30 or more invited units: communes enter muted unless the organiser said otherwise.
		expect(detail.joinMuted).toBe(true);

		const chairClient = await f.as('chutri');
		const chairJoined = await f.join(chairClient, { meetingId: meeting.id });
		const chair: Site = { client: chairClient, participantId: chairJoined.participantId, unitId: 'song-lo', consumers: followConsumers(chairClient) };
		expect(chairJoined.snapshot.settings).toMatchObject({ joinMuted: true, maxThumbnails: THUMBNAILS });

		// The sockets connect first (a page open before the start), then every site joins at the same moment.
		const clients: TestClient[] = [];
		for (let i = 0; i < units.length; i += 10) {
			clients.push(...(await Promise.all(units.slice(i, i + 10).map((_, k) => running.connect(undefined, { 'x-forwarded-for': `10.1.${Math.floor((i + k) / 200)}.${((i + k) % 200) + 1}` })))));
		}
		const deltaBytes = new Map<TestClient, number>();
		for (const client of clients) {
			client.on('room:delta', (delta) => deltaBytes.set(client, (deltaBytes.get(client) ?? 0) + JSON.stringify(delta).length));
		}
		const lag = loopLag();
		const storm = performance.now();
		const joinMs: number[] = [];
		const joined = await Promise.all(
			units.map(async (unit, i) => {
				const t0 = performance.now();
				const ack = await f.join(clients[i]!, { invitationToken: meeting.links.get(unit.id) }, STORM_ACK_MS);
				joinMs.push(performance.now() - t0);
				return ack;
			})
		);
		const stormMs = performance.now() - storm;
		const lagMs = lag.stop();
		expect(joined.every((j: Joined) => j.status === 'joined')).toBe(true);
		const sites: Site[] = joined.map((j, i) => ({ client: clients[i]!, participantId: j.participantId, unitId: units[i]!.id, consumers: followConsumers(clients[i]!) }));

		// Everyone sees the whole room, from deltas (no snapshot broadcasts), and the chair's roll call lists all present.
		await Promise.all(sites.map((s) => nextState(s.client, (state) => state.participants.length === COMMUNES + 1, 30_000)));
		const roster = await nextState(chairClient, (state) => state.roster.filter((r) => r.state === 'present').length === COMMUNES + 1, 30_000);
		expect(roster.roster).toHaveLength(COMMUNES + 1);
		const snapshotBytes = JSON.stringify(roomState(sites[0]!.client)).length;
		const perSiteDelta = [...deltaBytes.values()];
		console.log(
			`[province-scale] join storm of ${COMMUNES}: all joined in ${stormMs.toFixed(0)} ms; join p50 ${percentile(joinMs, 50).toFixed(0)} ms, p99 ${percentile(joinMs, 99).toFixed(0)} ms; ` +
				`event-loop lag (10-ms ticks) p50 ${percentile(lagMs, 50).toFixed(1)} ms, p99 ${percentile(lagMs, 99).toFixed(1)} ms, max ${Math.max(...lagMs).toFixed(1)} ms; ` +
				`deltas per site p50 ${percentile(perSiteDelta, 50)} B (a whole snapshot is ${snapshotBytes} B); resyncs ${sites.reduce((n, s) => n + roomGaps(s.client), 0)}`
		);

		// Every site sends a microphone and a camera; the communes' microphones are muted by the chair on entry.
		const all = [chair, ...sites];
		const muted = sites.map((s) => nextEvent(s.client, 'chair:muted', () => true, 30_000));
		const microphones = new Map<Site, string>();
		const cameras = new Map<Site, string>();
		const layers = new Map(all.map((site) => [site, followLayers(site.client)]));
		await Promise.all(
			all.map(async (site, i) => {
				expect((await ask<Ack>(site.client, 'transport:create', { direction: 'send' }, STORM_ACK_MS)).ok).toBe(true);
				const mic = await ask<Ack<{ producerId: string }>>(site.client, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: microphone(i) }, STORM_ACK_MS);
				expect(mic.ok, JSON.stringify(mic.error)).toBe(true);
				microphones.set(site, mic.data.producerId);
				const cam = await ask<Ack<{ producerId: string }>>(site.client, 'producer:create', { kind: 'video', source: 'camera', rtpParameters: camera(i) }, STORM_ACK_MS);
				expect(cam.ok, JSON.stringify(cam.error)).toBe(true);
				cameras.set(site, cam.data.producerId);
			})
		);
		await Promise.all(muted);
		// A commune cannot unmute itself: it asks for the floor.
		const communeMicOn = await ask<Ack>(sites[0]!.client, 'producer:resume', { producerId: microphones.get(sites[0]!) });
		expect(communeMicOn.error?.code).toBe('forbidden');

		// Each site shows the chair large and a page of 12 thumbnails (page by its position).
		const largeOf = (site: Site): string => (site === chair ? sites[0]!.participantId : chair.participantId);
		const others = (site: Site) => all.filter((s) => s !== site && s.participantId !== largeOf(site) && s !== chair).map((s) => s.participantId);
		const pageOf = (site: Site, page: number) => others(site).slice(page * THUMBNAILS, (page + 1) * THUMBNAILS);
		await Promise.all(
			all.map(async (site, i) => {
				expect((await ask<Ack>(site.client, 'transport:create', { direction: 'recv' }, STORM_ACK_MS)).ok).toBe(true);
				expect((await ask<Ack>(site.client, 'room:receive', { rtpCapabilities: RECEIVER }, STORM_ACK_MS)).ok).toBe(true);
				const page = pageOf(site, i % 5);
				const view = await ask<Ack<{ thumbnails: string[] }>>(site.client, 'room:view', { large: largeOf(site), thumbnails: [...page, ...pageOf(site, 6)] }, STORM_ACK_MS);
				expect(view.ok, JSON.stringify(view.error)).toBe(true);
				// More thumbnails than the downlink budget allows are cut, in order.
				expect(view.data.thumbnails).toEqual(page);
			})
		);
		const expectedVideo = (site: Site, i: number) => [largeOf(site), ...pageOf(site, i % 5)].sort();
		// Video exactly for the view; audio only from the unmuted chair (the communes are muted).
		await expect.poll(() => all.filter((site, i) => JSON.stringify(videoFrom(site)) !== JSON.stringify(expectedVideo(site, i))).length, { timeout: 60_000, interval: 250 }).toBe(0);
		await expect.poll(() => sites.filter((site) => JSON.stringify(audioFrom(site)) !== JSON.stringify([chair.participantId])).length, { timeout: 30_000 }).toBe(0);
		expect(audioFrom(chair)).toEqual([]);
		// Uplink: only the sites somebody shows large send their top layer (the chair, and the commune the
		// chair shows large). Every camera is first told all three layers, and lowered later (bug #492);
		// a camera shown large may have been lowered before the view that shows it came.
		const told = (site: Site) => layers.get(site)!.get(cameras.get(site)!) ?? [];
		const expectedLayer = (site: Site) => (site === chair || site === sites[0] ? 2 : 0);
		await expect.poll(() => all.filter((site) => told(site).at(-1) !== expectedLayer(site)).length, { timeout: 15_000 }).toBe(0);
		expect(all.filter((site) => told(site)[0] !== 2).map((site) => site.unitId)).toEqual([]);
		expect(sites.slice(1).filter((site) => told(site).length !== 2).map((site) => site.unitId)).toEqual([]);
		// The meeting is spread over both workers.
		const perWorker = running.app.workerPool.status().workers.map((w) => w.peers);
		expect(Math.min(...perWorker)).toBeGreaterThanOrEqual(Math.floor((COMMUNES + 1) / 2));
		const consumerTotal = all.reduce((n, s) => n + s.consumers.size, 0);
		console.log(`[province-scale] consumers: ${consumerTotal} in all (a full mesh of audio and video would be ${2 * (COMMUNES + 1) * COMMUNES})`);
		expect(consumerTotal).toBe(all.reduce((n, site, i) => n + expectedVideo(site, i).length + (site === chair ? 0 : 1), 0));

		// The floor: one commune's microphone is heard by every other site, the chair included.
		const speaker = sites[7]!;
		expect((await ask<Ack>(chairClient, 'floor:grant', { participantId: speaker.participantId })).ok).toBe(true);
		await expect.poll(() => all.filter((s) => s !== speaker && !audioFrom(s).includes(speaker.participantId)).length, { timeout: 30_000 }).toBe(0);
		expect(audioFrom(speaker)).toEqual([chair.participantId]);

		// A site turning its gallery page receives the new page's cameras and no longer the old ones.
		const turner = sites[3]!;
		const before = videoFrom(turner);
		const nextPage = pageOf(turner, 9);
		expect((await ask<Ack>(turner.client, 'room:view', { large: chair.participantId, thumbnails: nextPage })).ok).toBe(true);
		await expect.poll(() => videoFrom(turner), { timeout: 15_000 }).toEqual([chair.participantId, ...nextPage].sort());
		expect(before.filter((id) => id !== chair.participantId).some((id) => nextPage.includes(id))).toBe(false);

		// Audio-only: no video at all, whatever the view.
		expect((await ask<Ack>(turner.client, 'room:set-state', { audioOnly: true })).ok).toBe(true);
		await expect.poll(() => videoFrom(turner), { timeout: 15_000 }).toEqual([]);
		expect(roomGaps(chairClient)).toBe(0);
		// What each site built from deltas is the server's state (sampled: every tenth site and the chair).
		for (const site of [chair, ...sites.filter((_, i) => i % 10 === 0)]) {
			const server = await ask<Ack<RoomSnapshot>>(site.client, 'room:resync', {});
			const differing = () => {
				const mine = roomState(site.client) as unknown as Record<string, unknown>;
				const theirs = server.data as unknown as Record<string, unknown>;
				return Object.keys(theirs).filter((k) => k !== 'seq' && JSON.stringify(mine[k]) !== JSON.stringify(theirs[k]));
			};
			await expect.poll(differing, { timeout: 5000 }).toEqual([]);
		}
	}, 240_000);
});
