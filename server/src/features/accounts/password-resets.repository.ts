import type { Prisma } from '../../generated/prisma/client.ts';
import type { Database } from '../../db/open-database.ts';

/** A reset link as stored: `id` is the SHA-256 of the token in the link. */
export type ResetLinkRecord = {
	id: string;
	expiresAt: Date;
	usedAt: Date | null;
	user: { id: string; username: string; displayName: string; disabled: boolean; unitId: string };
};

/**
 * The user's reset links not yet used stop working, inside the caller's transaction: whenever the
 * password is set (by anyone), a new link is made, or the account is disabled. Used links stay as
 * the record of when a password was set through one.
 */
export async function deleteUnusedLinks(tx: Prisma.TransactionClient, userId: string): Promise<void> {
	await tx.passwordReset.deleteMany({ where: { userId, usedAt: null } });
}

export function createPasswordResetsRepository(db: Database) {
	return {
		/**
		 * A new link, the only valid one of the user, and the old password replaced by `lockedHash`
		 * (of a secret nobody knows): a reset because the password leaked must lock out whoever
		 * learnt it, not leave them 72 hours.
		 */
		async create(data: { id: string; userId: string; createdById: string | null; expiresAt: Date }, lockedHash: string): Promise<void> {
			await db.$transaction(async (tx) => {
				await deleteUnusedLinks(tx, data.userId);
				await tx.passwordReset.create({ data, select: { id: true } });
				await tx.user.update({ where: { id: data.userId }, data: { passwordHash: lockedHash }, select: { id: true } });
			});
		},
		async find(id: string): Promise<ResetLinkRecord | null> {
			return db.passwordReset.findUnique({
				where: { id },
				select: { id: true, expiresAt: true, usedAt: true, user: { select: { id: true, username: true, displayName: true, disabled: true, unitId: true } } },
			});
		},
		/**
		 * Spends the link and sets the password in one transaction. The link is claimed by a
		 * conditional update (unused, unexpired, user enabled), so of two uses at once only one
		 * sets a password. Returns whether this one did.
		 */
		async use(id: string, userId: string, passwordHash: string, now: Date): Promise<boolean> {
			return db.$transaction(async (tx) => {
				const claimed = await tx.passwordReset.updateMany({
					where: { id, userId, usedAt: null, expiresAt: { gt: now }, user: { disabled: false } },
					data: { usedAt: now },
				});
				if (claimed.count !== 1) {
					return false;
				}
				await deleteUnusedLinks(tx, userId);
				await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: false }, select: { id: true } });
				return true;
			});
		},
	};
}

export type PasswordResetsRepository = ReturnType<typeof createPasswordResetsRepository>;
