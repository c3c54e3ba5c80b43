import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { MinutesContent, MinutesVersionView } from '../../../shared/src/api/minutes.ts';
import { MINUTES_YDOC_ROOTS, agendaFragmentName, readContentFromYDoc } from '../../../shared/src/minutes/minutes-ydoc.ts';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { ask, nextEvent, startApp, type RunningApp } from '../../helpers/start-app.ts';
import { sampleMinutes } from '../../unit/minutes/ydoc-sample.ts';
import { b64, createMinutes, TestEditor, unb64 } from './collab-fixture.ts';

let running: RunningApp;
let secretary: Signed;
let admin: Signed;
let chair: Signed;
let commune: Signed;
let stranger: Signed;

beforeAll(async () => {
	running = await startApp();
	const accounts = await seedAccounts(running.app);
	secretary = await login(running.app, accounts, 'thuky');
	admin = await login(running.app, accounts, 'admin');
	chair = await login(running.app, accounts, 'chutri');
	commune = await login(running.app, accounts, 'dongthinh');
	stranger = await login(running.app, accounts, 'nhandao');
}, 60_000);

afterAll(async () => {
	await running?.close();
});

async function editor(who: Signed, minutesId: string): Promise<TestEditor> {
	return new TestEditor(await running.connect(undefined, { cookie: who.headers['cookie']! }), minutesId);
}

/** Reads the database file through its own connection: what is committed, not what one connection sees. */
function storedUpdate(minutesId: string, seq: number): Buffer | undefined {
	const db = new DatabaseSync(join(running.dataDir, 'giaoban.db'), { readOnly: true });
	try {
		const row = db.prepare('SELECT "update" AS u FROM MinutesUpdate WHERE minutesId = ? AND seq = ?').get(minutesId, seq) as { u: Uint8Array } | undefined;
		return row ? Buffer.from(row.u) : undefined;
	} finally {
		db.close();
	}
}

async function storedSeq(minutesId: string): Promise<number> {
	return (await running.app.db.minutes.findUniqueOrThrow({ where: { id: minutesId }, select: { seq: true } })).seq;
}

function paragraphText(doc: Y.Doc, fragmentName: string, index = 0): Y.XmlText {
	return (doc.getXmlFragment(fragmentName).get(index) as Y.XmlElement).get(0) as Y.XmlText;
}

describe('minutes co-editing over the socket', () => {
	it('stores an update before acknowledging it: the acked seq is committed in the database file', async () => {
		const { minutesId } = await createMinutes(running.app);
		const a = await editor(secretary, minutesId);
		const joined = await a.join();
		expect(joined).toMatchObject({ ok: true, data: { seq: 1, canEdit: true, status: 'draft' } });
		expect(readContentFromYDoc(a.doc)).toEqual(sampleMinutes());

		a.doc.getMap(MINUTES_YDOC_ROOTS.meta).set('header.summary', 'Họp giao ban công tác tháng 11 (bổ sung)');
		const sent = Y.mergeUpdates(a.queue);
		const ack = await a.flush();
		// Looked up synchronously on the ack, through another connection.
		expect(ack).toEqual({ ok: true, data: { seq: 2 } });
		expect(Buffer.compare(storedUpdate(minutesId, 2)!, Buffer.from(sent))).toBe(0);
		expect(await storedSeq(minutesId)).toBe(2);
		expect((await running.app.minutesCollab.getContent(minutesId)).header.summary).toBe('Họp giao ban công tác tháng 11 (bổ sung)');
	});

	it('two editors typing at once into the same paragraph and other fields converge, on the server too', async () => {
		const { minutesId } = await createMinutes(running.app);
		const a = await editor(secretary, minutesId);
		const b = await editor(admin, minutesId);
		expect((await a.join()).ok).toBe(true);
		expect((await b.join()).ok).toBe(true);

		const item = agendaFragmentName('item-1');
		paragraphText(a.doc, item).insert(0, 'A: ');
		a.doc.getMap(MINUTES_YDOC_ROOTS.meta).set('session.location', 'Phòng họp số 2');
		paragraphText(b.doc, item).insert(paragraphText(b.doc, item).length, ' (B)');
		(b.doc.getArray(MINUTES_YDOC_ROOTS.tasks).get(1) as Y.Map<unknown>).set('deadline', '2026-12-31');
		// Both batches in flight together.
		const [ackA, ackB] = await Promise.all([a.flush(), b.flush()]);
		expect(ackA.ok && ackB.ok).toBe(true);
		const seqs = [ackA, ackB].map((r) => (r.ok ? r.data.seq : 0)).sort();
		expect(seqs).toEqual([2, 3]);

		await expect.poll(() => JSON.stringify(readContentFromYDoc(a.doc)) === JSON.stringify(readContentFromYDoc(b.doc)), { timeout: 5000 }).toBe(true);
		const server = await running.app.minutesCollab.getContent(minutesId);
		expect(readContentFromYDoc(a.doc)).toEqual(server);
		const paragraph = JSON.stringify(server.agenda[0]!.content.content![0]);
		expect(paragraph).toContain('A: Xã Đồng Thịnh');
		expect(paragraph).toContain('kế hoạch. (B)');
		expect(paragraph).toContain('"machine":true');
		expect(server.session.location).toBe('Phòng họp số 2');
		expect(server.tasks[1]!.deadline).toBe('2026-12-31');
		// Each was told of the other's update only: nobody gets its own back.
		expect(a.seen.map((s) => s.seq)).toEqual([ackB.ok ? ackB.data.seq : -1]);
		expect(b.seen.map((s) => s.seq)).toEqual([ackA.ok ? ackA.data.seq : -1]);
	});

	it('a client coming back with a stale state vector gets exactly what it missed, and sends what it made offline', async () => {
		const { minutesId } = await createMinutes(running.app);
		const a = await editor(secretary, minutesId);
		await a.join();
		a.client.disconnect();
		// Offline edit by A, while B edits online.
		a.doc.getMap(MINUTES_YDOC_ROOTS.meta).set('header.place', 'Tam Sơn');
		const b = await editor(admin, minutesId);
		await b.join();
		paragraphText(b.doc, MINUTES_YDOC_ROOTS.conclusions).insert(0, 'Đã thống nhất. ');
		expect((await b.flush()).ok).toBe(true);

		const again = new TestEditor(await running.connect(undefined, { cookie: secretary.headers['cookie']! }), minutesId);
		Y.applyUpdate(again.doc, Y.encodeStateAsUpdate(a.doc), 'remote');
		again.queue.push(...a.queue);
		const joined = await again.join();
		expect(joined.ok).toBe(true);
		const diff = joined.ok ? unb64(joined.data.update!) : new Uint8Array();
		const full = Y.encodeStateAsUpdate(new Y.Doc());
		expect(diff.byteLength).toBeGreaterThan(full.byteLength);
		const state = await running.app.minutesCollab.getState(minutesId);
		expect(diff.byteLength).toBeLessThan(state.state.byteLength / 2);
		expect(JSON.stringify(readContentFromYDoc(again.doc).conclusions)).toContain('Đã thống nhất. Kết luận');
		// Resending the queue (as after any reconnect) is harmless: the server merges it once.
		expect((await again.flush()).ok).toBe(true);
		const server = await running.app.minutesCollab.getContent(minutesId);
		expect(server.header.place).toBe('Tam Sơn');
		expect(server).toEqual(readContentFromYDoc(again.doc));
	});

	it('refuses edits once submitted, with nothing stored; editors are told of the status', async () => {
		const { minutesId } = await createMinutes(running.app);
		const a = await editor(secretary, minutesId);
		await a.join();
		const status = nextEvent<{ minutesId: string; status: string }>(a.client, 'minutes:status');
		await running.app.db.minutes.update({ where: { id: minutesId }, data: { status: 'submitted' } });
		running.app.minutesCollab.statusChanged(minutesId, 'submitted');
		expect(await status).toEqual({ minutesId, status: 'submitted' });

		a.doc.getMap(MINUTES_YDOC_ROOTS.meta).set('archive', 'VT');
		const refused = await a.flush();
		expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_state', reason: 'minutes_not_editable' } });
		expect(a.queue).toHaveLength(1);
		const http = await running.app.inject({
			method: 'POST',
			url: `/api/minutes/${minutesId}/updates`,
			headers: { ...secretary.headers, 'content-type': 'application/octet-stream' },
			payload: Buffer.from(a.queue[0]!),
		});
		expect(http.statusCode).toBe(409);
		expect(http.json()).toMatchObject({ reason: 'minutes_not_editable' });
		expect(await storedSeq(minutesId)).toBe(1);
		expect(storedUpdate(minutesId, 2)).toBeUndefined();
		expect((await running.app.minutesCollab.getContent(minutesId)).archive).toBe('VT, Hồ sơ');
	});

	it('the store itself refuses an update racing the submission (the access check passed just before)', async () => {
		const { minutesId, secretaryId } = await createMinutes(running.app);
		await running.app.db.minutes.update({ where: { id: minutesId }, data: { status: 'approved' } });
		const doc = new Y.Doc();
		Y.applyUpdate(doc, (await running.app.minutesCollab.getState(minutesId)).state);
		const before = Y.encodeStateVector(doc);
		doc.getMap(MINUTES_YDOC_ROOTS.meta).set('archive', 'VT');
		await expect(running.app.minutesCollab.applyUpdate(minutesId, Y.encodeStateAsUpdate(doc, before), secretaryId)).rejects.toMatchObject({ reason: 'minutes_not_editable' });
		expect(await storedSeq(minutesId)).toBe(1);
	});

	it('lets the host unit read and only its secretaries and administrators edit; others learn nothing', async () => {
		const { minutesId } = await createMinutes(running.app);
		const reader = await editor(chair, minutesId);
		const joined = await reader.join();
		expect(joined).toMatchObject({ ok: true, data: { canEdit: false, status: 'draft' } });
		reader.doc.getMap(MINUTES_YDOC_ROOTS.meta).set('archive', 'VT');
		expect(await reader.flush()).toMatchObject({ ok: false, error: { code: 'forbidden' } });

		// Đồng Thịnh was invited: it knows the meeting, so it is told no; Nhân Đạo was not: it learns nothing.
		const invited = await editor(commune, minutesId);
		expect(await invited.join()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		expect(await invited.flush()).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
		expect((await running.app.inject({ url: `/api/minutes/${minutesId}/state`, headers: commune.headers })).statusCode).toBe(403);
		const outsider = await editor(stranger, minutesId);
		expect(await outsider.join()).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect((await running.app.inject({ url: `/api/minutes/${minutesId}/state`, headers: stranger.headers })).statusCode).toBe(404);

		const anonymous = await running.connect();
		expect(await ask(anonymous, 'minutes:join', { minutesId, stateVector: '' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
		expect(await storedSeq(minutesId)).toBe(1);
	});

	it('refuses bytes that are not a Yjs update or state vector, storing nothing', async () => {
		const { minutesId } = await createMinutes(running.app);
		const a = await editor(secretary, minutesId);
		expect(await ask(a.client, 'minutes:join', { minutesId, stateVector: b64(new Uint8Array([7, 1])) })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
		await a.join();
		expect(await ask(a.client, 'minutes:update', { minutesId, update: b64(new Uint8Array([1, 2, 3])) })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
		expect(await ask(a.client, 'minutes:update', { minutesId, update: 'not base64!' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
		expect(await storedSeq(minutesId)).toBe(1);
	});

	it('relays presence to the others, never stores it, and removes it when the editor leaves', async () => {
		const { minutesId } = await createMinutes(running.app);
		const a = await editor(secretary, minutesId);
		const b = await editor(admin, minutesId);
		await a.join();
		await b.join();
		const presence = new Awareness(a.doc);
		presence.setLocalState({ user: { name: 'Chị Lan', unit: 'Văn phòng' }, field: 'conclusions' });
		const seenByB = new Awareness(b.doc);
		const relayed = nextEvent<{ minutesId: string; update: string }>(b.client, 'minutes:awareness');
		expect(await ask(a.client, 'minutes:awareness', { minutesId, update: b64(encodeAwarenessUpdate(presence, [a.doc.clientID])) })).toEqual({ ok: true, data: {} });
		applyAwarenessUpdate(seenByB, unb64((await relayed).update), 'remote');
		expect(seenByB.getStates().get(a.doc.clientID)).toEqual({ user: { name: 'Chị Lan', unit: 'Văn phòng' }, field: 'conclusions' });

		// B may not speak for A's cursor.
		expect(await ask(b.client, 'minutes:awareness', { minutesId, update: b64(encodeAwarenessUpdate(presence, [a.doc.clientID])) })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

		// A third editor gets everyone's presence when it joins.
		const c = await editor(admin, minutesId);
		const snapshot = nextEvent<{ minutesId: string; update: string }>(c.client, 'minutes:awareness');
		await c.join();
		const seenByC = new Awareness(c.doc);
		applyAwarenessUpdate(seenByC, unb64((await snapshot).update), 'remote');
		expect(seenByC.getStates().get(a.doc.clientID)).toMatchObject({ field: 'conclusions' });

		const removal = nextEvent<{ minutesId: string; update: string }>(b.client, 'minutes:awareness');
		a.client.disconnect();
		applyAwarenessUpdate(seenByB, unb64((await removal).update), 'remote');
		expect(seenByB.getStates().has(a.doc.clientID)).toBe(false);
		presence.destroy();
		seenByB.destroy();
		seenByC.destroy();
		expect(await running.app.db.minutesUpdate.count({ where: { minutesId } })).toBe(1);
	});
});

describe('minutes state and updates over HTTP', () => {
	it('serves the whole state as binary with its seq, and stores a large update (a paste beyond the socket cap)', async () => {
		const { minutesId } = await createMinutes(running.app);
		const state = await running.app.inject({ url: `/api/minutes/${minutesId}/state`, headers: secretary.headers });
		expect(state.statusCode).toBe(200);
		expect(state.headers['content-type']).toBe('application/octet-stream');
		expect(state.headers['x-minutes-seq']).toBe('1');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, state.rawPayload);
		expect(readContentFromYDoc(doc)).toEqual(sampleMinutes());

		const watcher = await editor(admin, minutesId);
		await watcher.join();
		const before = Y.encodeStateVector(doc);
		const pasted = 'Báo cáo tình hình kinh tế - xã hội, quốc phòng - an ninh tháng 11 năm 2026. '.repeat(3000);
		paragraphText(doc, MINUTES_YDOC_ROOTS.conclusions).insert(0, pasted);
		const update = Y.encodeStateAsUpdate(doc, before);
		expect(update.byteLength).toBeGreaterThan(128 * 1024);
		const broadcast = nextEvent<{ seq: number }>(watcher.client, 'minutes:updated');
		const stored = await running.app.inject({
			method: 'POST',
			url: `/api/minutes/${minutesId}/updates`,
			headers: { ...secretary.headers, 'content-type': 'application/octet-stream' },
			payload: Buffer.from(update),
		});
		expect(stored.statusCode, stored.body).toBe(200);
		expect(stored.json()).toEqual({ seq: 2 });
		expect(Buffer.compare(storedUpdate(minutesId, 2)!, Buffer.from(update))).toBe(0);
		expect((await broadcast).seq).toBe(2);
		await expect.poll(() => JSON.stringify(readContentFromYDoc(watcher.doc).conclusions).length).toBeGreaterThan(pasted.length);

		// Joining now: the missing part is too large to send inline; the client GETs the state.
		const late = await editor(secretary, minutesId);
		const joined = await late.join();
		expect(joined).toMatchObject({ ok: true, data: { seq: 2, update: null } });
		const again = await running.app.inject({ url: `/api/minutes/${minutesId}/state`, headers: secretary.headers });
		expect(again.headers['x-minutes-seq']).toBe('2');
	});

	it('refuses a body over 5 MiB, garbage, JSON, a missing CSRF token, and a reader; nothing is stored', async () => {
		const { minutesId } = await createMinutes(running.app);
		const url = `/api/minutes/${minutesId}/updates`;
		const octets = { ...secretary.headers, 'content-type': 'application/octet-stream' };
		const tooLarge = await running.app.inject({ method: 'POST', url, headers: octets, payload: Buffer.alloc(5 * 1024 * 1024 + 1, 1) });
		expect(tooLarge.statusCode).toBe(413);
		expect(tooLarge.json()).toMatchObject({ code: 'payload_too_large' });
		const garbage = await running.app.inject({ method: 'POST', url, headers: octets, payload: Buffer.from([1, 2, 3]) });
		expect(garbage.statusCode).toBe(400);
		expect(garbage.json()).toMatchObject({ code: 'invalid_payload' });
		const json = await running.app.inject({ method: 'POST', url, headers: secretary.headers, payload: { update: 'AAA=' } });
		expect(json.statusCode).toBe(400);
		const noCsrf = await running.app.inject({ method: 'POST', url, headers: { cookie: secretary.headers['cookie']!, 'content-type': 'application/octet-stream' }, payload: Buffer.from([0, 0]) });
		expect(noCsrf.statusCode).toBe(403);
		const reader = await running.app.inject({ method: 'POST', url, headers: { ...chair.headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from([0, 0]) });
		expect(reader.statusCode).toBe(403);
		expect(await storedSeq(minutesId)).toBe(1);
	});
});

describe('versions and restore', () => {
	it('restores an old version as a new forward update: content equal to it, history and versions kept', async () => {
		const collab = running.app.minutesCollab;
		const { minutesId, secretaryId } = await createMinutes(running.app);
		const [generated] = await collab.listVersions(minutesId);
		expect(generated).toMatchObject({ kind: 'generated', seq: 1, createdBy: { id: secretaryId } });

		const a = await editor(secretary, minutesId);
		await a.join();
		const broadcasts: number[] = [];
		(a.client as unknown as { on: (e: string, l: (p: { seq: number }) => void) => void }).on('minutes:updated', (p) => broadcasts.push(p.seq));
		a.doc.getArray(MINUTES_YDOC_ROOTS.tasks).delete(0, 2);
		paragraphText(a.doc, MINUTES_YDOC_ROOTS.conclusions).insert(0, 'Sửa: ');
		expect(await a.flush()).toEqual({ ok: true, data: { seq: 2 } });
		const submitted = await collab.freezeVersion(minutesId, 'submitted', secretaryId);
		expect(submitted.seq).toBe(2);
		const edited = await collab.getContent(minutesId);
		expect(edited.tasks).toEqual([]);

		const old = await collab.getVersion(minutesId, generated!.id);
		expect(old?.content).toEqual(sampleMinutes());
		const restored = await collab.replaceContent(minutesId, old!.content, secretaryId, 'restored', 'Khôi phục bản máy tạo');
		expect(restored.seq).toBe(3);
		expect(restored.version).toMatchObject({ kind: 'restored', seq: 3, comment: 'Khôi phục bản máy tạo', sha256: generated!.sha256 });
		expect(await collab.getContent(minutesId)).toEqual(sampleMinutes());
		// Open editors follow the restore like any other change.
		await expect.poll(() => broadcasts).toEqual([3]);
		expect(readContentFromYDoc(a.doc)).toEqual(sampleMinutes());

		// Nothing was rewritten: every update is still there, every version too.
		expect((await running.app.db.minutesUpdate.findMany({ where: { minutesId }, select: { seq: true } })).map((r) => r.seq)).toEqual([1, 2, 3]);
		const versions: MinutesVersionView[] = await collab.listVersions(minutesId);
		expect(versions.map((v) => [v.kind, v.seq])).toEqual([
			['generated', 1],
			['submitted', 2],
			['restored', 3],
		]);
		const submittedContent = await collab.getVersion(minutesId, submitted.id);
		expect(submittedContent?.content).toEqual(edited);
		// A version's hash is the SHA-256 of its stored canonical JSON.
		const row = await running.app.db.minutesVersion.findUniqueOrThrow({ where: { id: submitted.id } });
		const { createHash } = await import('node:crypto');
		expect(createHash('sha256').update(row.content).digest('hex')).toBe(submitted.sha256);
		expect(await collab.getVersion(minutesId, '00000000-0000-4000-8000-000000000000')).toBeNull();
	});

	it('replacing with equal content stores no update but still freezes the version', async () => {
		const collab = running.app.minutesCollab;
		const { minutesId, secretaryId } = await createMinutes(running.app);
		const content: MinutesContent = await collab.getContent(minutesId);
		const result = await collab.replaceContent(minutesId, content, secretaryId, 'restored');
		expect(result.seq).toBe(1);
		expect(await storedSeq(minutesId)).toBe(1);
		expect((await collab.listVersions(minutesId)).map((v) => v.kind)).toEqual(['generated', 'restored']);
		await expect(collab.replaceContent(minutesId, { nonsense: true } as unknown as MinutesContent, secretaryId, 'restored')).rejects.toMatchObject({ code: 'invalid_payload' });
	});
});
