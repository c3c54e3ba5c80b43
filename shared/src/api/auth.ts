import { Type, type Static } from 'typebox';
import { UnitKind } from './units.ts';

/** Roles of an account (the Prisma enum Role spells the same values). */
/** `admin` administers its own unit and every unit below it (before 2026-12 it was spelt district_admin). */
export const USER_ROLES = ['admin', 'chair', 'secretary', 'commune_operator', 'viewer'] as const;
export const UserRole = Type.Enum(USER_ROLES);
export type UserRole = Static<typeof UserRole>;

/** A signed-in person, as the API and the server's features see them (no password hash, no disabled flag). */
export const User = Type.Object({
	id: Type.String(),
	username: Type.String(),
	displayName: Type.String(),
	role: UserRole,
	unit: Type.Object({ id: Type.String(), name: Type.String(), kind: UnitKind }),
});
export type User = Static<typeof User>;

/** POST /api/auth/login body. */
export const LoginInput = Type.Object(
	{ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
	{ additionalProperties: false }
);
export type LoginInput = Static<typeof LoginInput>;

/**
 * Reply of sign-in and of GET /api/auth/session: the user and the CSRF token every write must send
 * (x-csrf-token). With `mustChangePassword` (a temporary password) every other request is refused
 * (403, reason password_change_required) until POST /api/auth/password succeeds.
 */
export const Session = Type.Object({ user: User, csrfToken: Type.String(), mustChangePassword: Type.Boolean() });
export type Session = Static<typeof Session>;

/** Shortest new password: ten characters resist online guessing under the sign-in rate limit and offline scrypt cracking alike. */
export const MIN_PASSWORD_LENGTH = 10;

/** Shortest username looked for inside a new password: "ab" inside a password says nothing about guessing it. */
export const MIN_USERNAME_IN_PASSWORD = 3;

/** POST /api/auth/password body. Every other session of the user ends. */
export const PasswordChangeInput = Type.Object(
	{
		currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
		newPassword: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 }),
	},
	{ additionalProperties: false }
);
export type PasswordChangeInput = Static<typeof PasswordChangeInput>;
