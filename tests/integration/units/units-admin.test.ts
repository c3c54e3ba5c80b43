import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { hashPassword } from '../../../server/src/features/accounts/password.ts';
import type { ManagedUnit } from '../../../shared/src/api/units.ts';
import { login, seedAccounts } from '../../helpers/accounts.ts';
import { startApp, type RunningApp, type TestClient } from '../../helpers/start-app.ts';

type Reply = { statusCode: number; body: string; json: <T = Record<string, unknown>>() => T };
type Headers = Record<string, string>;

const HOUR = 3600_000;

function disconnected(client: TestClient): Promise<string> {
	return new Promise((resolve) => {
		if (!client.connected) {
			resolve('already');
		}
		client.once('disconnect', resolve);
	});
}

describe('units administration', () => {
	let running: RunningApp;
	let accounts: Map<string, SeededAccount>;
	let admin: Headers;
	let chairId: string;
	let addresses = 0;
	const signIn = async (username: string) => (await login(running.app, accounts, username, `10.88.0.${(addresses += 1)}`)).headers;

	const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, headers: Headers, payload?: object): Promise<Reply> =>
		running.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
	const units = async (headers = admin) => (await call('GET', '/api/units', headers)).json<ManagedUnit[]>();
	const unit = async (id: string) => (await units()).find((u) => u.id === id);
	const hostMembers = async () => (await running.app.inject({ url: '/api/host-unit' })).json<{ members: { id: string }[] }>().members.map((m) => m.id);
	const auditOf = (action: string) => running.app.db.auditEvent.findMany({ where: { action }, orderBy: { at: 'asc' } });
	const joinRefused = async (token: string | undefined) => {
		const reply = await running.app.inject({ url: `/api/join/${token}` });
		expect(reply.statusCode).toBe(403);
		expect(reply.json()).toMatchObject({ code: 'forbidden', reason: 'link_invalid' });
	};

	/** An account made in the database (no temporary password to change) and signed in. */
	async function signInNew(username: string, role: 'admin' | 'commune_operator', unitId: string): Promise<{ id: string; headers: Headers }> {
		const password = `mat-khau-${username}-2026`;
		const { id } = await running.app.db.user.create({ data: { username, displayName: username, role, unitId, passwordHash: await hashPassword(password) } });
		const reply = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: `10.88.2.${(addresses += 1)}` });
		expect(reply.statusCode, reply.body).toBe(200);
		return { id, headers: { cookie: `giaoban_session=${reply.cookies.find((c) => c.name === 'giaoban_session')!.value}`, 'x-csrf-token': reply.json<{ csrfToken: string }>().csrfToken } };
	}

	async function schedule(invitedUnitIds: string[], startsAt = new Date(Date.now() + 24 * HOUR)): Promise<{ id: string; links: Map<string, string>; reply: Reply }> {
		const reply = await call('POST', '/api/meetings', admin, {
			title: 'Giao ban tuần',
			description: '',
			location: 'Hội trường',
			startsAt: startsAt.toISOString(),
			endsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
			chairId,
			agenda: [],
			invitedUnitIds,
			recordingEnabled: false,
		});
		if (reply.statusCode !== 201) {
			return { id: '', links: new Map(), reply };
		}
		const body = reply.json<{ meeting: { id: string }; joinLinks: { unitId: string; url: string }[] }>();
		return { id: body.meeting.id, links: new Map(body.joinLinks.map((l) => [l.unitId, l.url.split('/join/')[1]!])), reply };
	}

	/** A unit tree the demo administrator does not manage: another province and one of its communes. */
	async function outsideTree(): Promise<void> {
		await running.app.db.unit.create({ data: { id: 'tinh-khac', kind: 'province', name: 'Tỉnh Khác', authority: 'UBND TỈNH KHÁC' } });
		await running.app.db.unit.create({ data: { id: 'xa-ngoai', kind: 'commune', name: 'Xã Ngoài', authority: 'UBND XÃ NGOÀI', parentId: 'tinh-khac' } });
	}

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		admin = await signIn('admin');
		chairId = (await call('GET', '/api/accounts/chairs', admin)).json<{ id: string }[]>()[0]!.id;
		await outsideTree();
	});
	afterAll(async () => {
		await running?.close();
	});

	it('lists the administrator’s unit first, then the units below it in Vietnamese order, with their accounts', async () => {
		const list = await units();
		expect(list[0]).toMatchObject({ id: 'song-lo', kind: 'district', parentId: null, active: true, accountCount: 3, mergedIntoId: null, mergedFromIds: [] });
		const names = list.slice(1).map((u) => u.name);
		expect(names).toHaveLength(17);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
		// "Đ" sorts after "D" and before "H" in Vietnamese, not after "Z" as by code point.
		expect(names.indexOf('Xã Đồng Thịnh')).toBeLessThan(names.indexOf('Xã Hải Lựu'));
		expect(list.find((u) => u.id === 'dong-thinh')).toMatchObject({ accountCount: 1, code: null, parentId: 'song-lo' });
		expect(list.map((u) => u.id)).not.toContain('xa-ngoai');
		expect(list.map((u) => u.id)).not.toContain('tinh-khac');
	});

	it('refuses people who are not administrators, and answers ids outside the administrator’s units as missing', async () => {
		const chair = await signIn('chutri');
		expect((await call('GET', '/api/units', chair)).statusCode).toBe(403);
		expect((await call('POST', '/api/units', chair, { parentId: 'song-lo', kind: 'commune', name: 'Xã Mới', authority: 'UBND XÃ MỚI' })).statusCode).toBe(403);
		expect((await call('PATCH', '/api/units/dong-thinh', chair, { name: 'Xã Khác' })).statusCode).toBe(403);
		expect((await call('GET', '/api/units', {})).statusCode).toBe(401);

		for (const [method, url, payload] of [
			['PATCH', '/api/units/xa-ngoai', { name: 'Xã Trong' }],
			['POST', '/api/units/xa-ngoai/deactivate', undefined],
			['POST', '/api/units/tinh-khac/activate', undefined],
			['POST', '/api/units/no-such-unit/deactivate', undefined],
			['POST', '/api/units/dong-thinh/merge', { sourceIds: ['xa-ngoai'] }],
			['POST', '/api/units', { parentId: 'tinh-khac', kind: 'commune', name: 'Xã Lạ', authority: 'UBND XÃ LẠ' }],
			['POST', '/api/units/import', { parentId: 'tinh-khac', csv: 'tên,cấp\nXã Lạ,xã\n', confirm: false }],
		] as const) {
			const reply = await call(method, url, admin, payload);
			expect(reply.statusCode, `${method} ${url}`).toBe(404);
			expect(reply.json()).toMatchObject({ code: 'not_found', reason: 'unit_not_managed' });
		}
		expect((await running.app.db.unit.findUniqueOrThrow({ where: { id: 'xa-ngoai' } })).name).toBe('Xã Ngoài');

		// An administrator of a commune manages that commune only, and does not edit it: the unit above does.
		const { headers: communeAdmin } = await signInNew('qtxa', 'admin', 'bach-luu');
		expect((await units(communeAdmin)).map((u) => u.id)).toEqual(['bach-luu']);
		expect((await call('PATCH', '/api/units/cao-phong', communeAdmin, { name: 'Xã X' })).statusCode).toBe(404);
		expect((await call('PATCH', '/api/units/song-lo', communeAdmin, { name: 'Huyện X' })).statusCode).toBe(404);
		for (const change of [{ name: 'Xã Bạch Lưu Mới' }, { kind: 'ward' }, { code: '09555' }, { authority: 'UBND KHÁC' }]) {
			const own = await call('PATCH', '/api/units/bach-luu', communeAdmin, change);
			expect(own.statusCode, JSON.stringify(change)).toBe(409);
			expect(own.json()).toMatchObject({ code: 'invalid_state', reason: 'unit_not_managed' });
		}
		expect(await running.app.db.unit.findUniqueOrThrow({ where: { id: 'bach-luu' } })).toMatchObject({ name: 'Xã Bạch Lưu', kind: 'commune', code: null });
		// The administrator above edits it, and the root administrator its own unit (nobody is above it).
		expect((await call('PATCH', '/api/units/bach-luu', admin, { code: '09555' })).json()).toMatchObject({ id: 'bach-luu', code: '09555' });
		expect((await call('PATCH', '/api/units/song-lo', admin, { code: '09500' })).json()).toMatchObject({ id: 'song-lo', code: '09500' });
		expect((await call('PATCH', '/api/units/bach-luu', admin, { code: null })).statusCode).toBe(200);
		expect((await call('PATCH', '/api/units/song-lo', admin, { code: null })).statusCode).toBe(200);
		await running.app.db.user.update({ where: { username: 'qtxa' }, data: { disabled: true } });
	});

	it('creates a member unit with a readable id, refusing taken names and codes and host levels', async () => {
		const created = await call('POST', '/api/units', admin, { parentId: 'song-lo', kind: 'commune', name: '  Xã  Sông Lô Mới ', authority: 'UBND XÃ SÔNG LÔ MỚI', code: '09100' });
		expect(created.statusCode, created.body).toBe(201);
		expect(created.json()).toMatchObject({ id: 'xa-song-lo-moi', kind: 'commune', name: 'Xã Sông Lô Mới', code: '09100', parentId: 'song-lo', active: true, accountCount: 0 });
		expect(await hostMembers()).toContain('xa-song-lo-moi');

		const sameName = await call('POST', '/api/units', admin, { parentId: 'song-lo', kind: 'ward', name: 'xã sông lô mới', authority: 'UBND' });
		expect(sameName.statusCode).toBe(409);
		expect(sameName.json()).toMatchObject({ code: 'invalid_state', reason: 'unit_name_taken', field: 'name' });
		const sameCode = await call('POST', '/api/units', admin, { parentId: 'song-lo', kind: 'ward', name: 'Phường Mới', authority: 'UBND PHƯỜNG MỚI', code: '09100' });
		expect(sameCode.statusCode).toBe(409);
		expect(sameCode.json()).toMatchObject({ reason: 'unit_code_taken', field: 'code' });
		const host = await call('POST', '/api/units', admin, { parentId: 'song-lo', kind: 'district', name: 'Huyện Con', authority: 'UBND HUYỆN CON' });
		expect(host.statusCode).toBe(400);
		const belowCommune = await call('POST', '/api/units', admin, { parentId: 'dong-thinh', kind: 'commune', name: 'Thôn A', authority: 'UBND' });
		expect(belowCommune.statusCode).toBe(400);
		expect(belowCommune.json()).toMatchObject({ reason: 'unit_kind_not_allowed', field: 'parentId' });

		// Same name, other diacritics: another place.
		const tanLap = await call('POST', '/api/units', admin, { parentId: 'song-lo', kind: 'commune', name: 'Xã Tấn Lập', authority: 'UBND XÃ TẤN LẬP' });
		expect(tanLap.statusCode, tanLap.body).toBe(201);
		// The slug of "Xã Sông Lô Mới" is taken: the next one gets a suffix.
		await running.app.db.unit.update({ where: { id: 'xa-song-lo-moi' }, data: { active: false } });
		const again = await call('POST', '/api/units', admin, { parentId: 'song-lo', kind: 'commune', name: 'Xã Sông Lô Mới', authority: 'UBND XÃ SÔNG LÔ MỚI' });
		expect(again.json()).toMatchObject({ id: 'xa-song-lo-moi-2' });
		await running.app.db.unit.update({ where: { id: 'xa-song-lo-moi' }, data: { active: true, name: 'Xã Sông Lô Cũ' } });

		// Two administrators creating the same unit at once: the name is checked in the write, one wins.
		const racing = await Promise.all(
			['Xã Đua Nhau', 'xã  đua nhau'].map((name) => call('POST', '/api/units', admin, { parentId: 'song-lo', kind: 'commune', name, authority: 'UBND XÃ ĐUA NHAU' }))
		);
		expect(racing.map((r) => r.statusCode).sort()).toEqual([201, 409]);
		expect(racing.find((r) => r.statusCode === 409)!.json()).toMatchObject({ reason: 'unit_name_taken', field: 'name' });
		expect(await running.app.db.unit.count({ where: { parentId: 'song-lo', name: { in: ['Xã Đua Nhau', 'xã đua nhau'] } } })).toBe(1);

		const audit = await auditOf('unit.created');
		expect(audit).toHaveLength(4);
		expect(JSON.parse(audit[0]!.detail)).toMatchObject({ unitId: 'xa-song-lo-moi', name: 'Xã Sông Lô Mới', code: '09100', parentId: 'song-lo' });
	});

	it('renames and recodes units, keeping each unit’s class of level', async () => {
		const renamed = await call('PATCH', '/api/units/tan-lap', admin, { name: 'Xã Tân Lập Mới', authority: 'UBND XÃ TÂN LẬP MỚI', code: '09101', kind: 'ward' });
		expect(renamed.statusCode, renamed.body).toBe(200);
		expect(renamed.json()).toMatchObject({ id: 'tan-lap', name: 'Xã Tân Lập Mới', authority: 'UBND XÃ TÂN LẬP MỚI', code: '09101', kind: 'ward' });
		const audit = await auditOf('unit.updated');
		expect(JSON.parse(audit.at(-1)!.detail)).toMatchObject({ unitId: 'tan-lap', fields: 'kind,name,authority,code', name: 'Xã Tân Lập Mới', nameBefore: 'Xã Tân Lập', codeBefore: '' });

		const codeConflict = await call('PATCH', '/api/units/cao-phong', admin, { code: '09101' });
		expect(codeConflict.statusCode).toBe(409);
		expect(codeConflict.json()).toMatchObject({ reason: 'unit_code_taken', field: 'code' });
		const nameConflict = await call('PATCH', '/api/units/cao-phong', admin, { name: 'XÃ ĐỒNG THỊNH' });
		expect(nameConflict.json()).toMatchObject({ reason: 'unit_name_taken', field: 'name' });
		// Its own name in other letters is no conflict.
		expect((await call('PATCH', '/api/units/cao-phong', admin, { name: 'Xã Cao phong' })).statusCode).toBe(200);
		// Units renamed to the same name at once: the name is checked in the write, one wins.
		const racers = new Map([
			['cao-phong', 'Xã Cao Phong'],
			['dong-que', 'Xã Đồng Quế'],
			['hai-luu', 'Xã Hải Lựu'],
			['lang-cong', 'Xã Lãng Công'],
			['quang-yen', 'Xã Quang Yên'],
			['tu-yen', 'Xã Tứ Yên'],
		]);
		const racing = await Promise.all([...racers.keys()].map((id) => call('PATCH', `/api/units/${id}`, admin, { name: 'Xã Trùng Tên' })));
		expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
		expect(racing.find((r) => r.statusCode === 409)!.json()).toMatchObject({ reason: 'unit_name_taken', field: 'name' });
		expect(await running.app.db.unit.count({ where: { name: 'Xã Trùng Tên' } })).toBe(1);
		for (const [id, name] of racers) {
			expect((await call('PATCH', `/api/units/${id}`, admin, { name })).statusCode).toBe(200);
		}
		expect((await call('PATCH', '/api/units/tan-lap', admin, { code: null })).json()).toMatchObject({ code: null });
		expect((await call('PATCH', '/api/units/cao-phong', admin, { code: '09101' })).statusCode).toBe(200);

		const toHost = await call('PATCH', '/api/units/cao-phong', admin, { kind: 'district' });
		expect(toHost.statusCode).toBe(400);
		expect(toHost.json()).toMatchObject({ reason: 'unit_kind_not_allowed', field: 'kind' });
		const ownToMember = await call('PATCH', '/api/units/song-lo', admin, { kind: 'commune' });
		expect(ownToMember.json()).toMatchObject({ reason: 'unit_kind_not_allowed', field: 'kind' });
		const own = await call('PATCH', '/api/units/song-lo', admin, { authority: 'ỦY BAN NHÂN DÂN HUYỆN SÔNG LÔ' });
		expect(own.statusCode).toBe(200);
		expect((await running.app.inject({ url: '/api/host-unit' })).json()).toMatchObject({ authority: 'ỦY BAN NHÂN DÂN HUYỆN SÔNG LÔ' });
		expect((await call('PATCH', '/api/units/song-lo', admin, { name: ' ' })).statusCode).toBe(400);
		expect((await call('PATCH', '/api/units/song-lo', admin, {})).statusCode).toBe(400);
	});

	it('deactivates a unit only once nothing uses it; an inactive unit is not offered nor invited', async () => {
		const own = await call('POST', '/api/units/song-lo/deactivate', admin);
		expect(own.statusCode).toBe(409);
		expect(own.json()).toMatchObject({ reason: 'unit_not_managed' });

		const meeting = await schedule(['duc-bac']);
		expect(meeting.reply.statusCode, meeting.reply.body).toBe(201);
		const busy = await call('POST', '/api/units/duc-bac/deactivate', admin);
		expect(busy.statusCode).toBe(409);
		expect(busy.json<{ reason: string; message: string }>()).toMatchObject({ reason: 'unit_in_use' });
		expect(busy.json<{ message: string }>().message).toMatch(/1 enabled account.*1 meeting/);

		const operator = await running.app.db.user.findUniqueOrThrow({ where: { username: 'ducbac' } });
		expect((await call('POST', `/api/accounts/${operator.id}/disable`, admin)).statusCode).toBe(200);
		const stillInvited = await call('POST', '/api/units/duc-bac/deactivate', admin);
		expect(stillInvited.statusCode).toBe(409);
		expect(stillInvited.json<{ message: string }>().message).not.toMatch(/account/);
		expect((await call('POST', `/api/meetings/${meeting.id}/cancel`, admin)).statusCode).toBe(200);

		const done = await call('POST', '/api/units/duc-bac/deactivate', admin);
		expect(done.statusCode, done.body).toBe(200);
		expect(done.json()).toMatchObject({ id: 'duc-bac', active: false });
		expect((await unit('duc-bac'))?.active).toBe(false);
		expect(await hostMembers()).not.toContain('duc-bac');
		expect(await hostMembers()).toContain('bach-luu');
		expect((await auditOf('unit.deactivated')).map((e) => (JSON.parse(e.detail) as { unitId: string }).unitId)).toEqual(['duc-bac']);

		const refused = await schedule(['bach-luu', 'duc-bac']);
		expect(refused.reply.statusCode).toBe(400);
		expect(refused.reply.json()).toMatchObject({ reason: 'unit_inactive', field: 'invitedUnitIds' });
		// Nor added to a meeting already planned.
		const planned = await schedule(['bach-luu']);
		const plannedStart = new Date(Date.now() + 24 * HOUR);
		const edit = await call('PUT', `/api/meetings/${planned.id}`, admin, {
			title: 'Giao ban tuần',
			description: '',
			location: 'Hội trường',
			startsAt: plannedStart.toISOString(),
			endsAt: new Date(plannedStart.getTime() + HOUR).toISOString(),
			chairId,
			agenda: [],
			invitedUnitIds: ['bach-luu', 'duc-bac'],
			recordingEnabled: false,
		});
		expect(edit.statusCode).toBe(400);
		expect(edit.json()).toMatchObject({ reason: 'unit_inactive', field: 'invitedUnitIds' });
		expect((await running.app.db.invitation.findMany({ where: { meetingId: planned.id } })).map((i) => i.unitId)).toEqual(['bach-luu']);
		expect((await call('POST', `/api/meetings/${planned.id}/cancel`, admin)).statusCode).toBe(200);
		const unknown = await schedule(['bach-luu', 'xa-ngoai']);
		expect(unknown.reply.statusCode).toBe(400);
		expect(unknown.reply.json()).not.toHaveProperty('reason');

		const activated = await call('POST', '/api/units/duc-bac/activate', admin);
		expect(activated.json()).toMatchObject({ active: true });
		expect(await hostMembers()).toContain('duc-bac');
		expect((await schedule(['duc-bac'])).reply.statusCode).toBe(201);
		expect(await auditOf('unit.activated')).toHaveLength(1);
	});

	it('merges units: accounts and meetings not yet held move, past meetings stay the source’s and are listed for the target', async () => {
		// Target Nhân Đạo; sources Nhạo Sơn and Như Thụy.
		const [target, a, b] = ['nhan-dao', 'nhao-son', 'nhu-thuy'];
		const targetOperator = await signIn('nhandao');
		const past = await schedule([a], new Date(Date.now() - 10 * 24 * HOUR));
		await running.app.db.meeting.update({ where: { id: past.id }, data: { status: 'ended', startedAt: new Date(Date.now() - 10 * 24 * HOUR), endedAt: new Date(Date.now() - 10 * 24 * HOUR + HOUR) } });
		await running.app.db.attendanceEvent.createMany({
			data: [
				{ meetingId: past.id, unitId: a, kind: 'join', at: new Date(Date.now() - 10 * 24 * HOUR + 60_000) },
				{ meetingId: past.id, unitId: a, kind: 'leave', reason: 'left', at: new Date(Date.now() - 10 * 24 * HOUR + 120_000) },
			],
		});
		await running.app.db.recordingRun.create({ data: { meetingId: past.id, unitId: a, hasAudio: true, hasVideo: false, startMs: 60_000, endMs: 120_000 } });
		const onlyA = await schedule([a]);
		const both = await schedule([a, target]);
		// The target was invited and withdrawn: its withdrawn link must stay dead after the merge.
		const withdrawn = await schedule([b, target]);
		const withdrawBody = { title: 'Giao ban tuần', description: '', location: 'Hội trường', startsAt: new Date(Date.now() + 24 * HOUR).toISOString(), endsAt: new Date(Date.now() + 25 * HOUR).toISOString(), chairId, agenda: [], invitedUnitIds: [b], recordingEnabled: false };
		expect((await call('PUT', `/api/meetings/${withdrawn.id}`, admin, withdrawBody)).statusCode).toBe(200);
		const live = await schedule([b]);
		await running.app.db.meeting.update({ where: { id: live.id }, data: { status: 'live', startedAt: new Date() } });
		// People of the sources signed in, one of them connected, and an administrator of a source.
		const sourceOperator = await signIn('nhaoson');
		const sourceSocket = await running.connect(undefined, { cookie: sourceOperator['cookie']! });
		const sourceAdmin = await signInNew('qtnhuthuy', 'admin', b);
		expect((await units(sourceAdmin.headers)).map((u) => u.id)).toEqual([b]);

		// Before the merge the target's people do not see the sources' meetings.
		expect((await call('GET', `/api/meetings/${past.id}`, targetOperator)).statusCode).toBe(404);

		const invalid: [string[], number][] = [
			[[target], 409],
			[['xa-ngoai'], 404],
			[['song-lo'], 409],
			[[a, a], 400],
		];
		for (const [sourceIds, status] of invalid) {
			const reply = await call('POST', `/api/units/${target}/merge`, admin, { sourceIds });
			expect(reply.statusCode, JSON.stringify(sourceIds)).toBe(status);
			expect(reply.json()).toMatchObject({ field: 'sourceIds' });
		}
		const inUse = await call('POST', `/api/units/${target}/merge`, admin, { sourceIds: [a, b] });
		expect(inUse.statusCode).toBe(409);
		expect(inUse.json()).toMatchObject({ reason: 'unit_in_use' });
		// Nothing of the refused merge was written.
		expect((await unit(a))).toMatchObject({ active: true, mergedIntoId: null });
		expect((await running.app.db.user.findUniqueOrThrow({ where: { username: 'nhaoson' } })).unitId).toBe(a);
		await running.app.db.meeting.update({ where: { id: live.id }, data: { status: 'ended', endedAt: new Date() } });

		expect((await call('GET', '/api/auth/session', sourceOperator)).statusCode).toBe(200);
		expect(sourceSocket.connected).toBe(true);
		const gone = disconnected(sourceSocket);
		const merged = await call('POST', `/api/units/${target}/merge`, admin, { sourceIds: [a, b] });
		expect(merged.statusCode, merged.body).toBe(200);
		expect(merged.json()).toMatchObject({ id: target, active: true, mergedFromIds: [a, b], accountCount: 4 });
		// The moved accounts' sessions end and their sockets close: they sign in again as the target's.
		expect(await gone).toBe('io server disconnect');
		expect((await call('GET', '/api/auth/session', sourceOperator)).statusCode).toBe(401);
		expect((await call('GET', '/api/auth/session', sourceAdmin.headers)).statusCode).toBe(401);
		expect((await call('GET', '/api/auth/session', targetOperator)).statusCode).toBe(200);
		// The source's administrator is a viewer of the target now: its administrators did not choose it.
		expect(await running.app.db.user.findUniqueOrThrow({ where: { id: sourceAdmin.id } })).toMatchObject({ unitId: target, role: 'viewer' });
		expect((await running.app.db.user.findUniqueOrThrow({ where: { username: 'nhaoson' } })).role).toBe('commune_operator');
		expect(await unit(a)).toMatchObject({ active: false, mergedIntoId: target, accountCount: 0 });
		expect(await unit(b)).toMatchObject({ active: false, mergedIntoId: target });
		expect(await hostMembers()).not.toContain(a);
		const audit = await auditOf('unit.merged');
		expect(JSON.parse(audit[0]!.detail)).toEqual({ unitId: target, name: 'Xã Nhân Đạo', sourceIds: `${a},${b}`, usersMoved: 3, adminsDemoted: 1, invitationsMoved: 2, invitationsRevoked: 1 });

		// The sources' people are now the target's.
		expect((await running.app.db.user.findUniqueOrThrow({ where: { username: 'nhaoson' } })).unitId).toBe(target);
		const movedOperator = await signIn('nhaoson');
		expect((await call('GET', '/api/auth/session', movedOperator)).json()).toMatchObject({ user: { unit: { id: target } } });

		// Meetings not yet held: the source's invitation (and link) now invites the target...
		const onlyADetail = (await call('GET', `/api/meetings/${onlyA.id}`, admin)).json<{ invitations: { unitId: string; revoked: boolean }[] }>();
		expect(onlyADetail.invitations).toEqual([expect.objectContaining({ unitId: target, revoked: false })]);
		expect((await running.app.inject({ url: `/api/join/${onlyA.links.get(a)}` })).json()).toMatchObject({ unit: { id: target } });
		// ...unless the target was invited already: then the source's link is revoked.
		const bothDetail = (await call('GET', `/api/meetings/${both.id}`, admin)).json<{ invitations: { unitId: string; revoked: boolean }[] }>();
		expect(bothDetail.invitations).toEqual(expect.arrayContaining([expect.objectContaining({ unitId: target, revoked: false }), expect.objectContaining({ unitId: a, revoked: true })]));
		await joinRefused(both.links.get(a));
		expect((await running.app.inject({ url: `/api/join/${both.links.get(target)}` })).statusCode).toBe(200);
		// A link of the target withdrawn before the merge stays dead; the source's now serves the target.
		await joinRefused(withdrawn.links.get(target));
		expect((await running.app.inject({ url: `/api/join/${withdrawn.links.get(b)}` })).json()).toMatchObject({ unit: { id: target } });

		// Past meetings keep the source's id, and the target's people read them as their history.
		const pastDetail = await call('GET', `/api/meetings/${past.id}`, targetOperator);
		expect(pastDetail.statusCode).toBe(200);
		expect(pastDetail.json<{ invitations: { unitId: string }[] }>().invitations.map((i) => i.unitId)).toEqual([a]);
		const attendance = (await call('GET', `/api/meetings/${past.id}/attendance`, targetOperator)).json<{ unitId: string; kind: string }[]>();
		expect(attendance.map((r) => [r.unitId, r.kind])).toEqual([
			[a, 'join'],
			[a, 'leave'],
		]);
		// Its recordings too (the source's site only, as for any invited unit).
		const recordings = await call('GET', `/api/meetings/${past.id}/recordings`, targetOperator);
		expect(recordings.statusCode, recordings.body).toBe(200);
		expect(recordings.json<{ sites: { unitId: string; recordedMs: number }[] }>().sites).toEqual([expect.objectContaining({ unitId: a, recordedMs: 60_000 })]);
		const from = new Date(Date.now() - 20 * 24 * HOUR).toISOString();
		const listed = (await call('GET', `/api/meetings?from=${encodeURIComponent(from)}`, targetOperator)).json<{ id: string }[]>().map((m) => m.id);
		expect(listed).toEqual(expect.arrayContaining([past.id, onlyA.id, both.id, withdrawn.id, live.id]));
		// Another commune still sees none of it.
		expect((await call('GET', `/api/meetings/${past.id}`, await signIn('dongque'))).statusCode).toBe(404);

		// A merged unit cannot merge again, nor be activated.
		const twice = await call('POST', '/api/units/yen-thach/merge', admin, { sourceIds: [a] });
		expect(twice.statusCode).toBe(409);
		expect(twice.json()).toMatchObject({ reason: 'merge_invalid', field: 'sourceIds' });
		expect((await call('POST', `/api/units/${a}/activate`, admin)).json()).toMatchObject({ reason: 'merge_invalid' });
		// Units merged into a unit that is merged in turn are its history too.
		expect((await call('POST', '/api/units/yen-thach/merge', admin, { sourceIds: [target] })).statusCode).toBe(200);
		const yenThach = await signIn('yenthach');
		expect((await call('GET', `/api/meetings/${past.id}`, yenThach)).statusCode).toBe(200);
	});
});
