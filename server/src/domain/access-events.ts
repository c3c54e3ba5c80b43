/**
 * Changes that take access away from someone who may be connected right now. Publishers (meetings,
 * accounts, auth) do not know who is connected; subscribers (the conference removes sites, the
 * socket layer disconnects sessions) act on them. `publish` resolves after every subscriber has
 * acted, so an HTTP answer to "renew this link" means the old link's site is already out.
 */
export type AccessEvents = {
	/**
	 * A unit's join link stopped working: `renewed` (a new link replaced it; sites that joined with
	 * the old link leave, the unit's signed-in users stay) or `uninvited` (the unit was taken off the
	 * invitation list; every site of the unit leaves).
	 */
	'invitation:revoked': { meetingId: string; unitId: string; reason: 'renewed' | 'uninvited' };
	/** Units were invited or withdrawn (published after any invitation:revoked): the live roll call lists the new set. */
	'invitations:changed': { meetingId: string };
	/** The meeting was cancelled: every site in its room leaves. */
	'meeting:cancelled': { meetingId: string };
	/** The account can no longer sign in: its sessions end and its sites leave every meeting. */
	'user:disabled': { userId: string };
	/**
	 * Sessions that ended on the server side (sign-out, password change or reset, expiry, account
	 * disabled, role or unit changed): their sockets are disconnected. `sessionIds` are the stored
	 * (hashed) session ids.
	 */
	'sessions:ended': {
		userId: string;
		sessionIds: string[];
		reason: 'logout' | 'password-changed' | 'password-reset' | 'expired' | 'disabled' | 'account-changed';
	};
};

export type AccessEventName = keyof AccessEvents;
type Listener<K extends AccessEventName> = (payload: AccessEvents[K]) => Promise<void> | void;

export class AccessEventBus {
	readonly #listeners = new Map<AccessEventName, Set<Listener<never>>>();
	readonly #onListenerError: (event: string, error: unknown) => void;

	constructor(onListenerError: (event: string, error: unknown) => void) {
		this.#onListenerError = onListenerError;
	}

	/** Returns the unsubscribe function. */
	on<K extends AccessEventName>(event: K, listener: Listener<K>): () => void {
		let set = this.#listeners.get(event);
		if (!set) {
			set = new Set();
			this.#listeners.set(event, set);
		}
		set.add(listener);
		return () => set.delete(listener);
	}

	/**
	 * Runs every subscriber and waits for all of them. A failing subscriber is logged, never thrown
	 * to the publisher: the revocation itself is already stored, and the next request of a revoked
	 * site is refused anyway.
	 */
	async publish<K extends AccessEventName>(event: K, payload: AccessEvents[K]): Promise<void> {
		const listeners = [...(this.#listeners.get(event) ?? [])] as Listener<K>[];
		const results = await Promise.allSettled(listeners.map(async (listener) => listener(payload)));
		for (const result of results) {
			if (result.status === 'rejected') {
				this.#onListenerError(event, result.reason);
			}
		}
	}
}
