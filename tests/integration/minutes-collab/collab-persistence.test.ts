import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MINUTES_YDOC_ROOTS, readContentFromYDoc } from '../../../shared/src/minutes/minutes-ydoc.ts';
import { MinutesCollab, type MinutesCollabOptions } from '../../../server/src/features/minutes-collab/minutes-collab.ts';
import { createMinutesUpdatesRepository, type MinutesUpdatesRepository } from '../../../server/src/features/minutes-collab/minutes-updates.repository.ts';
import { seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';
import { createMinutes } from './collab-fixture.ts';

let running: RunningApp;
let repo: MinutesUpdatesRepository;
const log = { warn: () => undefined, error: () => undefined };

beforeAll(async () => {
	running = await startApp();
	await seedAccounts(running.app);
	repo = createMinutesUpdatesRepository(running.app.db);
}, 60_000);

afterAll(async () => {
	await running?.close();
});

/** A second collab over the same database, with short limits; the app's own one has the defaults. */
function collabWith(options: MinutesCollabOptions, wrapped: MinutesUpdatesRepository = repo): MinutesCollab {
	return new MinutesCollab(wrapped, log, options);
}

/** One edit of the summary as an update against the collab's current state. */
async function edit(collab: MinutesCollab, minutesId: string, summary: string): Promise<number> {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, (await collab.getState(minutesId)).state);
	const before = Y.encodeStateVector(doc);
	doc.getMap(MINUTES_YDOC_ROOTS.meta).set('header.summary', summary);
	return (await collab.applyUpdate(minutesId, Y.encodeStateAsUpdate(doc, before), null)).seq;
}

async function checkpoints(minutesId: string): Promise<number[]> {
	return (await running.app.db.minutesCheckpoint.findMany({ where: { minutesId }, orderBy: { seq: 'asc' }, select: { seq: true } })).map((c) => c.seq);
}

describe('minutes update log, checkpoints and loading', () => {
	it('checkpoints every N updates; loading = newest checkpoint + the updates after it', async () => {
		const { minutesId } = await createMinutes(running.app);
		const loads: Awaited<ReturnType<MinutesUpdatesRepository['load']>>[] = [];
		const counting: MinutesUpdatesRepository = {
			...repo,
			load: async (id) => {
				const result = await repo.load(id);
				loads.push(result);
				return result;
			},
		};
		const collab = collabWith({ checkpointEvery: 3, idleMs: 60_000 }, counting);
		for (const [i, summary] of ['một', 'hai', 'ba', 'bốn'].entries()) {
			expect(await edit(collab, minutesId, summary)).toBe(i + 2);
		}
		// Seq 1 (the draft) had none: three updates later, at seq 3, the first.
		expect(await checkpoints(minutesId)).toEqual([3]);
		await collab.close();
		// close() checkpoints what came after.
		expect(await checkpoints(minutesId)).toEqual([3, 5]);

		const fresh = collabWith({ checkpointEvery: 3, idleMs: 60_000 }, counting);
		const content = await fresh.getContent(minutesId);
		expect(content.header.summary).toBe('bốn');
		expect(loads.at(-1)).toMatchObject({ seq: 5, checkpoint: { seq: 5 }, updates: [] });
		// An update stored with no checkpoint after it, as a crash leaves the log.
		const doc = new Y.Doc();
		Y.applyUpdate(doc, (await fresh.getState(minutesId)).state);
		const before = Y.encodeStateVector(doc);
		doc.getMap(MINUTES_YDOC_ROOTS.meta).set('header.summary', 'năm');
		await fresh.close();
		expect(await repo.appendUpdate(minutesId, Y.encodeStateAsUpdate(doc, before), null)).toEqual({ seq: 6 });

		const third = collabWith({ checkpointEvery: 3, idleMs: 60_000 }, counting);
		expect((await third.getContent(minutesId)).header.summary).toBe('năm');
		expect(loads.at(-1)?.checkpoint?.seq).toBe(5);
		expect(loads.at(-1)?.updates.map((u) => u.seq)).toEqual([6]);
		await third.close();
		// Only the two newest checkpoints stay.
		expect(await checkpoints(minutesId)).toEqual([5, 6]);
	});

	it('loads a document once under concurrent first use', async () => {
		const { minutesId } = await createMinutes(running.app);
		let loads = 0;
		const collab = collabWith({ idleMs: 60_000 }, {
			...repo,
			load: async (id) => {
				loads += 1;
				return repo.load(id);
			},
		});
		const [a, b, c] = await Promise.all([collab.getContent(minutesId), collab.getState(minutesId), collab.attach(minutesId, 'socket-1')]);
		expect(loads).toBe(1);
		expect(a.archive).toBe('VT, Hồ sơ');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, b.state);
		expect(readContentFromYDoc(doc)).toEqual(a);
		expect(c).toBeUndefined();
		await collab.close();
	});

	it('after an idle while: checkpoints, keeps a document someone holds, unloads it once nobody does', async () => {
		const { minutesId } = await createMinutes(running.app);
		const collab = collabWith({ idleMs: 100, versionIntervalMs: 60 * 60_000 });
		await collab.attach(minutesId, 'socket-1');
		const seq = await edit(collab, minutesId, 'chờ');
		await expect.poll(() => checkpoints(minutesId)).toEqual([seq]);
		expect(collab.isOpen(minutesId)).toBe(true);
		await collab.detach(minutesId, 'socket-1');
		await expect.poll(() => collab.isOpen(minutesId), { timeout: 5000 }).toBe(false);
		// Used again: loaded again, from the checkpoint.
		expect((await collab.getContent(minutesId)).header.summary).toBe('chờ');
		await collab.close();
		await collab.close();
		await expect(collab.getContent(minutesId)).rejects.toMatchObject({ code: 'unavailable' });
	});

	it('freezes a periodic version at most once per interval of editing', async () => {
		const { minutesId } = await createMinutes(running.app);
		let now = Date.now() + 11 * 60_000;
		const collab = collabWith({ idleMs: 50, versionIntervalMs: 10 * 60_000, now: () => now });
		// Held open: the times of its versions are the ones this clock gave.
		await collab.attach(minutesId, 'socket-1');
		const kinds = async () => (await collab.listVersions(minutesId)).map((v) => [v.kind, v.seq]);

		await edit(collab, minutesId, 'lần 1');
		await expect.poll(kinds).toEqual([
			['generated', 1],
			['checkpoint', 2],
		]);
		// Less than the interval since: checkpointed, but no new version.
		now += 60_000;
		await edit(collab, minutesId, 'lần 2');
		await expect.poll(() => checkpoints(minutesId)).toContain(3);
		expect(await kinds()).toHaveLength(2);
		now += 10 * 60_000;
		await edit(collab, minutesId, 'lần 3');
		await expect.poll(kinds).toEqual([
			['generated', 1],
			['checkpoint', 2],
			['checkpoint', 4],
		]);
		const version = (await collab.listVersions(minutesId)).at(-1)!;
		expect((await collab.getVersion(minutesId, version.id))?.content.header.summary).toBe('lần 3');
		await collab.close();
	});
});
