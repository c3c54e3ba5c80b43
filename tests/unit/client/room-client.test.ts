import { Device } from 'mediasoup-client';
import { FakeHandler } from 'mediasoup-client/lib/handlers/FakeHandler.js';
import type { Producer, Transport } from 'mediasoup-client/lib/types.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomClient, type RoomState } from '../../../client/src/room/room-client.ts';
import type { AppSocket } from '../../../client/src/signaling/socket.ts';
import type { Ack, RoomDelta } from '../../../shared/src/protocol/index.ts';
import { consumerAdded, deferred, fail, FakeSocket, fakeLocalStream, fakeParameters, never, ok, participant, snapshot, transportOptions } from './fake-room-server.ts';

// Taken before the fake timers replace it: lets the client's promise chains run without moving the clock.
const realSetImmediate = globalThis.setImmediate;

/** Lets pending promise chains run until `condition` holds (never advances the fake clock). */
async function until(condition: () => boolean, what = 'condition'): Promise<void> {
	for (let i = 0; i < 500; i++) {
		if (condition()) {
			return;
		}
		await new Promise((resolve) => realSetImmediate(resolve));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/** Lets everything that can run without the clock moving run. */
async function settle(): Promise<void> {
	for (let i = 0; i < 50; i++) {
		await new Promise((resolve) => realSetImmediate(resolve));
	}
}

function room() {
	const socket = new FakeSocket();
	const transports: Transport[] = [];
	const producers: Producer[] = [];
	const device = new Device({ handlerFactory: FakeHandler.createFactory(fakeParameters) });
	device.observer.on('newtransport', (transport) => {
		transports.push(transport);
		transport.observer.on('newproducer', (producer) => producers.push(producer));
	});
	// random 0.5 puts the rejoin jitter in the middle: delays of exactly 1 s, 2 s, 4 s …
	const client = new RoomClient(socket as unknown as AppSocket, { meetingId: 'meeting-1' }, fakeLocalStream(), {
		createDevice: () => device,
		random: () => 0.5,
	});
	const states: { state: RoomState; detail: string | undefined }[] = [];
	client.on('state', (state, detail) => states.push({ state, detail }));
	/** Joins as the page does: a failure of its join closes the room with the reason. */
	const pageJoin = () => client.join().catch((error: unknown) => client.close('error', error instanceof Error ? error.message : String(error)));
	const open = () =>
		transports
			.filter((t) => !t.closed)
			.map((t) => t.id)
			.sort();
	const setConnectionState = (id: string, state: 'disconnected' | 'failed' | 'connected') => {
		const transport = transports.find((t) => t.id === id);
		expect(transport, `transport ${id}`).toBeDefined();
		(transport!.handler as FakeHandler).setConnectionState(state);
	};
	/** The camera producer open now, if any. */
	const camera = () => producers.find((p) => !p.closed && p.appData['source'] === 'camera');
	return { socket, client, transports, producers, camera, states, pageJoin, open, setConnectionState };
}

/** The first join's recv transport:create waits for `held`; every other request is answered at once. */
/**
 * The page joins; while that first join waits for its recv transport, the server asks for a rejoin
 * (media:closed), which completes. Returns the first join and the held answer to release it.
 */
async function supersededFirstJoin(r: ReturnType<typeof room>): Promise<{ first: Promise<void>; held: ReturnType<typeof deferred<Ack<unknown>>> }> {
	const held = deferred<Ack<unknown>>();
	holdFirstRecvTransport(r.socket, held.promise);
	const first = r.pageJoin();
	await until(() => r.socket.sent('transport:create').length === 2, 'the first join asking for its recv transport');
	r.socket.push('media:closed', { reason: 'worker died' });
	await until(() => r.client.state === 'joined', 'the second join');
	return { first, held };
}

function holdFirstRecvTransport(socket: FakeSocket, held: Promise<Ack<unknown>>): void {
	socket.answer('transport:create', ({ direction }, join) =>
		join === 1 && direction === 'recv' ? held : ok(transportOptions(`${join}-${String(direction)}`))
	);
}

beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

describe('RoomClient joins that overlap', () => {
	it('a join superseded while creating transports closes its own and leaves exactly the newer join’s open', async () => {
		const r = room();
		const { socket, client, open } = r;
		// The media worker died while the first join waited: the server asks for a rejoin.
		const { first, held } = await supersededFirstJoin(r);
		expect(open()).toEqual(['2-recv', '2-send']);

		// Now the server's answer to the first join's request arrives, late.
		const sentBeforeLateAnswer = socket.requests.length;
		held.resolve(ok(transportOptions('1-recv')));
		await first;
		await settle();
		// The first join stops there: it sends nothing more (no produce, no consume for the old join).
		expect(socket.requests.slice(sentBeforeLateAnswer).map((r) => r.event)).toEqual([]);

		expect(open()).toEqual(['2-recv', '2-send']);
		expect(client.state).toBe('joined');
		// Only the newer join said it receives; the remote microphone is consumed once, for its peer.
		expect(socket.requests.filter((r) => r.event === 'room:receive').map((r) => r.join)).toEqual([2]);
		expect(socket.sent('consumer:resume')).toEqual([{ consumerId: '2-consumer-other-microphone' }]);
		expect(client.tracks().get('other')?.audio).toBeDefined();
	});

	it('a transport of a superseded join that fails restarts no ICE; the current join’s does', async () => {
		const r = room();
		const { socket, client, transports, setConnectionState } = r;
		const { first, held } = await supersededFirstJoin(r);
		first.catch(() => undefined);
		held.resolve(ok(transportOptions('1-recv')));
		await settle();

		for (const transport of transports.filter((t) => t.id.startsWith('1-'))) {
			setConnectionState(transport.id, 'disconnected');
			setConnectionState(transport.id, 'failed');
		}
		await settle();
		expect(socket.sent('transport:restart-ice')).toEqual([]);
		// Nor does its ICE deadline rejoin.
		await vi.advanceTimersByTimeAsync(15_000);
		expect(socket.joins).toBe(2);
		expect(client.recovery).toEqual({ iceRestarts: 0, rejoins: 1 });

		setConnectionState('2-recv', 'disconnected');
		await until(() => client.recovery.iceRestarts === 1, 'the ICE restart of the current recv transport');
		expect(socket.sent('transport:restart-ice')).toEqual([{ direction: 'recv' }]);
	});

	it('the failure of a superseded first join does not close the room', async () => {
		const r = room();
		const { client } = r;
		const { first, held } = await supersededFirstJoin(r);

		held.resolve(fail('internal', 'the worker of that transport died'));
		await first;
		await settle();

		expect(client.state).toBe('joined');
	});

	it('the failure of a superseded reconnect join does not close the room', async () => {
		const { socket, client, pageJoin, open } = room();
		await pageJoin();
		expect(client.state).toBe('joined');
		const held = deferred<Ack<unknown>>();
		socket.answer('room:join', (_, join) => (join === 2 ? held.promise : socket.joined(join)));

		socket.drop();
		socket.reconnect();
		await until(() => socket.joins === 2, 'the reconnect join');
		socket.push('media:closed', { reason: 'worker died' });
		await until(() => client.state === 'joined', 'the join after media:closed');

		held.resolve(fail('unavailable', 'no media worker'));
		await settle();

		expect(client.state).toBe('joined');
		expect(open()).toEqual(['3-recv', '3-send']);
	});
});

/** Joins, then loses the room the way `trigger` says, so that the next room:join is a rejoin. */
async function joinedThenLost(trigger: 'media:closed' | 'reconnect') {
	const setup = room();
	await setup.pageJoin();
	expect(setup.client.state).toBe('joined');
	return {
		...setup,
		lose: () => {
			if (trigger === 'media:closed') {
				setup.socket.push('media:closed', { reason: 'worker died' });
			} else {
				setup.socket.drop();
				setup.socket.reconnect();
			}
		},
	};
}

describe('RoomClient rejoins that fail', () => {
	it.each(['media:closed', 'reconnect'] as const)('after %s, retries an unavailable server after 1 s, 2 s, 4 s and joins when it recovers', async (trigger) => {
		const { socket, client, states, open, lose } = await joinedThenLost(trigger);
		socket.answer('room:join', (_, join) => (join <= 4 ? fail('unavailable', 'no media worker yet') : socket.joined(join)));
		lose();
		await until(() => socket.joins === 2 && client.state !== 'joined', 'the first rejoin');
		await settle();
		expect(client.state).toBe('reconnecting');

		for (const [join, delay] of [[3, 1000], [4, 2000], [5, 4000]] as const) {
			// Nothing before the delay is over, then the next try.
			await vi.advanceTimersByTimeAsync(delay - 1);
			expect(socket.joins).toBe(join - 1);
			expect(client.state).toBe('reconnecting');
			expect(states.at(-1)).toEqual({ state: 'reconnecting', detail: 'no media worker yet' });
			expect(client.rejoinStatus).toEqual({ failures: join - 2, error: 'no media worker yet', retryAt: Date.now() + 1 });
			await vi.advanceTimersByTimeAsync(1);
			expect(socket.joins).toBe(join);
		}
		await until(() => client.state === 'joined', 'the join once the server recovered');
		expect(client.rejoinStatus).toBeNull();
		expect(open()).toEqual(['5-recv', '5-send']);
		// One recovery, however many tries it took.
		expect(client.recovery.rejoins).toBe(1);
	});

	it('retries a rejoin whose request times out', async () => {
		const { socket, client, lose } = await joinedThenLost('media:closed');
		socket.answer('room:join', (_, join) => (join === 2 ? never() : socket.joined(join)));
		lose();
		await until(() => socket.joins === 2, 'the first rejoin');
		// request() gives up after 10 s; the retry follows 1 s later.
		await vi.advanceTimersByTimeAsync(10_000);
		expect(client.state).toBe('reconnecting');
		expect(client.rejoinStatus?.failures).toBe(1);
		await vi.advanceTimersByTimeAsync(1000);
		expect(socket.joins).toBe(3);
		await until(() => client.state === 'joined', 'the retried join');
	});

	it('retries a failure after the server accepted the join, even one that looks like a refusal', async () => {
		const { socket, client, lose } = await joinedThenLost('media:closed');
		// The membership vanished between room:join and transport:create (the meeting moved to a new room).
		socket.answer('transport:create', ({ direction }, join) => (join === 2 ? fail('invalid_state', 'Join the meeting first') : ok(transportOptions(`${join}-${String(direction)}`))));
		lose();
		await until(() => client.rejoinStatus?.failures === 1, 'the failed rejoin');
		await vi.advanceTimersByTimeAsync(1000);
		await until(() => client.state === 'joined', 'the retried join');
	});

	it('waits for the socket instead of a timer when the rejoin failed offline', async () => {
		const { socket, client, lose } = await joinedThenLost('media:closed');
		socket.answer('room:join', (_, join) => (join === 2 ? fail('unavailable', 'room:join: no answer from the server') : socket.joined(join)));
		lose();
		socket.connected = false;
		socket.push('disconnect', 'ping timeout');
		await until(() => client.rejoinStatus !== null, 'the failed rejoin');
		expect(client.rejoinStatus).toMatchObject({ failures: 1, retryAt: null });
		await vi.advanceTimersByTimeAsync(60_000);
		expect(socket.joins).toBe(2);
		socket.reconnect();
		await until(() => client.state === 'joined', 'the join once the socket is back');
		expect(socket.joins).toBe(3);
	});

	it('stops retrying when closed', async () => {
		const { socket, client, states, lose } = await joinedThenLost('media:closed');
		socket.answer('room:join', () => fail('unavailable', 'no media worker yet'));
		lose();
		await until(() => socket.joins === 2, 'the first rejoin');
		await vi.advanceTimersByTimeAsync(1000);
		expect(socket.joins).toBe(3);
		client.close('left');
		await vi.advanceTimersByTimeAsync(120_000);
		expect(socket.joins).toBe(3);
		expect(vi.getTimerCount()).toBe(0);
		expect(socket.listenerCount()).toBe(0);
		expect(states.at(-1)).toEqual({ state: 'closed', detail: 'left' });
	});

	it.each([
		['invalid_state', 'The meeting is ended'],
		['forbidden', 'This join link is not valid (expired, replaced or revoked); ask the host unit for a new one'],
		['not_found', 'No meeting meeting-1'],
		['unauthorized', 'Sign in first'],
	] as const)('closes with reason error when the server refuses the rejoin (%s)', async (code, message) => {
		const { socket, client, states, open, lose } = await joinedThenLost('media:closed');
		socket.answer('room:join', () => fail(code, message));
		lose();
		await until(() => socket.joins === 2, 'the rejoin');
		await settle();
		expect(client.state).toBe('closed');
		expect(states.at(-1)).toEqual({ state: 'closed', detail: message });
		expect(open()).toEqual([]);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(socket.joins).toBe(2);
	});

	it('retries a first join that fails after the connection dropped, instead of closing', async () => {
		const { socket, client, pageJoin } = room();
		const held = deferred<Ack<unknown>>();
		socket.answer('room:join', (_, join) => (join === 1 ? held.promise : socket.joined(join)));
		const first = pageJoin();
		socket.connected = false;
		socket.push('disconnect', 'ping timeout');
		held.resolve(fail('unavailable', 'room:join: no answer from the server'));
		await first;
		expect(client.state).toBe('reconnecting');
		socket.reconnect();
		await until(() => client.state === 'joined', 'the join once the socket is back');
	});

	it('joins again after a reconnect even when a join completed while signalling was down', async () => {
		const { socket, client, pageJoin } = room();
		const held = deferred<Ack<unknown>>();
		socket.answer('room:join', (_, join) => (join === 1 ? held.promise : socket.joined(join)));
		const first = pageJoin();
		socket.connected = false;
		socket.push('disconnect', 'transport close');
		held.resolve(socket.joined(1));
		await first;
		// The server let this site go with the old socket: the new one must join.
		socket.reconnect();
		await until(() => socket.joins === 2, 'the rejoin');
		await until(() => client.state === 'joined', 'the rejoin completing');
	});

	it('still reports a failed first join to the page', async () => {
		const { socket, client } = room();
		socket.answer('room:join', () => fail('unavailable', 'no media worker yet'));
		await expect(client.join()).rejects.toThrow('no media worker yet');
		await vi.advanceTimersByTimeAsync(60_000);
		expect(socket.joins).toBe(1);
	});
});

/** Joins (the fake server pushes the other site's microphone on room:receive) and waits until it plays. */
async function joinedAndReceiving() {
	const setup = room();
	await setup.pageJoin();
	expect(setup.client.state).toBe('joined');
	await until(() => setup.socket.sent('consumer:resume').length === 1, 'the microphone consumer resumed');
	return setup;
}

/** A delta of room-1 on top of `seq - 1`. */
function delta(seq: number, change: Omit<RoomDelta, 'roomId' | 'seq'> = {}): RoomDelta {
	return { roomId: 'room-1', seq, ...change };
}

describe('RoomClient receives what the server makes for it', () => {
	it('says it receives right after its receive transport, then consumes what the server adds and resumes it', async () => {
		const { socket, client } = await joinedAndReceiving();
		const events = socket.requests.map((r) => r.event);
		expect(events.indexOf('room:receive')).toBe(events.lastIndexOf('transport:create') + 1);
		expect(socket.sent('room:receive')[0]?.['rtpCapabilities']).toMatchObject({ codecs: expect.any(Array) as unknown });
		expect(socket.sent('consumer:create')).toEqual([]);
		expect(socket.sent('consumer:resume')).toEqual([{ consumerId: '1-consumer-other-microphone' }]);
		expect(client.tracks().get('other')?.audio?.kind).toBe('audio');

		socket.push('consumer:added', consumerAdded(1, 'third', 'camera'));
		await until(() => socket.sent('consumer:resume').length === 2, 'the camera consumer resumed');
		expect(socket.sent('consumer:resume')[1]).toEqual({ consumerId: '1-consumer-third-camera' });
		expect(client.tracks().get('third')?.camera?.kind).toBe('video');
		// The same notice twice makes one consumer.
		socket.push('consumer:added', consumerAdded(1, 'third', 'camera'));
		await settle();
		expect(socket.sent('consumer:resume')).toHaveLength(2);
	});

	it('closes a consumer on consumer:closed, also one the browser was still setting up', async () => {
		const { socket, client } = await joinedAndReceiving();
		socket.push('consumer:closed', { consumerId: '1-consumer-other-microphone' });
		expect(client.tracks().has('other')).toBe(false);

		// Closed by the server before recv.consume() finished: never shown, never resumed.
		socket.push('consumer:added', consumerAdded(1, 'third', 'camera'));
		socket.push('consumer:closed', { consumerId: '1-consumer-third-camera' });
		await settle();
		expect(client.tracks().has('third')).toBe(false);
		expect(socket.sent('consumer:resume')).toEqual([{ consumerId: '1-consumer-other-microphone' }]);
	});

	it('sends nothing for a consumer:added that reaches a superseded join', async () => {
		const { socket, client } = await joinedAndReceiving();
		const held = deferred<Ack<unknown>>();
		socket.answer('room:join', (_, join) => (join === 2 ? held.promise : socket.joined(join)));

		// Set up by the first join's transport while the rejoin starts: dropped, not resumed.
		socket.push('consumer:added', consumerAdded(1, 'third', 'camera'));
		socket.push('media:closed', { reason: 'worker died' });
		// The old peer's notices still on the way while the new join has no receive transport yet.
		socket.push('consumer:added', consumerAdded(1, 'fourth', 'microphone'));
		await settle();
		const sentWhileSuperseded = socket.requests.filter((r) => r.join === 2).map((r) => r.event);
		expect(sentWhileSuperseded).toEqual(['room:join']);
		expect(client.tracks().size).toBe(0);

		held.resolve(socket.joined(2));
		await until(() => client.state === 'joined', 'the rejoin');
		await until(() => socket.sent('consumer:resume').length === 2, 'the rejoin’s microphone consumer');
		expect(socket.sent('consumer:resume')).toEqual([{ consumerId: '1-consumer-other-microphone' }, { consumerId: '2-consumer-other-microphone' }]);
		expect([...client.tracks().keys()]).toEqual(['other']);
	});
});

describe('RoomClient view', () => {
	it('sends a view set before the join once it receives, an unchanged view once, and again after a rejoin', async () => {
		const { socket, client, pageJoin } = room();
		void client.setView({ large: 'other', thumbnails: [] });
		expect(socket.sent('room:view')).toEqual([]);
		await pageJoin();
		const events = socket.requests.map((r) => r.event);
		// Right once it receives: before producing (the receive transport's connect may come in between).
		expect(events.indexOf('room:view')).toBeGreaterThan(events.indexOf('room:receive'));
		expect(events.indexOf('room:view')).toBeLessThan(events.indexOf('producer:create'));
		expect(socket.sent('room:view')).toEqual([{ large: 'other', thumbnails: [] }]);

		await client.setView({ large: 'other', thumbnails: [] });
		expect(socket.sent('room:view')).toHaveLength(1);
		await client.setView({ large: 'third', thumbnails: ['other'] });
		await client.setView({ large: 'third', thumbnails: ['other'] });
		expect(socket.sent('room:view')).toEqual([
			{ large: 'other', thumbnails: [] },
			{ large: 'third', thumbnails: ['other'] },
		]);

		socket.push('media:closed', { reason: 'worker died' });
		await until(() => client.state === 'joined' && socket.joins === 2, 'the rejoin');
		expect(socket.requests.filter((r) => r.event === 'room:view').map((r) => [r.join, r.payload])).toEqual([
			[1, { large: 'other', thumbnails: [] }],
			[1, { large: 'third', thumbnails: ['other'] }],
			[2, { large: 'third', thumbnails: ['other'] }],
		]);
	});

	it('asks for no more thumbnails than the room accepts', async () => {
		const { socket, client } = await joinedAndReceiving();
		const many = Array.from({ length: 20 }, (_, i) => `site-${i}`);
		await client.setView({ large: null, thumbnails: many });
		expect(socket.sent('room:view').at(-1)).toEqual({ large: null, thumbnails: many.slice(0, 9) });
	});

	it('sends the same view again after room:view failed', async () => {
		const { socket, client } = await joinedAndReceiving();
		socket.answer('room:view', () => fail('internal'));
		await expect(client.setView({ large: 'other', thumbnails: [] })).rejects.toThrow();
		socket.answer('room:view', ({ thumbnails }) => ok({ thumbnails }));
		await client.setView({ large: 'other', thumbnails: [] });
		expect(socket.sent('room:view')).toHaveLength(2);
	});
});

describe('RoomClient camera layers', () => {
	it('limits the camera to the layers received; a camera produced again after audio-only starts with every layer', async () => {
		const { socket, client, camera } = await joinedAndReceiving();
		const first = camera();
		expect(first).toBeDefined();
		const unlimited = first!.maxSpatialLayer;
		socket.push('producer:layers', { producerId: first!.id, maxSpatialLayer: 0 });
		await until(() => first!.maxSpatialLayer === 0, 'the camera limited to layer 0');

		await client.setAudioOnly(true);
		expect(camera()).toBeUndefined();
		// A late notice about the closed camera is not kept for the next one.
		socket.push('producer:layers', { producerId: first!.id, maxSpatialLayer: 0 });
		await client.setAudioOnly(false);
		const second = camera();
		expect(second && second.id !== first!.id).toBe(true);
		// Not limited: the server tells a new camera its top layer first and lowers it seconds later (mediasoup #492).
		expect(unlimited).toBeUndefined();
		expect(second!.maxSpatialLayer).toBeUndefined();

		// A notice about the closed camera changes nothing; one about this camera does.
		socket.push('producer:layers', { producerId: first!.id, maxSpatialLayer: 1 });
		await settle();
		expect(second!.maxSpatialLayer).toBe(unlimited);
		socket.push('producer:layers', { producerId: second!.id, maxSpatialLayer: 0 });
		await until(() => second!.maxSpatialLayer === 0, 'the new camera limited to layer 0');
	});
});

describe('RoomClient room state', () => {
	it('applies deltas in order; on a gap asks room:resync once and goes on from its answer', async () => {
		const { socket, client } = await joinedAndReceiving();
		const seen: number[] = [];
		client.on('snapshot', (s) => seen.push(s.seq));
		expect(client.snapshot?.seq).toBe(1);

		socket.push('room:delta', delta(2, { participants: [participant('third')] }));
		expect(client.snapshot?.participants.map((p) => p.id)).toEqual(['me', 'other', 'third']);
		// Stale: ignored.
		socket.push('room:delta', delta(2, { left: ['third'] }));
		expect(client.snapshot?.participants.map((p) => p.id)).toEqual(['me', 'other', 'third']);
		expect(socket.sent('room:resync')).toEqual([]);

		const resync = deferred<Ack<unknown>>();
		socket.answer('room:resync', () => resync.promise);
		// Seq 3 got lost: 4 is a gap; 5 and 6 arrive while the resync is under way.
		socket.push('room:delta', delta(4, { locked: true }));
		socket.push('room:delta', delta(5, { spotlight: 'other' }));
		socket.push('room:delta', delta(7, { recentSpeakers: ['other'] }));
		socket.push('room:delta', delta(6, { left: ['other'] }));
		await settle();
		expect(socket.sent('room:resync')).toHaveLength(1);
		expect(client.snapshot?.seq).toBe(2);

		const whole = { ...snapshot(5), title: 'Giao ban tháng', locked: true, spotlight: 'other', participants: [...snapshot(5).participants, participant('fourth')] };
		resync.resolve(ok(whole));
		await settle();
		expect(socket.sent('room:resync')).toHaveLength(1);
		// The answer, then what came after it (6, 7); 4 and 5 are in the answer already.
		expect(client.snapshot).toMatchObject({ seq: 7, title: 'Giao ban tháng', locked: true, spotlight: 'other', recentSpeakers: ['other'] });
		expect(client.snapshot?.participants.map((p) => p.id)).toEqual(['me', 'fourth']);
		expect(seen.at(-1)).toBe(7);

		// And the next delta applies on top.
		socket.push('room:delta', delta(8, { locked: false }));
		expect(client.snapshot).toMatchObject({ seq: 8, locked: false });
		expect(socket.sent('room:resync')).toHaveLength(1);
	});

	it('asks again after a failed resync only when the next gap comes', async () => {
		const { socket, client } = await joinedAndReceiving();
		socket.answer('room:resync', () => fail('internal'));
		socket.push('room:delta', delta(3));
		await settle();
		expect(socket.sent('room:resync')).toHaveLength(1);
		expect(client.snapshot?.seq).toBe(1);
		socket.answer('room:resync', () => ok(snapshot(4)));
		socket.push('room:delta', delta(5));
		await settle();
		expect(socket.sent('room:resync')).toHaveLength(2);
		expect(client.snapshot?.seq).toBe(5);
	});
});
