import { Type, type Static } from 'typebox';
import { DisplayName, NewPassword, Username } from './accounts.ts';
import { HostUnitKind } from './units.ts';

/** GET /api/setup (public): whether the first-run setup is still open (no unit exists yet). */
export const SetupState = Type.Object({ needed: Type.Boolean() });
export type SetupState = Static<typeof SetupState>;

/**
 * POST /api/setup (public, once): the host unit and its first administrator. `token` is the one
 * printed by `npm start` on an empty database; it is valid until used (or the server restarts, which
 * prints a new one). The reply signs the administrator in (session cookie), like a login.
 */
export const SetupInput = Type.Object(
	{
		token: Type.String({ minLength: 16, maxLength: 128 }),
		unit: Type.Object(
			{
				kind: HostUnitKind,
				name: Type.String({ minLength: 1, maxLength: 120 }),
				authority: Type.String({ minLength: 1, maxLength: 160 }),
				code: Type.Optional(Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9._-]+$' })),
			},
			{ additionalProperties: false }
		),
		admin: Type.Object({ username: Username, displayName: DisplayName, password: NewPassword }, { additionalProperties: false }),
	},
	{ additionalProperties: false }
);
export type SetupInput = Static<typeof SetupInput>;
