import { writeFileSync } from 'node:fs';
import { generatePassword, hashPassword } from '../accounts/password.ts';
import type { DemoDataRepository } from './demo-data.repository.ts';
import { demoAccounts, demoUnits } from './demo-directory.ts';

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

export function formatAccounts(accounts: SeededAccount[]): string {
	const rows = accounts.map((a) => `  ${a.username.padEnd(14)} ${a.password.padEnd(14)} ${a.role.padEnd(18)} ${a.unit}`);
	return [
		'Demo data created: district Sông Lô with its communes. Accounts (shown once; also saved to the file below):',
		`  ${'username'.padEnd(14)} ${'password'.padEnd(14)} ${'role'.padEnd(18)} unit`,
		...rows,
		'',
	].join('\n');
}

/** Keeps the printed credentials where only the operator can read them. */
export function saveAccounts(file: string, accounts: SeededAccount[]): void {
	writeFileSync(file, formatAccounts(accounts), { mode: 0o600 });
}
