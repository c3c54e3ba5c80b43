import { joinRoom, nextState, type Joined } from '../../helpers/room-state.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { ask, nextEvent, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

type Ack<T = Record<string, unknown>> = { ok: boolean; data: T; error?: { code: string; message: string } };

const OPUS = {
	codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
	encodings: [{ ssrc: 22222222 }],
	rtcp: { cname: 'site' },
};

describe('live conference signalling', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	const signed = new Map<string, Signed>();
	let chairId = '';

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		for (const username of ['admin', 'chutri', 'thuky', 'dongthinh', 'hailuu', 'tanlap', 'ducbac', 'yenthach', 'quangyen']) {
			signed.set(username, await login(running.app, accounts, username));
		}
		const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: signed.get('admin')!.headers });
		chairId = chairs.json<{ id: string }[]>()[0]!.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	async function schedule(invitedUnitIds: string[]): Promise<{ id: string; links: Map<string, string> }> {
		const response = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: signed.get('admin')!.headers,
			payload: {
				title: 'Giao ban tuần',
				description: '',
				location: 'Hội trường huyện',
				startsAt: new Date().toISOString(),
				endsAt: new Date(Date.now() + 3600_000).toISOString(),
				chairId,
				agenda: [],
				invitedUnitIds,
			},
		});
		const body = response.json<{ meeting: { id: string }; joinLinks: { unitId: string; url: string }[] }>();
		return { id: body.meeting.id, links: new Map(body.joinLinks.map((l) => [l.unitId, l.url.split('/join/')[1]!])) };
	}

	const as = (username: string) => running.connect(undefined, { cookie: signed.get(username)!.cookie });

	async function join(client: TestClient, payload: object): Promise<Joined> {
		const ack = await joinRoom(client, payload);
		expect(ack.ok, JSON.stringify(ack.error)).toBe(true);
		return ack.data;
	}

	it('lets the chair and invited communes join, records attendance and starts the meeting', async () => {
		const meeting = await schedule(['dong-thinh', 'hai-luu']);
		const chair = await as('chutri');
		const joinedChair = await join(chair, { meetingId: meeting.id });
		expect(joinedChair.status).toBe('joined');
		expect(joinedChair.snapshot.participants).toHaveLength(1);

		const commune = await as('dongthinh');
		const seen = nextState(chair, (s) => s.participants.length === 2);
		await join(commune, { meetingId: meeting.id });
		expect((await seen).participants.map((p) => p.unitName).sort()).toEqual(['Huyện Sông Lô', 'Xã Đồng Thịnh']);

		const byLink = await running.connect();
		const viaLink = await join(byLink, { invitationToken: meeting.links.get('hai-luu') });
		expect(viaLink.snapshot.participants.find((p) => p.id === viaLink.participantId)).toMatchObject({ unitName: 'Xã Hải Lựu', host: false, chair: false });

		const detail = await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: signed.get('admin')!.headers });
		expect(detail.json<{ status: string }>().status).toBe('live');
		const attendance = await running.app.inject({ url: `/api/meetings/${meeting.id}/attendance`, headers: signed.get('admin')!.headers });
		expect(attendance.json<{ unitId: string; kind: string }[]>().map((a) => `${a.unitId}:${a.kind}`)).toEqual([
			'song-lo:join',
			'dong-thinh:join',
			'hai-luu:join',
		]);

		byLink.close();
		await expect.poll(async () => (await running.app.inject({ url: `/api/meetings/${meeting.id}/attendance`, headers: signed.get('admin')!.headers })).json<{ reason: string }[]>().at(-1)?.reason).toBe('disconnected');
	});

	it('refuses uninvited sites, bad links and bad payloads with clear codes', async () => {
		const meeting = await schedule(['dong-thinh']);
		const outsider = await as('tanlap');
		expect((await ask<Ack>(outsider, 'room:join', { meetingId: meeting.id })).error?.code).toBe('not_found');
		const anonymous = await running.connect();
		expect((await ask<Ack>(anonymous, 'room:join', { meetingId: meeting.id })).error?.code).toBe('unauthorized');
		expect((await ask<Ack>(anonymous, 'room:join', { invitationToken: 'A'.repeat(32) })).error?.code).toBe('forbidden');
		expect((await ask<Ack>(anonymous, 'room:join', {})).error?.code).toBe('invalid_payload');
		expect((await ask<Ack>(anonymous, 'room:join', { meetingId: 'not-a-uuid' })).error?.code).toBe('invalid_payload');
		expect((await ask<Ack>(anonymous, 'room:join', { invitationToken: '../../../etc/passwd' })).error?.code).toBe('invalid_payload');
		expect((await ask<Ack>(anonymous, 'room:join', { meetingId: '00000000-0000-4000-8000-000000000000' })).error?.code).toBe('unauthorized');

		// A renewed link replaces the old one.
		const old = meeting.links.get('dong-thinh')!;
		await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/invitations/dong-thinh/link`, headers: signed.get('admin')!.headers });
		expect((await ask<Ack>(anonymous, 'room:join', { invitationToken: old })).error?.code).toBe('forbidden');

		// An expired link is refused like a revoked one.
		const hai = await schedule(['hai-luu']);
		await running.app.db.invitation.updateMany({ where: { meetingId: hai.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
		expect((await ask<Ack>(anonymous, 'room:join', { invitationToken: hai.links.get('hai-luu') })).error?.code).toBe('forbidden');

		// A commune cannot use chair controls.
		const commune = await as('dongthinh');
		const joined = await join(commune, { meetingId: meeting.id });
		expect((await ask<Ack>(commune, 'chair:mute-all', {})).error?.code).toBe('forbidden');
		expect((await ask<Ack>(commune, 'chair:lock', { locked: true })).error?.code).toBe('forbidden');
		expect((await ask<Ack>(commune, 'floor:grant', { participantId: joined.participantId })).error?.code).toBe('forbidden');
		expect((await ask<Ack>(commune, 'chair:end', {})).error?.code).toBe('forbidden');
	});

	it('keeps the floor queue in arrival order under concurrent requests, and grants in order', async () => {
		const communes = ['dongthinh', 'hailuu', 'tanlap', 'ducbac', 'yenthach', 'quangyen'];
		const meeting = await schedule(['dong-thinh', 'hai-luu', 'tan-lap', 'duc-bac', 'yen-thach', 'quang-yen']);
		const chair = await as('chutri');
		await join(chair, { meetingId: meeting.id });
		const sites = await Promise.all(communes.map((u) => as(u)));
		const ids = new Map<TestClient, string>();
		for (const site of sites) {
			ids.set(site, (await join(site, { meetingId: meeting.id })).participantId);
		}
		const acks = await Promise.all(sites.map((site) => ask<Ack<{ position: number }>>(site, 'floor:request', {})));
		const positions = acks.map((a) => a.data.position);
		expect([...positions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
		// Asking again keeps the place.
		expect((await ask<Ack<{ position: number }>>(sites[0]!, 'floor:request', {})).data.position).toBe(positions[0]);

		const byPosition = sites.map((site, i) => ({ id: ids.get(site)!, position: positions[i]! })).sort((a, b) => a.position - b.position);
		const cancelled = byPosition[1]!;
		const afterCancel = nextState(chair, (s) => s.floorQueue.length === 5);
		await ask(sites.find((s) => ids.get(s) === cancelled.id)!, 'floor:cancel', {});
		const queue = (await afterCancel).floorQueue.map((f) => f.participantId);
		expect(queue).toEqual(byPosition.filter((p) => p !== cancelled).map((p) => p.id));

		const head = queue[0]!;
		const headSite = sites.find((s) => ids.get(s) === head)!;
		const granted = nextEvent(headSite, 'floor:granted');
		const spotlit = nextState(chair, (s) => s.spotlight === head);
		expect((await ask<Ack>(chair, 'floor:grant', { participantId: head })).ok).toBe(true);
		await granted;
		expect((await spotlit).floorQueue.map((f) => f.participantId)).toEqual(queue.slice(1));
		expect((await ask<Ack>(chair, 'floor:end', {})).ok).toBe(true);
		const actions = await running.app.inject({ url: `/api/meetings/${meeting.id}/actions`, headers: signed.get('admin')!.headers });
		expect(actions.json<{ action: string; actor: string }[]>().map((a) => a.action)).toEqual(['meeting.created', 'floor.granted', 'floor.ended']);
	});

	it('mutes a site server-side: its microphone producer pauses and the site is told', async () => {
		const meeting = await schedule(['dong-thinh']);
		const chair = await as('chutri');
		await join(chair, { meetingId: meeting.id });
		const site = await as('dongthinh');
		const joined = await join(site, { meetingId: meeting.id });
		expect((await ask<Ack>(site, 'transport:create', { direction: 'send' })).ok).toBe(true);
		const produced = await ask<Ack<{ producerId: string }>>(site, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: OPUS });
		expect(produced.ok, JSON.stringify(produced.error)).toBe(true);

		const muted = nextEvent(site, 'chair:muted');
		const seen = nextState(chair, (s) => s.participants.find((p) => p.id === joined.participantId)?.micMuted === true);
		expect((await ask<Ack>(chair, 'chair:mute', { participantId: joined.participantId })).ok).toBe(true);
		await muted;
		await seen;
		const conference = await running.app.inject({ url: `/api/meetings/${meeting.id}/actions`, headers: signed.get('admin')!.headers });
		expect(conference.json<{ action: string; targetUnitId: string }[]>().at(-1)).toMatchObject({ action: 'site.muted', targetUnitId: 'dong-thinh' });

		// Granting the floor unmutes it again.
		const unmuted = nextState(chair, (s) => s.participants.find((p) => p.id === joined.participantId)?.micMuted === false);
		await ask(chair, 'floor:grant', { participantId: joined.participantId });
		await unmuted;
		const all = await ask<Ack<{ muted: number }>>(chair, 'chair:mute-all', {});
		expect(all.data.muted).toBe(1);
	});

	it('puts sites in the waiting room of a locked meeting; the chair admits or denies', async () => {
		const meeting = await schedule(['dong-thinh', 'hai-luu']);
		const chair = await as('chutri');
		await join(chair, { meetingId: meeting.id });
		expect((await ask<Ack>(chair, 'chair:lock', { locked: true })).ok).toBe(true);

		const site = await as('dongthinh');
		const waitingShown = nextState(chair, (s) => s.waiting.length === 1);
		const first = await join(site, { meetingId: meeting.id });
		expect(first.status).toBe('waiting');
		const waiting = (await waitingShown).waiting[0]!;
		expect(waiting.unitName).toBe('Xã Đồng Thịnh');
		const admitted = nextEvent(site, 'room:admitted');
		await ask(chair, 'waiting:admit', { participantId: waiting.id });
		await admitted;
		expect((await join(site, { meetingId: meeting.id })).status).toBe('joined');

		const other = await running.connect();
		const otherWaiting = await join(other, { invitationToken: meeting.links.get('hai-luu') });
		expect(otherWaiting.status).toBe('waiting');
		const denied = nextEvent<{ reason: string }>(other, 'room:closed');
		await ask(chair, 'waiting:deny', { participantId: otherWaiting.participantId });
		expect((await denied).reason).toBe('denied');
	});

	it('removes a site, replaces a second window of the same site, and ends the meeting for all', async () => {
		const meeting = await schedule(['dong-thinh', 'hai-luu']);
		const chair = await as('chutri');
		await join(chair, { meetingId: meeting.id });
		const site = await as('dongthinh');
		const joined = await join(site, { meetingId: meeting.id });
		const removed = nextEvent<{ reason: string }>(site, 'room:closed');
		await ask(chair, 'chair:remove', { participantId: joined.participantId });
		expect((await removed).reason).toBe('removed');
		expect((await join(site, { meetingId: meeting.id })).status).toBe('waiting');

		const firstWindow = await running.connect();
		await join(firstWindow, { invitationToken: meeting.links.get('hai-luu') });
		const replaced = nextEvent<{ reason: string }>(firstWindow, 'room:closed');
		const secondWindow = await running.connect();
		await join(secondWindow, { invitationToken: meeting.links.get('hai-luu') });
		expect((await replaced).reason).toBe('replaced');

		const ended = nextEvent<{ reason: string }>(secondWindow, 'room:closed');
		expect((await ask<Ack>(chair, 'chair:end', {})).ok).toBe(true);
		expect((await ended).reason).toBe('ended');
		const detail = await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: signed.get('admin')!.headers });
		expect(detail.json<{ status: string; endedAt: string | null }>()).toMatchObject({ status: 'ended' });
		expect((await ask<Ack>(secondWindow, 'room:join', { invitationToken: meeting.links.get('hai-luu') })).error?.code).toBe('invalid_state');
		const attendance = await running.app.inject({ url: `/api/meetings/${meeting.id}/attendance`, headers: signed.get('admin')!.headers });
		const reasons = attendance.json<{ unitId: string; kind: string; reason: string }[]>().filter((a) => a.kind === 'leave').map((a) => `${a.unitId}:${a.reason}`);
		expect(reasons).toEqual(expect.arrayContaining(['dong-thinh:removed', 'hai-luu:replaced', 'hai-luu:ended', 'song-lo:ended']));
	});

	it('a worker death affects only the sites it carried: they are told, rejoin the same room on a live worker, the others go on', async () => {
		const meeting = await schedule(['dong-thinh']);
		const workers = () => running.app.workerPool.status().workers;
		const chair = await as('chutri');
		const first = await join(chair, { meetingId: meeting.id });
		const before = workers().map((w) => w.peers);
		const site = await as('dongthinh');
		await join(site, { meetingId: meeting.id });
		// Sites go to the least-loaded worker: the commune lands on the other core than the chair.
		const victim = workers().find((w, i) => w.peers === before[i]! + 1)!;
		expect(victim).toBeDefined();
		expect(workers().some((w) => w.index !== victim.index && w.peers > 0)).toBe(true);

		let chairTold = false;
		chair.on('media:closed', () => {
			chairTold = true;
		});
		const told = nextEvent(site, 'media:closed');
		process.kill(victim.pid!, 'SIGKILL');
		await told;
		// Rejoining at once, as the client does, lands in the same room on the surviving worker.
		const again = await join(site, { meetingId: meeting.id });
		expect(again.status).toBe('joined');
		expect(again.snapshot.roomId).toBe(first.snapshot.roomId);
		expect((await ask<Ack>(site, 'transport:create', { direction: 'send' })).ok).toBe(true);
		expect(workers().find((w) => w.index === victim.index)?.peers).toBe(0);
		await nextState(chair, (s) => s.participants.length === 2 && s.participants.some((p) => p.id === again.participantId));
		await expect
			.poll(async () => (await running.app.inject({ url: `/api/meetings/${meeting.id}/attendance`, headers: signed.get('admin')!.headers })).json<{ unitId: string; reason: string }[]>().filter((a) => a.reason === 'media-failure').map((a) => a.unitId))
			.toEqual(['dong-thinh']);
		expect(chairTold).toBe(false);
		await expect.poll(() => running.app.workerPool.ready, { timeout: 15000 }).toBe(true);
	});
});
