import type { User } from '#shared/api/auth.ts';
import { onDisconnect, onRequest } from '../../lib/define-handler.ts';
import { ForbiddenError, InvalidStateError, NotFoundError, UnauthorizedError } from '../../lib/errors.ts';
import type { AppSocket } from '../../plugins/app/socket-io.ts';
import type { MinutesAccess } from './minutes-collab-access.ts';
import { INLINE_DIFF_BYTES, type MinutesCollab } from './minutes-collab.ts';

export type MinutesCollabContext = {
	collab: MinutesCollab;
	/** Asked anew on every request: the workflow's rule once it is decorated. */
	access: () => MinutesAccess;
};

export const minutesRoom = (minutesId: string): string => `minutes:${minutesId}`;

export function fromBase64(text: string): Uint8Array {
	const bytes = Buffer.from(text, 'base64');
	return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function toBase64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function signedIn(socket: AppSocket): User {
	const user = socket.data.user;
	if (!user) {
		throw new UnauthorizedError();
	}
	return user;
}

/** The user's rights on the minutes, or 404 when they may not read them (or the rule's own refusal). */
export async function readable(access: MinutesAccess, user: User, minutesId: string): Promise<Awaited<ReturnType<MinutesAccess>>> {
	const rights = await access(user, minutesId);
	if (!rights.read) {
		throw new NotFoundError(`No minutes ${minutesId}`);
	}
	return rights;
}

/** Edit rights now, or why not: not a draft any more (409 minutes_not_editable) or not a writer (403). */
export async function editable(access: MinutesAccess, user: User, minutesId: string): Promise<void> {
	const rights = await readable(access, user, minutesId);
	if (rights.edit) {
		return;
	}
	if (rights.status !== 'draft') {
		throw new InvalidStateError('The minutes are no longer a draft; edits are not accepted', { reason: 'minutes_not_editable' });
	}
	throw new ForbiddenError('Only a secretary of the host unit edits the minutes');
}

/**
 * Co-editing over the app's socket: a socket follows at most one minutes (room `minutes:<id>`).
 * Access is asked on every request, so a submission or a lost role stops the next batch; each
 * update is acknowledged with its seq only once stored. Typing batches (about 3 a second) and
 * presence fit define-handler's rate limit, so no exemption is made.
 */
export function registerMinutesCollabHandlers(ctx: MinutesCollabContext, socket: AppSocket): void {
	let joined: string | null = null;
	const holder = socket.id;

	const leave = async (): Promise<void> => {
		if (joined === null) {
			return;
		}
		const minutesId = joined;
		joined = null;
		await socket.leave(minutesRoom(minutesId));
		await ctx.collab.detach(minutesId, holder);
	};

	const joinedTo = (minutesId: string): void => {
		if (joined !== minutesId) {
			throw new InvalidStateError('Join the minutes first (minutes:join)');
		}
	};

	onRequest(socket, 'minutes:join', async ({ minutesId, stateVector }) => {
		const user = signedIn(socket);
		const rights = await readable(ctx.access(), user, minutesId);
		await leave();
		await ctx.collab.attach(minutesId, holder);
		joined = minutesId;
		// In the room before the diff is taken: an update stored after it reaches this socket as
		// minutes:updated (possibly before this ack; Yjs applies it in any order).
		await socket.join(minutesRoom(minutesId));
		let synced: Awaited<ReturnType<MinutesCollab['sync']>>;
		try {
			synced = await ctx.collab.sync(minutesId, fromBase64(stateVector));
		} catch (error) {
			await leave();
			throw error;
		}
		// The others' presence, once the client has its join answer.
		setImmediate(() => {
			if (joined !== minutesId) {
				return;
			}
			ctx.collab.awarenessSnapshot(minutesId).then(
				(presence) => {
					if (presence && joined === minutesId) {
						socket.emit('minutes:awareness', { minutesId, update: toBase64(presence) });
					}
				},
				(error: unknown) => socket.data.log.warn({ err: error, minutesId }, 'minutes presence snapshot failed')
			);
		});
		return {
			seq: synced.seq,
			stateVector: toBase64(synced.stateVector),
			update: synced.diff.byteLength <= INLINE_DIFF_BYTES ? toBase64(synced.diff) : null,
			canEdit: rights.edit,
			status: rights.status,
		};
	});

	onRequest(socket, 'minutes:leave', async () => {
		await leave();
		return {};
	});

	onRequest(socket, 'minutes:update', async ({ minutesId, update }) => {
		const user = signedIn(socket);
		joinedTo(minutesId);
		await editable(ctx.access(), user, minutesId);
		return ctx.collab.applyUpdate(minutesId, fromBase64(update), user.id, holder);
	});

	onRequest(socket, 'minutes:awareness', async ({ minutesId, update }) => {
		const user = signedIn(socket);
		joinedTo(minutesId);
		await readable(ctx.access(), user, minutesId);
		await ctx.collab.applyAwareness(minutesId, holder, fromBase64(update));
		return {};
	});

	onDisconnect(socket, leave);
}
