import type { FastifyInstance } from 'fastify';
import * as Y from 'yjs';
import type { MinutesContent } from '../../../shared/src/api/minutes.ts';
import type { Ack } from '../../../shared/src/protocol/index.ts';
import { seedEndedMeeting } from '../../helpers/ended-meeting.ts';
import { ask, type TestClient } from '../../helpers/start-app.ts';
import { sampleMinutes } from '../../unit/minutes/ydoc-sample.ts';

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
export const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/**
 * Minutes of an ended meeting of the demo district, holding `content` as their first stored
 * update and 'generated' version, as the workflow leaves them (the row is written directly, so
 * these tests do not depend on the workflow's routes).
 */
export async function createMinutes(app: FastifyInstance, content: MinutesContent = sampleMinutes(), options: { day?: string } = {}): Promise<{ minutesId: string; meetingId: string; secretaryId: string }> {
	const { meetingId } = await seedEndedMeeting(app, { day: options.day ?? '2026-12-03', title: `Họp ${Math.random().toString(36).slice(2, 8)}` });
	const secretary = await app.db.user.findUniqueOrThrow({ where: { username: 'thuky' } });
	const { id } = await app.db.minutes.create({ data: { meetingId }, select: { id: true } });
	await app.minutesCollab.replaceContent(id, content, secretary.id, 'generated');
	return { minutesId: id, meetingId, secretaryId: secretary.id };
}

export type JoinReply = { seq: number; stateVector: string; update: string | null; canEdit: boolean; status: string };

/**
 * A client like the browser provider, reduced to what the protocol needs: a Y.Doc, local updates
 * queued until acknowledged, remote updates applied with origin 'remote'.
 */
export class TestEditor {
	readonly doc = new Y.Doc();
	readonly queue: Uint8Array[] = [];
	readonly seen: { seq: number }[] = [];
	readonly #client: TestClient;
	readonly #minutesId: string;

	constructor(client: TestClient, minutesId: string) {
		this.#client = client;
		this.#minutesId = minutesId;
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin !== 'remote') {
				this.queue.push(update);
			}
		});
		(client as unknown as { on: (e: string, l: (p: { minutesId: string; seq: number; update: string }) => void) => void }).on('minutes:updated', (payload) => {
			if (payload.minutesId === this.#minutesId) {
				this.seen.push({ seq: payload.seq });
				Y.applyUpdate(this.doc, unb64(payload.update), 'remote');
			}
		});
	}

	get client(): TestClient {
		return this.#client;
	}

	/** Joins with the doc's state vector, applies what the server sent, queues what the server lacks. */
	async join(): Promise<Ack<JoinReply>> {
		const reply = await ask<Ack<JoinReply>>(this.#client, 'minutes:join', { minutesId: this.#minutesId, stateVector: b64(Y.encodeStateVector(this.doc)) });
		if (reply.ok) {
			if (reply.data.update !== null) {
				Y.applyUpdate(this.doc, unb64(reply.data.update), 'remote');
			}
			const missing = Y.encodeStateAsUpdate(this.doc, unb64(reply.data.stateVector));
			// An empty diff is two zero bytes: nothing the server lacks.
			if (missing.byteLength > 2) {
				this.queue.push(missing);
			}
		}
		return reply;
	}

	/** Sends the queue as one merged update; it leaves the queue only when acknowledged. */
	async flush(): Promise<Ack<{ seq: number }>> {
		const batch = this.queue.length === 1 ? this.queue[0]! : Y.mergeUpdates(this.queue);
		const count = this.queue.length;
		const reply = await ask<Ack<{ seq: number }>>(this.#client, 'minutes:update', { minutesId: this.#minutesId, update: b64(batch) });
		if (reply.ok) {
			this.queue.splice(0, count);
		}
		return reply;
	}
}
