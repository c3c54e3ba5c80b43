import type { User } from '#shared/api/auth.ts';
import type { MinutesStatus } from '#shared/api/minutes.ts';

/**
 * Who may read and who may edit one minutes now. The minutes workflow decorates the app with its
 * own (fastify.minutesAccess); co-editing asks it on every join and every update, so a submission
 * or a role change takes effect at the next keystroke batch. Refusals may be thrown (404/403 as
 * the workflow decides) or answered with `read: false`.
 */
export type MinutesAccess = (user: User, minutesId: string) => Promise<{ read: boolean; edit: boolean; status: MinutesStatus }>;
