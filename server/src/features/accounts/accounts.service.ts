import { RESET_LINK_HOURS, type Account, type AccountCreateInput, type AccountSecret, type AccountUpdateInput, type PasswordResetInfo } from '#shared/api/accounts.ts';
import type { User, UserRole } from '#shared/api/auth.ts';
import { isMemberKind } from '#shared/api/units.ts';
import type { AccessEventBus, AccessEvents } from '../../domain/access-events.ts';
import { subtree } from '../../domain/unit-tree.ts';
import { ForbiddenError, InvalidPayloadError, InvalidStateError, NotFoundError, type AppError } from '../../lib/errors.ts';
import { hashToken, newToken } from '../../lib/secrets.ts';
import { generatePassword, hashPassword, TEMPORARY_PASSWORD_LENGTH } from './password.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import type { PasswordResetsRepository } from './password-resets.repository.ts';
import type { AccountRecord, AccountRefusal, UnitRecord, UsersRepository } from './users.repository.ts';

export type SessionEndReason = AccessEvents['sessions:ended']['reason'];

export type AccountsServiceDeps = {
	users: UsersRepository;
	resets: PasswordResetsRepository;
	/** Ends the user's sessions and disconnects their sockets; returns how many there were. */
	endSessionsOf: (userId: string, reason: SessionEndReason) => Promise<number>;
	events: Pick<AccessEventBus, 'publish'>;
	now?: () => Date;
};

export type AccountsService = ReturnType<typeof createAccountsService>;

export function toAccount({ createdAt, ...account }: AccountRecord): Account {
	return { ...account, createdAt: createdAt.toISOString() };
}

/** Path of a reset link, as the client routes it; the token itself is stored only as its SHA-256. */
export function resetPath(token: string): string {
	return `/password-reset/${token}`;
}

/**
 * A commune operator runs a member unit's conference point; the other roles belong to any level
 * (a commune has its chair and secretary too, and may be given its own administrator).
 */
function assertRoleFits(role: UserRole, unit: UnitRecord): void {
	if (role === 'commune_operator' && !isMemberKind(unit.kind)) {
		throw new InvalidPayloadError(`A ${unit.kind} has no commune operator: that role is for communes, wards, towns and special zones`, { field: 'role' });
	}
}

/** The fields PATCH /api/accounts/:id changed, with their new values. */
export type AccountChanges = { displayName?: string; role?: UserRole; unitId?: string };

/** A display name as stored: trimmed, and not blank (the schema's minLength counts spaces). */
function displayNameOf(raw: string): string {
	const name = raw.trim();
	if (name === '') {
		throw new InvalidPayloadError('displayName must not be blank', { field: 'displayName' });
	}
	return name;
}

function ownAccount(what: string): InvalidStateError {
	return new InvalidStateError(`You cannot ${what} your own account`, { reason: 'own_account' });
}

/**
 * Another administrator of the administrator's own unit is a peer, managed only from the unit
 * above: otherwise one could reset the other's password (and learn it), or two could disable or
 * demote each other until the unit has none. A root unit's administrators have nobody above; the
 * operator's command line (npm run admin -- reset-password | enable) is their way back.
 */
function assertNotPeer(admin: User, account: AccountRecord, what: string): void {
	if (account.role === 'admin' && account.unit.id === admin.unit.id && account.id !== admin.id) {
		throw new ForbiddenError(`Only an administrator of a unit above ${account.unit.name} may ${what} another administrator of it`, { reason: 'admin_peer' });
	}
}

/** A refusal found by the repository inside its transaction, as the API answers it. */
function refusal(reason: AccountRefusal, field?: 'role' | 'unitId'): AppError {
	const options = field ? { field } : {};
	switch (reason) {
		case 'unit_inactive':
			return new InvalidStateError('The unit is inactive: no account is put in it or enabled there', { reason, ...options });
		case 'account_chairs_meetings':
			return new InvalidStateError('The account chairs scheduled or live meetings: choose another chair for them (or cancel them) first', { reason, ...options });
		case 'last_admin':
			return new InvalidStateError('This is the last enabled administrator of the top unit', { reason, ...options });
		case 'username_taken':
			return new InvalidStateError('The username is taken', { reason, field: 'username' });
	}
}

export function createAccountsService({ users, resets, endSessionsOf, events, now = () => new Date() }: AccountsServiceDeps) {
	/** The units an administrator manages: its own and every unit below it, at any depth. */
	async function scope(admin: User): Promise<Set<string>> {
		if (admin.role !== 'admin') {
			throw new ForbiddenError('Only an administrator manages accounts');
		}
		return subtree(await users.listUnitTree(), admin.unit.id);
	}

	/** An account of these units. Anyone else's is answered as missing: ids outside reveal nothing. */
	async function managedIn(units: Set<string>, id: string): Promise<AccountRecord> {
		const account = await users.findAccount(id);
		if (!account || !units.has(account.unit.id)) {
			throw new NotFoundError(`No account ${id}`);
		}
		return account;
	}

	/** An account the administrator manages. */
	async function managed(admin: User, id: string): Promise<AccountRecord> {
		return managedIn(await scope(admin), id);
	}

	/** A unit an account may be put in: managed by the administrator (else 404) and active (else 409). */
	async function targetUnit(units: Set<string>, unitId: string): Promise<UnitRecord> {
		const unit = units.has(unitId) ? await users.findUnit(unitId) : null;
		if (!unit) {
			throw new NotFoundError(`No unit ${unitId} among the units you manage`, { reason: 'unit_not_managed', field: 'unitId' });
		}
		if (!unit.active) {
			throw new InvalidStateError(`${unit.name} is inactive: no new accounts are put in it`, { reason: 'unit_inactive', field: 'unitId' });
		}
		return unit;
	}

	/** A server-made password the user must replace at sign-in; every session ends and reset links stop working. */
	async function setTemporaryPassword(account: AccountRecord): Promise<{ account: AccountRecord; temporaryPassword: string; sessionsEnded: number }> {
		const temporaryPassword = generatePassword(TEMPORARY_PASSWORD_LENGTH);
		await users.setPassword(account.id, await hashPassword(temporaryPassword), true);
		const sessionsEnded = await endSessionsOf(account.id, 'password-reset');
		return { account: { ...account, mustChangePassword: true }, temporaryPassword, sessionsEnded };
	}

	async function byUsername(username: string): Promise<AccountRecord> {
		const account = await users.findAccountByUsername(username.trim().toLowerCase());
		if (!account) {
			throw new NotFoundError(`No account ${username}`);
		}
		return account;
	}

	async function enableAccount(account: AccountRecord): Promise<Account> {
		const refused = await users.enable(account.id);
		if (refused) {
			throw refusal(refused);
		}
		return toAccount({ ...account, disabled: false });
	}

	/** The link behind a token while it can still be used, or the one answer for every other case. */
	async function usableLink(token: string) {
		const link = await resets.find(hashToken(token));
		const usable = link !== null && link.usedAt === null && link.expiresAt > now() && !link.user.disabled;
		if (!usable) {
			// Unknown, used, expired or of a disabled account: the holder learns nothing more.
			throw new NotFoundError('This password link is not valid (used, expired or unknown): ask your administrator for a new one', { reason: 'reset_link_invalid' });
		}
		return link;
	}

	return {
		/** Accounts of the units the administrator manages, disabled ones included, by unit then username. */
		async list(admin: User): Promise<Account[]> {
			const accounts = await users.listAccounts([...(await scope(admin))]);
			// SQLite orders by code point ("Đ" after "Z"); Vietnamese readers expect dictionary order.
			return accounts
				.sort((a, b) => a.unit.name.localeCompare(b.unit.name, 'vi') || a.unit.id.localeCompare(b.unit.id) || a.username.localeCompare(b.username))
				.map(toAccount);
		},

		/** A new account with a temporary password, shown once in the reply; changed at first sign-in. */
		async create(admin: User, input: AccountCreateInput): Promise<{ account: Account; temporaryPassword: string }> {
			const unit = await targetUnit(await scope(admin), input.unitId);
			assertRoleFits(input.role, unit);
			const temporaryPassword = generatePassword(TEMPORARY_PASSWORD_LENGTH);
			// The unit is checked again as the account is written: a merge or deactivation may come meanwhile.
			const created = await users.createAccount({
				username: input.username.toLowerCase(),
				displayName: displayNameOf(input.displayName),
				role: input.role,
				unitId: unit.id,
				passwordHash: await hashPassword(temporaryPassword),
				mustChangePassword: true,
			});
			if (typeof created === 'string') {
				throw refusal(created, 'unitId');
			}
			return { account: toAccount(created), temporaryPassword };
		},

		/**
		 * Display name, role or unit. A changed role or unit ends the account's sessions (its sockets
		 * close and its sites leave): what it may do changed, and a page open with the old rights
		 * must not go on using them. An administrator cannot change its own role or unit, nor a
		 * peer's; a chair of meetings to come keeps role and unit until they have another chair.
		 */
		async update(admin: User, id: string, input: AccountUpdateInput): Promise<{ account: Account; changed: AccountChanges; sessionsEnded: number }> {
			const units = await scope(admin);
			const account = await managedIn(units, id);
			const changed: AccountChanges = {};
			if (input.displayName !== undefined && displayNameOf(input.displayName) !== account.displayName) {
				changed.displayName = displayNameOf(input.displayName);
			}
			if (input.role !== undefined && input.role !== account.role) {
				changed.role = input.role;
			}
			if (input.unitId !== undefined && input.unitId !== account.unit.id) {
				changed.unitId = input.unitId;
			}
			const rightsChanged = changed.role !== undefined || changed.unitId !== undefined;
			if (rightsChanged && account.id === admin.id) {
				throw ownAccount('change the role or unit of');
			}
			if (rightsChanged) {
				assertNotPeer(admin, account, 'change the role or unit of');
			}
			if (rightsChanged) {
				// The role is checked against the unit the account ends up in, whichever of the two changed.
				const unit = changed.unitId !== undefined ? await targetUnit(units, changed.unitId) : await users.findUnit(account.unit.id);
				if (unit) {
					assertRoleFits(changed.role ?? account.role, unit);
				}
			}
			if (Object.keys(changed).length === 0) {
				return { account: toAccount(account), changed, sessionsEnded: 0 };
			}
			const updated = await users.updateAccount(account.id, changed);
			if (typeof updated === 'string') {
				throw refusal(updated, changed.unitId !== undefined ? 'unitId' : 'role');
			}
			const sessionsEnded = rightsChanged ? await endSessionsOf(account.id, 'account-changed') : 0;
			return { account: toAccount(updated), changed, sessionsEnded };
		},

		/**
		 * `temporary`: a new password shown once, to be changed at sign-in. `link`: a one-time link
		 * valid RESET_LINK_HOURS that lets the user choose one (earlier links stop working). Either
		 * way every session of the account ends. Not for one's own account (POST /api/auth/password).
		 */
		async resetPassword(admin: User, id: string, mode: 'temporary' | 'link'): Promise<{ secret: AccountSecret; sessionsEnded: number }> {
			const account = await managed(admin, id);
			if (account.id === admin.id) {
				throw ownAccount('reset the password of');
			}
			assertNotPeer(admin, account, 'reset the password of');
			if (mode === 'temporary') {
				const reset = await setTemporaryPassword(account);
				return { secret: { account: toAccount(reset.account), temporaryPassword: reset.temporaryPassword }, sessionsEnded: reset.sessionsEnded };
			}
			const token = newToken();
			const expiresAt = new Date(now().getTime() + RESET_LINK_HOURS * 3600_000);
			// The old password stops working now (a scrypt hash of a secret nobody keeps, so that a
			// sign-in with it costs the same time as any other wrong password).
			await resets.create({ id: hashToken(token), userId: account.id, createdById: admin.id, expiresAt }, await hashPassword(newToken()));
			const sessionsEnded = await endSessionsOf(account.id, 'password-reset');
			return { secret: { account: toAccount(account), resetPath: resetPath(token), expiresAt: expiresAt.toISOString() }, sessionsEnded };
		},

		/**
		 * The operator's way in when no administrator can sign in (npm run admin -- reset-password):
		 * a temporary password for the account with this username, whoever it is.
		 */
		async resetByOperator(username: string): Promise<{ account: Account; temporaryPassword: string; sessionsEnded: number }> {
			const account = await byUsername(username);
			const reset = await setTemporaryPassword(account);
			return { account: toAccount(reset.account), temporaryPassword: reset.temporaryPassword, sessionsEnded: reset.sessionsEnded };
		},

		/** Whose password a reset link sets (public: the token is the credential). */
		async resetLinkInfo(token: string): Promise<PasswordResetInfo> {
			const link = await usableLink(token);
			return { username: link.user.username, displayName: link.user.displayName, expiresAt: link.expiresAt.toISOString() };
		},

		/**
		 * Sets the password a reset link was made for, once: the link is spent and the password set
		 * in one transaction, and every session of the user ends.
		 */
		async useResetLink(token: string, newPassword: string): Promise<{ userId: string; unitId: string; sessionsEnded: number }> {
			const link = await usableLink(token);
			await checkPasswordPolicy(newPassword, { username: link.user.username, field: 'newPassword' });
			const passwordHash = await hashPassword(newPassword);
			// Checked again inside the transaction: another use, an expiry or a disable may have come meanwhile.
			if (!(await resets.use(link.id, link.user.id, passwordHash, now()))) {
				throw new NotFoundError('This password link is not valid (used, expired or unknown): ask your administrator for a new one', { reason: 'reset_link_invalid' });
			}
			const sessionsEnded = await endSessionsOf(link.user.id, 'password-reset');
			return { userId: link.user.id, unitId: link.user.unitId, sessionsEnded };
		},

		/**
		 * The account can no longer sign in; its sessions end (sockets disconnected) and its sites
		 * leave every meeting (the conference acts on user:disabled), before this resolves.
		 */
		async disable(admin: User, id: string): Promise<{ account: Account; sessionsEnded: number }> {
			const account = await managed(admin, id);
			if (account.id === admin.id) {
				throw ownAccount('disable');
			}
			assertNotPeer(admin, account, 'disable');
			// Stored first: from here on no session of the account resolves, whatever the subscribers do.
			const refused = await users.disable(account.id);
			if (refused) {
				throw refusal(refused);
			}
			// Its sites leave the live rooms first (recorded as revoked), then its sockets close.
			await events.publish('user:disabled', { userId: account.id });
			const sessionsEnded = await endSessionsOf(account.id, 'disabled');
			return { account: toAccount({ ...account, disabled: true }), sessionsEnded };
		},

		/** The account may sign in again (its old sessions stay ended); not in an inactive unit. */
		async enable(admin: User, id: string): Promise<Account> {
			const account = await managed(admin, id);
			assertNotPeer(admin, account, 'enable');
			return enableAccount(account);
		},

		/**
		 * The operator's way back for an administrator disabled with nobody above to enable it
		 * (npm run admin -- enable): the account with this username, whoever it is.
		 */
		async enableByOperator(username: string): Promise<Account> {
			return enableAccount(await byUsername(username));
		},
	};
}
