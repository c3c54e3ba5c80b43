import { Type, type Static } from 'typebox';

/** A person who may chair a meeting: an item of GET /api/accounts/chairs and a meeting's chair. */
export const Chair = Type.Object({ id: Type.String(), displayName: Type.String() });
export type Chair = Static<typeof Chair>;
