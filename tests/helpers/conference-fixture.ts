import { expect } from 'vitest';
import { login, seedAccounts, type Signed } from './accounts.ts';
import { joinRoom, type Joined } from './room-state.ts';
import { ask, type RunningApp, type TestClient } from './start-app.ts';

export type Ack<T = Record<string, unknown>> = { ok: boolean; data: T; error?: { code: string; message: string } };
export type { Joined };
export type AttendanceRow = { unitId: string; kind: string; reason: string };

/** An Opus microphone as a browser would describe it; enough for the server to create a producer. */
export const OPUS = {
	codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
	encodings: [{ ssrc: 22222222 }],
	rtcp: { cname: 'site' },
};

/** The demo district's people, signed in, and helpers to schedule and join meetings over real sockets. */
export async function conferenceFixture(running: RunningApp, usernames: string[]) {
	const accounts = await seedAccounts(running.app);
	const signed = new Map<string, Signed>();
	for (const username of ['admin', ...usernames]) {
		signed.set(username, await login(running.app, accounts, username));
	}
	const admin = signed.get('admin')!.headers;
	const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: admin });
	const chairId = chairs.json<{ id: string }[]>()[0]!.id;

	return {
		/** The demo accounts with their passwords, for more sessions of one person (login()). */
		accounts,
		signed,
		admin,

		/**
		 * Not recorded unless `recording` is set: a recorder per site is an ffmpeg process, load the
		 * tests of other features do not need on two cores.
		 */
		async schedule(invitedUnitIds: string[], times: { startsAt?: Date; endsAt?: Date; recording?: boolean } = {}): Promise<{ id: string; links: Map<string, string> }> {
			const startsAt = times.startsAt ?? new Date();
			const response = await running.app.inject({
				method: 'POST',
				url: '/api/meetings',
				headers: admin,
				payload: {
					title: 'Giao ban tuần',
					description: '',
					location: 'Hội trường huyện',
					startsAt: startsAt.toISOString(),
					endsAt: (times.endsAt ?? new Date(startsAt.getTime() + 3600_000)).toISOString(),
					chairId,
					agenda: [],
					invitedUnitIds,
					recordingEnabled: times.recording ?? false,
				},
			});
			expect(response.statusCode, response.body).toBe(201);
			const body = response.json<{ meeting: { id: string }; joinLinks: { unitId: string; url: string }[] }>();
			return { id: body.meeting.id, links: new Map(body.joinLinks.map((l) => [l.unitId, l.url.split('/join/')[1]!])) };
		},

		/** A new socket signed in as `username`. */
		as: (username: string): Promise<TestClient> => running.connect(undefined, { cookie: signed.get(username)!.cookie }),

		/** `timeoutMs`: for the answer (10 s by default; a join storm of 170 in one process takes longer). */
		async join(client: TestClient, payload: object, timeoutMs?: number): Promise<Joined> {
			const ack = await joinRoom(client, payload, timeoutMs);
			expect(ack.ok, JSON.stringify(ack.error)).toBe(true);
			return ack.data;
		},

		/** Sends a microphone (paused or not) from a joined socket. */
		async produceMicrophone(client: TestClient): Promise<string> {
			expect((await ask<Ack>(client, 'transport:create', { direction: 'send' })).ok).toBe(true);
			const produced = await ask<Ack<{ producerId: string }>>(client, 'producer:create', { kind: 'audio', source: 'microphone', rtpParameters: OPUS });
			expect(produced.ok, JSON.stringify(produced.error)).toBe(true);
			return produced.data.producerId;
		},

		async attendance(meetingId: string): Promise<AttendanceRow[]> {
			return (await running.app.inject({ url: `/api/meetings/${meetingId}/attendance`, headers: admin })).json<AttendanceRow[]>();
		},

		async meeting(meetingId: string): Promise<{ status: string; endedAt: string | null; locked: boolean }> {
			return (await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: admin })).json();
		},
	};
}

/** Joins minus leaves per unit: 0 for every unit once everyone's leave is recorded. */
export function presentByUnit(rows: AttendanceRow[]): Record<string, number> {
	const balance: Record<string, number> = {};
	for (const row of rows) {
		balance[row.unitId] = (balance[row.unitId] ?? 0) + (row.kind === 'join' ? 1 : -1);
	}
	return balance;
}
