import { appendFileSync, writeFileSync } from 'node:fs';
import type { JoinLink } from '#shared/api/meetings.ts';
import { vietnamClock, vietnamDate } from '#shared/time/vietnam-time.ts';
import { generatePassword, hashPassword } from '../accounts/password.ts';
import type { UsersRepository } from '../accounts/users.repository.ts';
import type { MeetingsService } from '../meetings/meetings.service.ts';
import type { DemoDataRepository } from './demo-data.repository.ts';
import { demoAccounts, demoUnits, DISTRICT_ID, type DemoAccount } from './demo-directory.ts';
import {
	DEMO_PROVINCE_ADMIN,
	DEMO_PROVINCE_CHAIR,
	DEMO_PROVINCE_ID,
	demoProvince,
	demoProvinceAccounts,
	demoProvinceMeeting,
	demoProvinceMembers,
} from './demo-province.ts';

export type SeededAccount = { username: string; password: string; role: string; unit: string };

/**
 * On first start (no units at all) creates the demo district, its communes and one account per
 * role and commune, with random passwords. Units and accounts are written in one transaction, so
 * a crash half-way leaves an empty database that the next start seeds again.
 */
export async function seedDemoData(repo: DemoDataRepository): Promise<SeededAccount[] | null> {
	if (await repo.hasUnits()) {
		return null;
	}
	const accounts = await Promise.all(
		demoAccounts.map(async (account) => ({ ...account, password: generatePassword() }))
	);
	const users = await Promise.all(
		accounts.map(async ({ password, ...account }) => ({ ...account, passwordHash: await hashPassword(password) }))
	);
	await repo.createDirectory(demoUnits, users);
	const unitName = new Map(demoUnits.map((u) => [u.id, u.name]));
	return accounts.map((a) => ({ username: a.username, password: a.password, role: a.role, unit: unitName.get(a.unitId) ?? a.unitId }));
}

/** The accounts with fresh random passwords, and what to store: the same convention for every demo unit. */
async function withPasswords(accounts: DemoAccount[]): Promise<{ seeded: (DemoAccount & { password: string })[]; users: (DemoAccount & { passwordHash: string })[] }> {
	const seeded = accounts.map((account) => ({ ...account, password: generatePassword() }));
	const users = await Promise.all(seeded.map(async ({ password, ...account }) => ({ ...account, passwordHash: await hashPassword(password) })));
	return { seeded, users };
}

/**
 * Adds the generated province (Tỉnh Mẫu, 170 member units, an administrator, a chair and a
 * secretary) to a demo database: one that holds the Sông Lô demo district and not the province
 * yet. A real installation (no demo district) never gets it, and a second start adds nothing.
 * Units and accounts are written in one transaction, like the district's.
 */
export async function seedDemoProvince(repo: DemoDataRepository): Promise<SeededAccount[] | null> {
	if (!(await repo.hasUnit(DISTRICT_ID)) || (await repo.hasUnit(DEMO_PROVINCE_ID))) {
		return null;
	}
	const { seeded, users } = await withPasswords(demoProvinceAccounts);
	await repo.createHostWithMembers(demoProvince, demoProvinceMembers, users);
	return seeded.map((a) => ({ username: a.username, password: a.password, role: a.role, unit: demoProvince.name }));
}

export type SeededMeeting = { id: string; title: string; startsAt: string; joinLinks: JoinLink[] };

/**
 * Schedules the province meeting through the meetings service (as its administrator would, join
 * links included) when the province hosts no meeting yet: after a crash between the province and
 * its meeting, the next start schedules it. Null when there is nothing to do, or when the demo
 * administrator or chair was renamed or disabled since (then nobody wants the demo meeting).
 */
export async function seedDemoProvinceMeeting(
	repo: DemoDataRepository,
	deps: { users: UsersRepository; meetings: MeetingsService; now?: Date }
): Promise<SeededMeeting | null> {
	if (!(await repo.hasUnit(DEMO_PROVINCE_ID)) || (await repo.hostsAnyMeeting(DEMO_PROVINCE_ID))) {
		return null;
	}
	const admin = await deps.users.findAccountByUsername(DEMO_PROVINCE_ADMIN);
	const chair = await deps.users.findAccountByUsername(DEMO_PROVINCE_CHAIR);
	if (!admin || admin.disabled || admin.unit.id !== DEMO_PROVINCE_ID || !chair || chair.disabled || chair.unit.id !== DEMO_PROVINCE_ID) {
		return null;
	}
	const { id, username, displayName, role, unit } = admin;
	const { meeting, joinLinks } = await deps.meetings.create({ id, username, displayName, role, unit }, demoProvinceMeeting(chair.id, deps.now ?? new Date()));
	return { id: meeting.id, title: meeting.title, startsAt: meeting.startsAt, joinLinks };
}

/** What the district and the province demo add to a fresh database (the default title: the district alone). */
export const DEMO_TITLE_BOTH = `Demo data created: district Sông Lô with its communes, and the generated province ${demoProvince.name} with ${demoProvinceMembers.length} communes, wards and special zones (they join by link). Accounts (shown once; also saved to the file below):`;
/** What a start adds to a demo database made before the province demo existed. */
export const DEMO_TITLE_PROVINCE = `Demo data added: the generated province ${demoProvince.name} with ${demoProvinceMembers.length} communes, wards and special zones (they join by link). Accounts (shown once; also added to the file below):`;

export function formatAccounts(accounts: SeededAccount[], title = 'Demo data created: district Sông Lô with its communes. Accounts (shown once; also saved to the file below):'): string {
	const rows = accounts.map((a) => `  ${a.username.padEnd(14)} ${a.password.padEnd(14)} ${a.role.padEnd(18)} ${a.unit}`);
	return [
		title,
		`  ${'username'.padEnd(14)} ${'password'.padEnd(14)} ${'role'.padEnd(18)} unit`,
		...rows,
		'',
	].join('\n');
}

/** Keeps the printed credentials where only the operator can read them. */
export function saveAccounts(file: string, accounts: SeededAccount[], title?: string): void {
	writeFileSync(file, formatAccounts(accounts, title), { mode: 0o600 });
}

/** Adds accounts below those already saved (whose passwords exist nowhere else). */
export function appendAccounts(file: string, accounts: SeededAccount[], title: string): void {
	appendFileSync(file, `\n${formatAccounts(accounts, title)}`, { mode: 0o600 });
}

export function describeMeeting(meeting: SeededMeeting): string {
	return `Demo meeting "${meeting.title}" of ${demoProvince.name}: ${vietnamDate(meeting.startsAt)} ${vietnamClock(meeting.startsAt)} (Vietnam time), ${meeting.joinLinks.length} units invited, sites join muted, no recording`;
}

/**
 * The meeting's join links, one per invited unit (the server keeps only their hashes): a link
 * opens the room as that unit's site, without an account, so they are kept like passwords.
 */
export function saveJoinLinks(file: string, meeting: SeededMeeting): void {
	const rows = meeting.joinLinks.map((link) => `  ${link.url}  ${link.unitName}`);
	writeFileSync(file, [`${describeMeeting(meeting)}. Join links (one per site; a new one can be issued from the meeting page):`, ...rows, ''].join('\n'), { mode: 0o600 });
}
