import { Type, type Static } from 'typebox';
import { MIN_PASSWORD_LENGTH, User, UserRole } from './auth.ts';
import { DateTime } from './common.ts';

/** A person who may chair a meeting: an item of GET /api/accounts/chairs and a meeting's chair. */
export const Chair = Type.Object({ id: Type.String(), displayName: Type.String() });
export type Chair = Static<typeof Chair>;

/** Path parameters of /api/accounts/:id/…. */
export const AccountParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });

/** An account as its administrator sees it: an item of GET /api/accounts, reply of the account writes. */
export const Account = Type.Object({
	...User.properties,
	disabled: Type.Boolean(),
	/** Signed in with a temporary password: must choose a new one before anything else. */
	mustChangePassword: Type.Boolean(),
	createdAt: DateTime,
});
export type Account = Static<typeof Account>;

/** Login names: lower-case ASCII letters, digits, dot, dash, underscore (typed on any keyboard). */
export const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' });
export const DisplayName = Type.String({ minLength: 1, maxLength: 120 });
export const NewPassword = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 });

/**
 * POST /api/accounts: an account of a unit the administrator manages. The reply carries a
 * temporary password, shown once; the user must change it at first sign-in.
 */
export const AccountCreateInput = Type.Object({ username: Username, displayName: DisplayName, role: UserRole, unitId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export type AccountCreateInput = Static<typeof AccountCreateInput>;

/** PATCH /api/accounts/:id: a changed role or unit ends the account's sessions (its rights changed). */
export const AccountUpdateInput = Type.Object(
	{ displayName: Type.Optional(DisplayName), role: Type.Optional(UserRole), unitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
	{ additionalProperties: false, minProperties: 1 }
);
export type AccountUpdateInput = Static<typeof AccountUpdateInput>;

/**
 * POST /api/accounts/:id/reset-password: `temporary` sets a temporary password (shown once, to be
 * changed at sign-in); `link` makes a one-time link valid RESET_LINK_HOURS. Either ends every session.
 */
export const PasswordResetInput = Type.Object({ mode: Type.Union([Type.Literal('temporary'), Type.Literal('link')]) }, { additionalProperties: false });
export type PasswordResetInput = Static<typeof PasswordResetInput>;

export const RESET_LINK_HOURS = 72;

/** Reply of account creation and password reset: the secret is in this reply only. */
export const AccountSecret = Type.Object({
	account: Account,
	temporaryPassword: Type.Optional(Type.String()),
	/** Path of the one-time link, e.g. "/password-reset/<token>" (the client prefixes its origin). */
	resetPath: Type.Optional(Type.String()),
	expiresAt: Type.Optional(DateTime),
});
export type AccountSecret = Static<typeof AccountSecret>;

/** GET /api/password-reset/:token (public): whose password the link sets. */
export const PasswordResetInfo = Type.Object({ username: Type.String(), displayName: Type.String(), expiresAt: DateTime });
export type PasswordResetInfo = Static<typeof PasswordResetInfo>;

/** POST /api/password-reset/:token (public): sets the password once; every session of the user ends. */
export const PasswordResetUse = Type.Object({ newPassword: NewPassword }, { additionalProperties: false });
export type PasswordResetUse = Static<typeof PasswordResetUse>;

export const ResetTokenParams = Type.Object({ token: Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) });
