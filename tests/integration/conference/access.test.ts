import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conferenceFixture, OPUS, type Ack, type Joined } from '../../helpers/conference-fixture.ts';
import { ask, nextEvent, startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

/**
 * Access taken away while a site is connected takes effect in the live room at once, and the
 * chair's removal and mute hold whichever way the site comes back.
 */
describe('access in the live room', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	const clients: TestClient[] = [];

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri', 'thuky', 'dongthinh', 'hailuu', 'tanlap']);
	});
	// Sockets of one test end with it: the server caps sockets per address.
	afterEach(() => {
		for (const client of clients.splice(0)) {
			client.disconnect();
		}
	});
	afterAll(async () => {
		await running?.close();
	});

	async function socket(username?: string): Promise<TestClient> {
		const client = username ? await f.as(username) : await running.connect();
		clients.push(client);
		return client;
	}

	async function joinAs(username: string | undefined, payload: object): Promise<{ client: TestClient; joined: Joined }> {
		const client = await socket(username);
		return { client, joined: await f.join(client, payload) };
	}

	async function tryJoin(payload: object, username?: string): Promise<Ack<Joined>> {
		return ask<Ack<Joined>>(await socket(username), 'room:join', payload);
	}

	async function put(meetingId: string, invitedUnitIds: string[]) {
		const current = (await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: f.admin })).json<{
			title: string;
			startsAt: string;
			endsAt: string;
			chair: { id: string };
		}>();
		return running.app.inject({
			method: 'PUT',
			url: `/api/meetings/${meetingId}`,
			headers: f.admin,
			payload: {
				title: current.title,
				description: '',
				location: '',
				startsAt: current.startsAt,
				endsAt: current.endsAt,
				chairId: current.chair.id,
				agenda: [],
				invitedUnitIds,
			},
		});
	}

	it('a renewed link takes its site out of the live room; the unit’s signed-in operator stays; the old link stays dead', async () => {
		const { id, links } = await f.schedule(['dong-thinh']);
		await joinAs('chutri', { meetingId: id });
		const link = await joinAs(undefined, { invitationToken: links.get('dong-thinh') });
		const operator = await joinAs('dongthinh', { meetingId: id });
		const closed = nextEvent<{ reason: string }>(link.client, 'room:closed');

		const renewed = await running.app.inject({ method: 'POST', url: `/api/meetings/${id}/invitations/dong-thinh/link`, headers: f.admin });
		expect(renewed.statusCode, renewed.body).toBe(200);
		// The HTTP answer comes after the room acted: the site is already out.
		expect((await closed).reason).toBe('revoked');
		const rows = await f.attendance(id);
		expect(rows.filter((r) => r.kind === 'leave' && r.reason === 'revoked')).toHaveLength(1);
		expect((await ask<Ack>(link.client, 'room:set-state', { audioOnly: true })).error?.code).toBe('invalid_state');
		expect((await ask<Ack>(operator.client, 'room:set-state', { audioOnly: true })).ok).toBe(true);

		const old = await tryJoin({ invitationToken: links.get('dong-thinh') });
		expect(old.error?.code).toBe('forbidden');
		const fresh = renewed.json<{ url: string }>().url.split('/join/')[1]!;
		expect((await tryJoin({ invitationToken: fresh })).ok).toBe(true);
	});

	it('a join whose link is renewed while its room opens is refused (the access is checked again in the room’s queue)', async () => {
		const { id, links } = await f.schedule(['tan-lap']);
		const pool = running.app.workerPool;
		const createRouter = pool.createRouter.bind(pool);
		let release = (): void => undefined;
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const opening = new Promise<void>((resolve) => {
			// The first join of the meeting opens its room: held there, after the link was checked.
			pool.createRouter = async (...args) => {
				resolve();
				await gate;
				return createRouter(...args);
			};
		});
		try {
			const site = await socket();
			const join = ask<Ack<Joined>>(site, 'room:join', { invitationToken: links.get('tan-lap') });
			await opening;
			const renewed = await running.app.inject({ method: 'POST', url: `/api/meetings/${id}/invitations/tan-lap/link`, headers: f.admin });
			expect(renewed.statusCode).toBe(200);
			release();
			expect((await join).error?.code).toBe('forbidden');
			expect((await f.attendance(id)).filter((r) => r.unitId === 'tan-lap')).toEqual([]);
			const fresh = renewed.json<{ url: string }>().url.split('/join/')[1]!;
			expect((await tryJoin({ invitationToken: fresh })).ok).toBe(true);
		} finally {
			release();
			pool.createRouter = createRouter;
		}
	});

	it('a unit taken off the invitation list loses every site at once; invited again, it gets a new link and the old one stays dead', async () => {
		const { id, links } = await f.schedule(['dong-thinh', 'hai-luu']);
		await joinAs('chutri', { meetingId: id });
		const link = await joinAs(undefined, { invitationToken: links.get('hai-luu') });
		const operator = await joinAs('hailuu', { meetingId: id });
		const other = await joinAs(undefined, { invitationToken: links.get('dong-thinh') });
		const closedLink = nextEvent<{ reason: string }>(link.client, 'room:closed');
		const closedOperator = nextEvent<{ reason: string }>(operator.client, 'room:closed');

		const withdrawn = await put(id, ['dong-thinh']);
		expect(withdrawn.statusCode, withdrawn.body).toBe(200);
		expect((await closedLink).reason).toBe('revoked');
		expect((await closedOperator).reason).toBe('revoked');
		expect((await ask<Ack>(other.client, 'room:set-state', { audioOnly: false })).ok).toBe(true);
		const revokedLeaves = (await f.attendance(id)).filter((r) => r.unitId === 'hai-luu' && r.kind === 'leave' && r.reason === 'revoked');
		expect(revokedLeaves).toHaveLength(2);
		expect((await tryJoin({ meetingId: id }, 'hailuu')).error?.code).toBe('not_found');

		const reinvited = await put(id, ['dong-thinh', 'hai-luu']);
		expect(reinvited.statusCode, reinvited.body).toBe(200);
		const issued = reinvited.json<{ joinLinks: { unitId: string; url: string }[] }>().joinLinks;
		expect(issued.map((l) => l.unitId)).toEqual(['hai-luu']);
		expect((await tryJoin({ invitationToken: links.get('hai-luu') })).error?.code).toBe('forbidden');
		expect((await tryJoin({ invitationToken: issued[0]!.url.split('/join/')[1] })).ok).toBe(true);

		const log = (await running.app.inject({ url: `/api/meetings/${id}/actions`, headers: f.admin })).json<{ action: string; targetUnitId: string | null }[]>();
		expect(log.filter((a) => a.action === 'invitation.revoked').map((a) => a.targetUnitId)).toEqual(['hai-luu']);
	});

	it('cancelling a meeting sends away the communes already waiting in its room', async () => {
		const { id, links } = await f.schedule(['tan-lap'], { startsAt: new Date(Date.now() + 3600_000) });
		const early = await joinAs(undefined, { invitationToken: links.get('tan-lap') });
		expect(early.joined.status).toBe('joined');
		const closed = nextEvent<{ reason: string }>(early.client, 'room:closed');

		const cancelled = await running.app.inject({ method: 'POST', url: `/api/meetings/${id}/cancel`, headers: f.admin });
		expect(cancelled.statusCode, cancelled.body).toBe(200);
		expect((await closed).reason).toBe('revoked');
		expect((await f.attendance(id)).filter((r) => r.kind === 'leave').map((r) => r.reason)).toEqual(['revoked']);
		expect((await tryJoin({ invitationToken: links.get('tan-lap') })).error?.code).toBe('invalid_state');
	});

	it('a disabled account’s sites leave every meeting', async () => {
		const first = await f.schedule(['dong-thinh']);
		const second = await f.schedule(['dong-thinh']);
		const a = await joinAs('dongthinh', { meetingId: first.id });
		const b = await joinAs('dongthinh', { meetingId: second.id });
		const link = await joinAs(undefined, { invitationToken: first.links.get('dong-thinh') });
		const closedA = nextEvent<{ reason: string }>(a.client, 'room:closed');
		const closedB = nextEvent<{ reason: string }>(b.client, 'room:closed');
		const userId = [...running.app.io.of('/').sockets.values()].find((s) => s.data.user?.username === 'dongthinh')!.data.user!.id;

		const disabled = await running.app.inject({ method: 'POST', url: `/api/accounts/${userId}/disable`, headers: f.admin });
		expect(disabled.statusCode, disabled.body).toBe(200);
		// Out of both rooms as revoked (before its sockets close), the unit's link site untouched.
		expect((await closedA).reason).toBe('revoked');
		expect((await closedB).reason).toBe('revoked');
		const rows = [...(await f.attendance(first.id)), ...(await f.attendance(second.id))].filter((r) => r.unitId === 'dong-thinh' && r.kind === 'leave');
		expect(rows.map((r) => r.reason)).toEqual(['revoked', 'revoked']);
		await running.app.inject({ method: 'POST', url: `/api/accounts/${userId}/enable`, headers: f.admin });
		// The unit's link is not the person: it stays.
		expect((await ask<Ack>(link.client, 'room:set-state', { audioOnly: false })).ok).toBe(true);
	});

	it('a removed commune cannot come back by switching between its link and its operator’s account until admitted', async () => {
		const { id, links } = await f.schedule(['hai-luu']);
		const chair = await joinAs('chutri', { meetingId: id });
		const link = await joinAs(undefined, { invitationToken: links.get('hai-luu') });
		const closed = nextEvent<{ reason: string }>(link.client, 'room:closed');
		expect((await ask<Ack>(chair.client, 'chair:remove', { participantId: link.joined.participantId })).ok).toBe(true);
		expect((await closed).reason).toBe('removed');
		// The action log says who removed it, and from where.
		const log = (await running.app.inject({ url: `/api/meetings/${id}/actions`, headers: f.admin })).json<{ action: string; actor: string; address: string }[]>();
		const removal = log.find((a) => a.action === 'site.removed');
		expect(removal?.actor).toContain('Chủ trì');
		expect(removal?.address).toMatch(/127\.0\.0\.1$/);

		const viaAccount = await joinAs('hailuu', { meetingId: id });
		expect(viaAccount.joined.status).toBe('waiting');
		const viaLinkAgain = await joinAs(undefined, { invitationToken: links.get('hai-luu') });
		expect(viaLinkAgain.joined.status).toBe('waiting');

		const admitted = nextEvent(viaAccount.client, 'room:admitted');
		expect((await ask<Ack>(chair.client, 'waiting:admit', { participantId: viaAccount.joined.participantId })).ok).toBe(true);
		await admitted;
		expect((await f.join(viaAccount.client, { meetingId: id })).status).toBe('joined');
		// Admitting the unit lifts its removal for its link too.
		expect((await tryJoin({ invitationToken: links.get('hai-luu') })).data.status).toBe('joined');
	});

	it('host-unit staff pass the lock but not a removal; the chair is never kept waiting', async () => {
		const { id, links } = await f.schedule(['tan-lap']);
		const chair = await joinAs('chutri', { meetingId: id });
		expect((await ask<Ack>(chair.client, 'chair:lock', { locked: true })).ok).toBe(true);
		expect((await tryJoin({ invitationToken: links.get('tan-lap') })).data.status).toBe('waiting');
		const secretary = await joinAs('thuky', { meetingId: id });
		expect(secretary.joined.status).toBe('joined');

		expect((await ask<Ack>(chair.client, 'chair:remove', { participantId: secretary.joined.participantId })).ok).toBe(true);
		expect((await tryJoin({ meetingId: id }, 'thuky')).data.status).toBe('waiting');
		// Another window of the chair replaces the first without waiting.
		expect((await tryJoin({ meetingId: id }, 'chutri')).data.status).toBe('joined');
	});

	describe('the chair’s mute', () => {
		type View = { id: string; unitId: string; micMuted: boolean; mutedByChair: boolean };

		/** Joins and sends a microphone; `watch` sees the socket before anything is sent. */
		async function withMicrophone(username: string | undefined, payload: object, watch: (client: TestClient) => void = () => undefined) {
			const client = await socket(username);
			watch(client);
			const joined = await f.join(client, payload);
			expect((await ask<Ack>(client, 'transport:create', { direction: 'send' })).ok).toBe(true);
			const produced = await ask<Ack<{ producerId: string }>>(client, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: OPUS });
			expect(produced.ok, JSON.stringify(produced.error)).toBe(true);
			return { client, joined, producerId: produced.data.producerId };
		}

		/** The site as the chair's state shows it after the changes queued so far (set-state passes the room's queue). */
		async function seenByChair(chair: TestClient, unitId: string): Promise<View> {
			expect((await ask<Ack>(chair, 'room:set-state', {})).ok).toBe(true);
			const state = await ask<Ack<{ participants: View[] }>>(chair, 'room:resync', {});
			return state.data.participants.find((p) => p.unitId === unitId)!;
		}

		it('a muted site cannot turn its microphone back on until asked to unmute', async () => {
			const { id, links } = await f.schedule(['dong-thinh']);
			const chair = await joinAs('chutri', { meetingId: id });
			const site = await withMicrophone(undefined, { invitationToken: links.get('dong-thinh') });
			const muted = nextEvent(site.client, 'chair:muted');
			expect((await ask<Ack>(chair.client, 'chair:mute', { participantId: site.joined.participantId })).ok).toBe(true);
			await muted;

			expect((await ask<Ack>(site.client, 'producer:resume', { producerId: site.producerId })).error?.code).toBe('forbidden');
			expect(await seenByChair(chair.client, 'dong-thinh')).toMatchObject({ micMuted: true, mutedByChair: true });

			expect((await ask<Ack>(chair.client, 'chair:ask-unmute', { participantId: site.joined.participantId })).ok).toBe(true);
			expect((await ask<Ack>(site.client, 'producer:resume', { producerId: site.producerId })).ok).toBe(true);
			expect(await seenByChair(chair.client, 'dong-thinh')).toMatchObject({ micMuted: false, mutedByChair: false });
		});

		it('mute-all holds for a site already silent, across a reload, until the chair gives it the floor', async () => {
			const { id, links } = await f.schedule(['hai-luu']);
			const chair = await joinAs('chutri', { meetingId: id });
			const first = await withMicrophone(undefined, { invitationToken: links.get('hai-luu') });
			expect((await ask<Ack>(first.client, 'producer:pause', { producerId: first.producerId })).ok).toBe(true);
			expect((await ask<Ack<{ muted: number }>>(chair.client, 'chair:mute-all', {})).ok).toBe(true);
			expect((await ask<Ack>(first.client, 'producer:resume', { producerId: first.producerId })).error?.code).toBe('forbidden');

			// A reload (new socket, same link) comes back with its microphone on: the server turns it off.
			first.client.disconnect();
			const watched: Promise<unknown>[] = [];
			const reloaded = await withMicrophone(undefined, { invitationToken: links.get('hai-luu') }, (client) => {
				watched.push(nextEvent(client, 'chair:muted'));
			});
			await watched[0];
			expect((await ask<Ack>(reloaded.client, 'producer:resume', { producerId: reloaded.producerId })).error?.code).toBe('forbidden');
			expect(await seenByChair(chair.client, 'hai-luu')).toMatchObject({ micMuted: true, mutedByChair: true });

			const granted = nextEvent(reloaded.client, 'floor:granted');
			expect((await ask<Ack>(chair.client, 'floor:grant', { participantId: reloaded.joined.participantId })).ok).toBe(true);
			await granted;
			expect(await seenByChair(chair.client, 'hai-luu')).toMatchObject({ micMuted: false, mutedByChair: false });
			// Taking the floor back mutes it again, with the same hold.
			expect((await ask<Ack>(chair.client, 'floor:end', {})).ok).toBe(true);
			expect((await ask<Ack>(reloaded.client, 'producer:resume', { producerId: reloaded.producerId })).error?.code).toBe('forbidden');
		});
	});
});
