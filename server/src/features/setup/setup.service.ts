import type { User } from '#shared/api/auth.ts';
import type { SetupInput } from '#shared/api/setup.ts';
import { cleanText, slugOf } from '../../domain/unit-names.ts';
import { InvalidPayloadError, InvalidStateError } from '../../lib/errors.ts';
import { hashPassword } from '../accounts/password.ts';
import { checkPasswordPolicy } from '../accounts/password-policy.ts';
import type { SetupRepository } from './setup.repository.ts';

export type HostSetup = {
	unit: SetupInput['unit'];
	admin: SetupInput['admin'];
	/** Set when the password was made up for the administrator (command line without one): changed at first sign-in. */
	mustChangePassword: boolean;
};

export function setupDone(): InvalidStateError {
	return new InvalidStateError('This server is already set up: sign in, or ask its administrator', { reason: 'setup_done' });
}

/** As the units feature stores text: NFC (a browser or terminal may send decomposed Vietnamese), spaces collapsed. */
function notBlank(value: string, field: string): string {
	const clean = cleanText(value);
	if (clean === '') {
		throw new InvalidPayloadError(`${field} must not be blank`, { field });
	}
	return clean;
}

/**
 * The first run: the host unit (province, city or district) and its first administrator, on a
 * database with no unit at all; setup_done otherwise, also when another setup won the race. Shared
 * by POST /api/setup and `npm run admin -- setup`.
 */
export async function setUpHost(repo: SetupRepository, { unit, admin, mustChangePassword }: HostSetup): Promise<{ unitId: string; user: User }> {
	if (await repo.hasUnits()) {
		throw setupDone();
	}
	const name = notBlank(unit.name, 'unit/name');
	const authority = notBlank(unit.authority, 'unit/authority');
	const displayName = notBlank(admin.displayName, 'admin/displayName');
	await checkPasswordPolicy(admin.password, { username: admin.username, field: 'admin/password' });
	// The database has no unit yet: the name's slug is free ("Tỉnh Phú Thọ" → "tinh-phu-tho").
	const unitId = slugOf(name);
	const user = await repo.createHostAndAdmin(
		{ id: unitId, kind: unit.kind, name, authority, code: unit.code ?? null },
		{ username: admin.username.toLowerCase(), displayName, role: 'admin', passwordHash: await hashPassword(admin.password), mustChangePassword }
	);
	if (!user) {
		throw setupDone();
	}
	return { unitId, user };
}
