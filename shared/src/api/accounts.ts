import { Type, type Static } from 'typebox';
import { User } from './auth.ts';

/** A person who may chair a meeting: an item of GET /api/accounts/chairs and a meeting's chair. */
export const Chair = Type.Object({ id: Type.String(), displayName: Type.String() });
export type Chair = Static<typeof Chair>;

/** Path parameters of /api/accounts/:id/…. */
export const AccountParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });

/** An account as its administrator sees it: reply of POST /api/accounts/:id/disable and /enable. */
export const Account = Type.Object({ ...User.properties, disabled: Type.Boolean() });
export type Account = Static<typeof Account>;
