import type { Account } from '#shared/api/accounts.ts';
import type { User } from '#shared/api/auth.ts';
import type { AccessEventBus } from '../../domain/access-events.ts';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../../lib/errors.ts';
import type { AccountRecord, UsersRepository } from './users.repository.ts';

export type AccountsServiceDeps = {
	users: UsersRepository;
	/** Ends the user's sessions and disconnects their sockets; returns how many there were. */
	endSessionsOf: (userId: string, reason: 'disabled') => Promise<number>;
	events: Pick<AccessEventBus, 'publish'>;
};

export type AccountsService = ReturnType<typeof createAccountsService>;

function toAccount({ unitParentId: _parent, ...account }: AccountRecord): Account {
	return account;
}

export function createAccountsService({ users, endSessionsOf, events }: AccountsServiceDeps) {
	/**
	 * An account the administrator manages: one of their own unit or of a unit directly below it.
	 * Anyone else's is answered as missing, so that ids outside the district reveal nothing.
	 */
	async function managed(admin: User, id: string): Promise<AccountRecord> {
		if (admin.role !== 'district_admin') {
			throw new ForbiddenError('Only a district administrator manages accounts');
		}
		const account = await users.findAccount(id);
		if (!account || (account.unit.id !== admin.unit.id && account.unitParentId !== admin.unit.id)) {
			throw new NotFoundError(`No account ${id}`);
		}
		return account;
	}

	return {
		/**
		 * The account can no longer sign in; its sessions end (sockets disconnected) and its sites
		 * leave every meeting (the conference acts on user:disabled), before this resolves.
		 */
		async disable(admin: User, id: string): Promise<{ account: Account; sessionsEnded: number }> {
			const account = await managed(admin, id);
			if (account.id === admin.id) {
				throw new InvalidStateError('You cannot disable your own account');
			}
			// Stored first: from here on no session of the account resolves, whatever the subscribers do.
			await users.setDisabled(account.id, true);
			// Its sites leave the live rooms first (recorded as revoked), then its sockets close.
			await events.publish('user:disabled', { userId: account.id });
			const sessionsEnded = await endSessionsOf(account.id, 'disabled');
			return { account: toAccount({ ...account, disabled: true }), sessionsEnded };
		},

		/** The account may sign in again (its old sessions stay ended). */
		async enable(admin: User, id: string): Promise<Account> {
			const account = await managed(admin, id);
			await users.setDisabled(account.id, false);
			return toAccount({ ...account, disabled: false });
		},
	};
}
