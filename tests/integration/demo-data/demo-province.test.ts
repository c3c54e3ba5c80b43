import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeetingDetail, MeetingSummary } from '../../../shared/src/api/meetings.ts';
import type { Session } from '../../../shared/src/api/auth.ts';
import { vietnamClock, vietnamDate } from '../../../shared/src/time/vietnam-time.ts';
import { openDatabase } from '../../../server/src/db/open-database.ts';
import { createDemoDataRepository } from '../../../server/src/features/demo-data/demo-data.repository.ts';
import { saveAccounts, seedDemoData, seedDemoProvince } from '../../../server/src/features/demo-data/seed-demo-data.ts';
import { migratedDataDir, type TestDataDir } from '../../helpers/test-env.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

const PROVINCE = 'demo-tinh-mau';
const DAY_MS = 24 * 3_600_000;
const LEVEL_WORD: Record<string, string> = { commune: 'Xã ', ward: 'Phường ', special_zone: 'Đặc khu ' };

/** username → password, from every table of demo-accounts.txt. */
function savedPasswords(dataDir: string): Map<string, string> {
	const rows = readFileSync(join(dataDir, 'demo-accounts.txt'), 'utf8').matchAll(/^ {2}(\S+) +(\S{12}) +(admin|chair|secretary|commune_operator) /gm);
	return new Map([...rows].map(([, username, password]) => [username!, password!]));
}

async function signIn(running: RunningApp, username: string, password: string): Promise<{ session: Session; cookie: string }> {
	const response = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
	expect(response.statusCode, `${username}: ${response.body}`).toBe(200);
	const cookie = response.cookies.find((c) => c.name === 'giaoban_session')!;
	return { session: response.json<Session>(), cookie: `giaoban_session=${cookie.value}` };
}

async function seedOnDisk(dataDir: string, seed: (repo: ReturnType<typeof createDemoDataRepository>) => Promise<void>): Promise<void> {
	const db = await openDatabase({ file: join(dataDir, 'giaoban.db'), synchronous: 'FULL' });
	try {
		await seed(createDemoDataRepository(db));
	} finally {
		await db.$disconnect();
	}
}

describe('province-scale demo data', () => {
	let data: TestDataDir | undefined;
	let running: RunningApp | undefined;
	afterEach(async () => {
		await running?.close();
		running = undefined;
		data?.remove();
		data = undefined;
	});

	const start = async (): Promise<RunningApp> => {
		running = await startApp({ DEMO_DATA: 'true' }, { dataDir: data!.dir });
		return running;
	};

	it('seeds the generated province, its 170 members, its accounts and one muted, unrecorded meeting of all of them, next to Sông Lô', async () => {
		data = migratedDataDir();
		const before = Date.now();
		const app = await start();
		const after = Date.now();
		const db = app.app.db;

		const province = await db.unit.findUniqueOrThrow({ where: { id: PROVINCE }, select: { kind: true, name: true, code: true, parentId: true, authority: true } });
		expect(province).toEqual({ kind: 'province', name: 'Tỉnh Mẫu', code: 'DEMO-TINH', parentId: null, authority: 'UBND TỈNH MẪU' });
		const members = await db.unit.findMany({ where: { parentId: PROVINCE }, select: { id: true, kind: true, name: true, code: true, authority: true, active: true } });
		expect(members).toHaveLength(170);
		const byKind = new Map<string, number>();
		members.forEach((m) => byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1));
		expect(Object.fromEntries(byKind)).toEqual({ special_zone: 2, ward: 34, commune: 134 });
		expect(new Set(members.map((m) => m.name)).size).toBe(170);
		for (const m of members) {
			expect(m.active).toBe(true);
			expect(m.code).toMatch(/^DEMO-\d{3}$/);
			expect(m.name).toMatch(/^(Xã|Phường|Đặc khu) \S+ \S+ \(mẫu\)$/);
			expect(m.authority).toBe(`UBND ${m.name.toLocaleUpperCase('vi')}`);
			expect(m.name.startsWith(LEVEL_WORD[m.kind]!)).toBe(true);
		}

		// Sông Lô is as it was, and stays the unit of the start screen.
		expect(await db.unit.count({ where: { OR: [{ id: 'song-lo' }, { parentId: 'song-lo' }] } })).toBe(18);
		expect(await db.unit.count()).toBe(18 + 171);
		const host = await app.app.inject('/api/host-unit');
		expect(host.json()).toMatchObject({ id: 'song-lo', name: 'Huyện Sông Lô' });
		expect(host.json<{ members: unknown[] }>().members).toHaveLength(17);

		// The accounts are listed with Sông Lô's, in the file only the owner reads.
		const file = join(app.dataDir, 'demo-accounts.txt');
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(readFileSync(file, 'utf8')).toMatch(/chutri\s+\S{12}\s+chair\s+Huyện Sông Lô/);
		expect(app.printed.join('')).toMatch(/tinh\.chutri\s+\S{12}\s+chair\s+Tỉnh Mẫu/);
		const passwords = savedPasswords(app.dataDir);
		expect(passwords.size).toBe(20 + 3);
		const signed = new Map<string, Awaited<ReturnType<typeof signIn>>>();
		for (const [username, role] of [['tinh.admin', 'admin'], ['tinh.chutri', 'chair'], ['tinh.thuky', 'secretary']] as const) {
			const result = await signIn(app, username, passwords.get(username)!);
			expect(result.session.user).toMatchObject({ role, unit: { id: PROVINCE, kind: 'province', name: 'Tỉnh Mẫu' } });
			expect(result.session.mustChangePassword).toBe(false);
			signed.set(username, result);
		}

		// The meeting, as the province administrator sees it.
		const admin = signed.get('tinh.admin')!;
		const list = await app.app.inject({ url: '/api/meetings', headers: { cookie: admin.cookie } });
		const meetings = list.json<MeetingSummary[]>();
		expect(meetings).toHaveLength(1);
		expect(meetings[0]).toMatchObject({ status: 'scheduled', invitedCount: 170, hostUnit: { id: PROVINCE } });
		const detail = (await app.app.inject({ url: `/api/meetings/${meetings[0]!.id}`, headers: { cookie: admin.cookie } })).json<MeetingDetail>();
		expect(detail).toMatchObject({ joinMuted: true, recordingEnabled: false, status: 'scheduled', chair: { id: signed.get('tinh.chutri')!.session.user.id } });
		expect(detail.invitations).toHaveLength(170);
		expect(new Set(detail.invitations.map((i) => i.unitId))).toEqual(new Set(members.map((m) => m.id)));
		expect(detail.invitations.every((i) => !i.revoked)).toBe(true);
		expect(vietnamClock(detail.startsAt)).toBe('08:00');
		expect([vietnamDate(before + DAY_MS), vietnamDate(after + DAY_MS)]).toContain(vietnamDate(detail.startsAt));
		expect(new Date(detail.endsAt).getTime()).toBeGreaterThan(new Date(detail.startsAt).getTime());

		// One working join link per member, saved for the operator.
		const linksFile = join(app.dataDir, 'demo-join-links.txt');
		expect(statSync(linksFile).mode & 0o777).toBe(0o600);
		const tokens = [...readFileSync(linksFile, 'utf8').matchAll(/\/join\/([A-Za-z0-9_-]+) {2}(.+)$/gm)];
		expect(tokens).toHaveLength(170);
		for (const index of [0, 169]) {
			const [, token, unitName] = tokens[index]!;
			const card = await app.app.inject({ url: `/api/join/${token}` });
			expect(card.statusCode).toBe(200);
			expect(card.json()).toMatchObject({ meetingId: detail.id, hostUnitName: 'Tỉnh Mẫu', unit: { name: unitName } });
		}

		// Sông Lô's administrator does not see the province's meeting.
		const district = await signIn(app, 'admin', passwords.get('admin')!);
		expect((await app.app.inject({ url: '/api/meetings', headers: { cookie: district.cookie } })).json()).toEqual([]);
	});

	it('adds nothing on a second start', async () => {
		data = migratedDataDir();
		await (await start()).close();
		const accountsText = readFileSync(join(data.dir, 'demo-accounts.txt'), 'utf8');
		const linksText = readFileSync(join(data.dir, 'demo-join-links.txt'), 'utf8');

		const again = await start();
		const db = again.app.db;
		expect(await db.unit.count()).toBe(189);
		expect(await db.user.count()).toBe(23);
		expect(await db.meeting.count()).toBe(1);
		expect(await db.invitation.count()).toBe(170);
		expect(again.printed.join('')).not.toMatch(/Demo/);
		expect(readFileSync(join(data.dir, 'demo-accounts.txt'), 'utf8')).toBe(accountsText);
		expect(readFileSync(join(data.dir, 'demo-join-links.txt'), 'utf8')).toBe(linksText);
	});

	it('adds the province to a demo database made before it existed, keeping the saved Sông Lô passwords', async () => {
		data = migratedDataDir();
		let older = new Map<string, string>();
		await seedOnDisk(data.dir, async (repo) => {
			const accounts = (await seedDemoData(repo))!;
			saveAccounts(join(data!.dir, 'demo-accounts.txt'), accounts);
			older = new Map(accounts.map((a) => [a.username, a.password]));
		});

		const app = await start();
		expect(app.printed.join('')).toMatch(/Demo data added: the generated province Tỉnh Mẫu/);
		const passwords = savedPasswords(app.dataDir);
		expect(passwords.size).toBe(23);
		for (const [username, password] of older) {
			expect(passwords.get(username)).toBe(password);
		}
		await signIn(app, 'chutri', passwords.get('chutri')!);
		await signIn(app, 'tinh.admin', passwords.get('tinh.admin')!);
		expect(await app.app.db.unit.count({ where: { parentId: PROVINCE } })).toBe(170);
		expect(await app.app.db.meeting.count({ where: { hostUnitId: PROVINCE, joinMuted: true } })).toBe(1);
	});

	it('schedules the meeting on the next start when the province was stored without it', async () => {
		data = migratedDataDir();
		await seedOnDisk(data.dir, async (repo) => {
			await seedDemoData(repo);
			await seedDemoProvince(repo);
		});
		const app = await start();
		// No accounts are made up again (those of the province were stored already).
		expect(app.printed.join('')).not.toMatch(/Accounts/);
		expect(await app.app.db.user.count()).toBe(23);
		const meeting = await app.app.db.meeting.findFirstOrThrow({ where: { hostUnitId: PROVINCE }, select: { joinMuted: true, recordingEnabled: true, _count: { select: { invitations: true } } } });
		expect(meeting).toEqual({ joinMuted: true, recordingEnabled: false, _count: { invitations: 170 } });
		expect(app.printed.join('')).toMatch(/Demo meeting .* 170 units invited/);
	});

	it('leaves a database that is not the demo alone', async () => {
		data = migratedDataDir();
		const db = await openDatabase({ file: join(data.dir, 'giaoban.db'), synchronous: 'FULL' });
		await db.unit.create({ data: { id: 'phu-tho', kind: 'province', name: 'Tỉnh Phú Thọ', authority: 'UBND TỈNH PHÚ THỌ' } });
		await db.$disconnect();

		const app = await start();
		expect(await app.app.db.unit.count()).toBe(1);
		expect(await app.app.db.meeting.count()).toBe(0);
		expect(app.printed.join('')).not.toMatch(/Demo/);
	});
});
