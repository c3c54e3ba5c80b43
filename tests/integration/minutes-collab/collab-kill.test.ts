import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MINUTES_YDOC_ROOTS, agendaFragmentName } from '../../../shared/src/minutes/minutes-ydoc.ts';
import { PROTOCOL_VERSION, type Ack } from '../../../shared/src/protocol/index.ts';
import { seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';
import { migratedDataDir, testEnv, type TestDataDir } from '../../helpers/test-env.ts';
import { b64, createMinutes, unb64, type JoinReply } from './collab-fixture.ts';

/** The server from source (Node 24 strips the types): the code under test, not an older bundle. */
const SERVER = join(import.meta.dirname, '..', '..', '..', 'server', 'src', 'server.ts');

describe('an acknowledged edit survives the server being killed', () => {
	let child: ChildProcess | undefined;
	let data: TestDataDir | undefined;
	let restarted: RunningApp | undefined;
	let client: Socket | undefined;
	afterEach(async () => {
		client?.close();
		if (child?.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}
		await restarted?.close();
		data?.remove();
		child = undefined;
		data = undefined;
		restarted = undefined;
	});

	it('SIGKILL right after the ack: on restart from the same data folder the minutes hold the edit', { timeout: 90_000 }, async () => {
		data = migratedDataDir();
		const setup = await startApp({}, { dataDir: data.dir });
		const accounts = await seedAccounts(setup.app);
		const { minutesId } = await createMinutes(setup.app);
		await setup.close();

		child = spawn(process.execPath, [SERVER], { env: testEnv(data.dir, { LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.once('exit', (_code, signal) => resolve(signal)));
		const running = /GiaoBan is running: http:\/\/127\.0\.0\.1:(\d+)\//;
		await expect.poll(() => running.exec(output)?.[1] ?? (child?.exitCode !== null ? `exited: ${output}` : null), { timeout: 30_000, interval: 200 }).toMatch(/^\d+$/);
		const base = `http://127.0.0.1:${running.exec(output)![1]}`;

		const signIn = await fetch(`${base}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'thuky', password: accounts.get('thuky')!.password }),
		});
		expect(signIn.status).toBe(200);
		const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('giaoban_session='))!;
		const { csrfToken } = (await signIn.json()) as { csrfToken: string };

		const socket: Socket = io(base, { auth: { protocolVersion: PROTOCOL_VERSION, csrfToken }, extraHeaders: { cookie }, transports: ['websocket'], reconnection: false, forceNew: true });
		client = socket;
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', () => resolve());
			socket.once('connect_error', reject);
		});
		const doc = new Y.Doc();
		const joined = (await socket.timeout(10_000).emitWithAck('minutes:join', { minutesId, stateVector: b64(Y.encodeStateVector(doc)) })) as Ack<JoinReply>;
		expect(joined).toMatchObject({ ok: true, data: { seq: 1, canEdit: true } });
		Y.applyUpdate(doc, unb64(joined.ok ? joined.data.update! : ''));

		// A few typing batches; the process dies the moment the last one is acknowledged.
		const send = async (edit: () => void): Promise<Ack<{ seq: number }>> => {
			const before = Y.encodeStateVector(doc);
			edit();
			return (await socket.timeout(10_000).emitWithAck('minutes:update', { minutesId, update: b64(Y.encodeStateAsUpdate(doc, before)) })) as Ack<{ seq: number }>;
		};
		const paragraph = () => ((doc.getXmlFragment(agendaFragmentName('item-1')).get(0) as Y.XmlElement).get(0) as Y.XmlText);
		expect(await send(() => paragraph().insert(0, 'Đã sửa: '))).toEqual({ ok: true, data: { seq: 2 } });
		expect(await send(() => doc.getMap(MINUTES_YDOC_ROOTS.meta).set('header.summary', 'Họp giao ban tháng 11 (đã sửa)'))).toEqual({ ok: true, data: { seq: 3 } });
		const last = await send(() => paragraph().insert(paragraph().length, ' — dòng cuối trước khi mất điện'));
		child.kill('SIGKILL');
		expect(last).toEqual({ ok: true, data: { seq: 4 } });
		expect(await exited).toBe('SIGKILL');

		restarted = await startApp({}, { dataDir: data.dir });
		// Nothing was checkpointed after the first draft: the edits come from the update log alone.
		const checkpoint = await restarted.app.db.minutesCheckpoint.findFirst({ where: { minutesId }, orderBy: { seq: 'desc' } });
		expect(checkpoint?.seq ?? 0).toBeLessThan(2);
		expect((await restarted.app.db.minutes.findUniqueOrThrow({ where: { id: minutesId } })).seq).toBe(4);
		const content = await restarted.app.minutesCollab.getContent(minutesId);
		expect(content.header.summary).toBe('Họp giao ban tháng 11 (đã sửa)');
		const text = JSON.stringify(content.agenda[0]!.content.content![0]);
		expect(text).toContain('Đã sửa: Xã Đồng Thịnh');
		expect(text).toContain('— dòng cuối trước khi mất điện');
	});
});
