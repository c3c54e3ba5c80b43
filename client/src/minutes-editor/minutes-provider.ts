import { fromBase64, toBase64 } from 'lib0/buffer';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ApiError } from '../api/http.ts';
import { RequestError, request, type AppSocket } from '../signaling/socket.ts';

/**
 * A small Yjs provider on the page's own socket.io connection (cookie session, CSRF-bound
 * handshake, reconnection), for one minutes:
 *
 * - initial load over HTTP (GET /api/minutes/:id/state: the whole state can exceed a socket
 *   message), then `minutes:join` with our state vector, which returns what we lack;
 * - every local change (any origin but this provider) is queued; the queue is merged and sent
 *   every BATCH_MS, and an entry leaves the queue only when the server acknowledged it, which it
 *   does after storing it. A batch too large for a socket message goes over HTTP instead;
 * - after a reconnection the provider joins again and resends the queue: Yjs updates are
 *   idempotent, so a batch whose ack was lost is merely stored twice;
 * - the queue is mirrored in sessionStorage, so unsent edits survive a reload or a crash of the
 *   tab and are sent when the minutes are opened again;
 * - presence (y-protocols awareness) is relayed over `minutes:awareness`, never stored.
 */

/** Local edits are gathered this long before a batch is sent: typing fits the socket rate limit. */
const BATCH_MS = 300;
/**
 * Larger batches go over HTTP. The socket schema caps an update at 48 KiB of base64 (36 KiB of
 * bytes); 32 KiB leaves room for the rest of the message.
 */
const SOCKET_MAX_BYTES = 32 * 1024;
/** Retry pace after a failed send while the connection holds (the server busy or restarting). */
const RETRY_MS = [1000, 2000, 5000, 10000] as const;
/** Presence is sent at most this often; caret moves in between are merged into the last state. */
const AWARENESS_MS = 250;

export type ProviderPhase = 'loading' | 'ready' | 'failed';

export type ProviderState = {
	phase: ProviderPhase;
	/** The socket is connected and joined to the minutes. */
	online: boolean;
	/** Local changes not yet acknowledged as stored (queued or in flight). */
	pending: number;
	/** A batch is being sent. */
	sending: boolean;
	/** The workflow status ('draft', 'submitted', …) as the server last said. */
	status: string;
	/** The server lets this user edit (role, unit, status 'draft'). */
	canEdit: boolean;
	/** The last stored seq we know of. */
	seq: number;
	/** Why loading failed, or why the queue cannot be sent (refused by the server); null otherwise. */
	error: unknown;
};

export type ProviderOptions = {
	/** The session's CSRF token for HTTP writes. */
	csrfToken: () => string;
	/** Test seam: where the initial state and big updates go. */
	fetch?: typeof fetch;
};

/** Origin of the changes the provider itself applies (remote and restored ones): never queued. */
const REMOTE = Symbol('minutes-remote');

const pendingKey = (minutesId: string) => `giaoban.minutes.pending.${minutesId}`;

/** Whether `a` has anything `b` lacks (some client's clock ahead). */
function ahead(a: Map<number, number>, b: Map<number, number>): boolean {
	for (const [client, clock] of a) {
		if (clock > (b.get(client) ?? 0)) {
			return true;
		}
	}
	return false;
}

export class MinutesProvider {
	readonly doc: Y.Doc;
	readonly awareness: Awareness;
	readonly minutesId: string;
	private readonly socket: AppSocket;
	private readonly options: ProviderOptions;
	private readonly fetchFn: typeof fetch;
	private queue: Uint8Array[] = [];
	/** Entries at the head of the queue that are in flight. */
	private inFlight = 0;
	private flushTimer: ReturnType<typeof setTimeout> | null = null;
	private retry = 0;
	private joined = false;
	private joining: Promise<void> | null = null;
	private destroyed = false;
	/** Refused by the server (not editable, forbidden, invalid): stop sending, keep the queue. */
	private refused: unknown = null;
	private awarenessTimer: ReturnType<typeof setTimeout> | null = null;
	private state: ProviderState = { phase: 'loading', online: false, pending: 0, sending: false, status: 'draft', canEdit: false, seq: 0, error: null };
	private readonly listeners = new Set<() => void>();
	private readonly statusListeners = new Set<(status: string) => void>();

	constructor(socket: AppSocket, minutesId: string, options: ProviderOptions) {
		this.socket = socket;
		this.minutesId = minutesId;
		this.options = options;
		this.fetchFn = options.fetch ?? fetch.bind(window);
		this.doc = new Y.Doc();
		this.awareness = new Awareness(this.doc);
		this.doc.on('update', this.onDocUpdate);
		this.awareness.on('update', this.onAwarenessUpdate);
		socket.on('connect', this.onConnect);
		socket.on('disconnect', this.onDisconnect);
		socket.on('minutes:updated', this.onRemoteUpdate);
		socket.on('minutes:awareness', this.onRemoteAwareness);
		socket.on('minutes:status', this.onStatus);
		window.addEventListener('beforeunload', this.onBeforeUnload);
	}

	// --- state for React (useSyncExternalStore) -------------------------------------------------

	getState = (): ProviderState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	/** Called with every status the server announces (the page reloads its view, maybe read-only). */
	onStatusChange(listener: (status: string) => void): () => void {
		this.statusListeners.add(listener);
		return () => this.statusListeners.delete(listener);
	}

	private set(patch: Partial<ProviderState>): void {
		const next = { ...this.state, ...patch, pending: this.queue.length, sending: this.inFlight > 0 };
		const keys = Object.keys(next) as (keyof ProviderState)[];
		if (keys.some((key) => next[key] !== this.state[key])) {
			this.state = next;
			this.listeners.forEach((listener) => listener());
		}
	}

	// --- loading and joining ---------------------------------------------------------------------

	/** Loads the stored state, restores unsent edits of an earlier visit, then joins. */
	async start(): Promise<void> {
		try {
			const seq = await this.loadState();
			if (this.destroyed) {
				return;
			}
			this.restorePending();
			this.set({ phase: 'ready', seq });
			if (this.socket.connected) {
				await this.join();
			}
		} catch (error) {
			if (!this.destroyed) {
				this.set({ phase: 'failed', error });
			}
		}
	}

	/** GET the whole stored state and apply it; returns the seq it holds. */
	private async loadState(): Promise<number> {
		let response: Response;
		try {
			response = await this.fetchFn(`/api/minutes/${this.minutesId}/state`, { credentials: 'same-origin' });
		} catch (error) {
			throw new ApiError('network', error instanceof Error ? error.message : 'network error', 0);
		}
		if (!response.ok) {
			const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string; reason?: string };
			throw new ApiError((body.code ?? 'internal') as ApiError['code'], body.message ?? response.statusText, response.status, { reason: body.reason as ApiError['reason'] });
		}
		const state = new Uint8Array(await response.arrayBuffer());
		Y.applyUpdate(this.doc, state, REMOTE);
		return Number(response.headers.get('x-minutes-seq') ?? 0);
	}

	/** Unsent edits of an earlier visit of this tab: applied as local changes, so they are queued again. */
	private restorePending(): void {
		let stored: string | null = null;
		try {
			stored = sessionStorage.getItem(pendingKey(this.minutesId));
		} catch {
			return;
		}
		if (!stored) {
			return;
		}
		try {
			Y.applyUpdate(this.doc, fromBase64(stored), 'restored-pending');
		} catch {
			// Not a Yjs update (storage tampered with or from an older build): nothing to resend.
		}
		// What the server already had (stored before a lost ack) queues nothing: storage follows the queue.
		this.mirrorQueue();
	}

	/** Joins (or joins again after a reconnection): exchange what either side lacks, then resend the queue. */
	private join(): Promise<void> {
		if (this.joining) {
			return this.joining;
		}
		this.joining = (async () => {
			try {
				const reply = await request(this.socket, 'minutes:join', {
					minutesId: this.minutesId,
					stateVector: toBase64(Y.encodeStateVector(this.doc)),
				});
				if (this.destroyed) {
					return;
				}
				if (reply.update !== null) {
					Y.applyUpdate(this.doc, fromBase64(reply.update), REMOTE);
				}
				const serverVector = Y.decodeStateVector(fromBase64(reply.stateVector));
				// The diff did not fit a socket message: fetch the whole state (idempotent).
				if (reply.update === null && ahead(serverVector, Y.decodeStateVector(Y.encodeStateVector(this.doc)))) {
					await this.loadState();
				}
				// Changes the server lacks that are not in the queue (should not happen, but a lost
				// queue must not mean a lost edit): queue the difference.
				if (ahead(Y.decodeStateVector(Y.encodeStateVector(this.doc)), serverVector) && this.queue.length === 0) {
					this.enqueue(Y.encodeStateAsUpdate(this.doc, fromBase64(reply.stateVector)));
				}
				this.joined = true;
				this.retry = 0;
				this.set({ online: true, canEdit: reply.canEdit, status: reply.status, seq: Math.max(this.state.seq, reply.seq), error: null });
				this.sendAwareness(true);
				this.scheduleFlush(0);
			} catch (error) {
				if (this.destroyed) {
					return;
				}
				if (error instanceof RequestError && error.code === 'unavailable') {
					// No answer: the next 'connect' or retry joins again.
					setTimeout(() => {
						if (!this.destroyed && this.socket.connected && !this.joined) {
							void this.join();
						}
					}, RETRY_MS[Math.min(this.retry++, RETRY_MS.length - 1)]);
					return;
				}
				this.set({ phase: 'failed', error });
			} finally {
				this.joining = null;
			}
		})();
		return this.joining;
	}

	private onConnect = (): void => {
		if (this.state.phase === 'ready') {
			void this.join();
		}
	};

	private onDisconnect = (): void => {
		this.joined = false;
		// Whoever was there may have left meanwhile; their presence comes back with their next update.
		const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
		removeAwarenessStates(this.awareness, others, REMOTE);
		this.set({ online: false });
	};

	// --- local changes ---------------------------------------------------------------------------

	private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
		if (origin === REMOTE) {
			return;
		}
		this.enqueue(update);
	};

	private enqueue(update: Uint8Array): void {
		this.queue.push(update);
		this.mirrorQueue();
		this.set({});
		this.scheduleFlush(BATCH_MS);
	}

	/** Keeps the unsent changes in sessionStorage (one merged update), or removes them once all are stored. */
	private mirrorQueue(): void {
		try {
			if (this.queue.length === 0) {
				sessionStorage.removeItem(pendingKey(this.minutesId));
			} else {
				sessionStorage.setItem(pendingKey(this.minutesId), toBase64(Y.mergeUpdates(this.queue)));
			}
		} catch {
			// Storage full or disabled: the indicator and the unload warning still protect the edits.
		}
	}

	private scheduleFlush(delay: number): void {
		if (this.flushTimer !== null || this.destroyed) {
			return;
		}
		this.flushTimer = setTimeout(() => {
			this.flushTimer = null;
			void this.flush();
		}, delay);
	}

	/** Sends the queue as one merged update; entries leave the queue only once the server stored them. */
	private async flush(): Promise<void> {
		// Not joined (or the socket is down): the join that follows the reconnection flushes.
		if (this.inFlight > 0 || this.queue.length === 0 || !this.joined || !this.socket.connected || this.refused !== null || this.destroyed) {
			return;
		}
		const merged = this.queue.length === 1 ? this.queue[0]! : Y.mergeUpdates(this.queue);
		// The merged batch replaces its parts: a retry sends the same bytes.
		this.queue = [merged];
		this.inFlight = 1;
		this.set({});
		try {
			const seq = merged.byteLength > SOCKET_MAX_BYTES ? await this.postUpdate(merged) : (await request(this.socket, 'minutes:update', { minutesId: this.minutesId, update: toBase64(merged) })).seq;
			this.queue.shift();
			this.inFlight = 0;
			this.retry = 0;
			this.mirrorQueue();
			this.set({ seq: Math.max(this.state.seq, seq), error: null });
			if (this.queue.length > 0) {
				this.scheduleFlush(0);
			}
		} catch (error) {
			this.inFlight = 0;
			if (this.destroyed) {
				return;
			}
			if (error instanceof RequestError && error.code === 'invalid_state' && error.reason === undefined) {
				// The server no longer counts this socket as joined (it reconnected meanwhile): join again, which resends.
				this.joined = false;
				this.set({});
				void this.join();
				return;
			}
			if (isTransient(error)) {
				this.set({});
				this.scheduleFlush(RETRY_MS[Math.min(this.retry++, RETRY_MS.length - 1)]!);
				return;
			}
			// Refused (no longer a draft, no right to edit, an update the server cannot read): stop,
			// keep the edits in the queue and storage, and say so.
			this.refused = error;
			const notEditable = (error instanceof RequestError || error instanceof ApiError) && error.reason === 'minutes_not_editable';
			this.set({ error, ...(notEditable ? { canEdit: false } : {}) });
		}
	}

	private async postUpdate(update: Uint8Array): Promise<number> {
		let response: Response;
		try {
			response = await this.fetchFn(`/api/minutes/${this.minutesId}/updates`, {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': this.options.csrfToken() },
				body: update as Uint8Array<ArrayBuffer>,
			});
		} catch (error) {
			throw new ApiError('network', error instanceof Error ? error.message : 'network error', 0);
		}
		const body = (await response.json().catch(() => ({}))) as { seq?: number; code?: string; message?: string; reason?: string; field?: string };
		if (!response.ok || typeof body.seq !== 'number') {
			throw new ApiError((body.code ?? 'internal') as ApiError['code'], body.message ?? response.statusText, response.status, { reason: body.reason as ApiError['reason'], field: body.field });
		}
		return body.seq;
	}

	// --- remote changes --------------------------------------------------------------------------

	private onRemoteUpdate = (message: { minutesId: string; seq: number; update: string }): void => {
		if (message.minutesId !== this.minutesId || this.state.phase !== 'ready') {
			return;
		}
		Y.applyUpdate(this.doc, fromBase64(message.update), REMOTE);
		this.set({ seq: Math.max(this.state.seq, message.seq) });
		// An update that depends on one we never got (a gap): exchange state vectors again.
		if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) {
			this.joined = false;
			void this.join();
		}
	};

	private onStatus = (message: { minutesId: string; status: string }): void => {
		if (message.minutesId !== this.minutesId) {
			return;
		}
		this.set({ status: message.status, ...(message.status === 'draft' ? {} : { canEdit: false }) });
		this.statusListeners.forEach((listener) => listener(message.status));
	};

	// --- presence --------------------------------------------------------------------------------

	private onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
		if (origin === REMOTE) {
			return;
		}
		if ([...added, ...updated, ...removed].includes(this.doc.clientID)) {
			this.sendAwareness(false);
		}
	};

	/** Sends our presence, at most every AWARENESS_MS (the last state wins). */
	private sendAwareness(now: boolean): void {
		if (this.awarenessTimer !== null && !now) {
			return;
		}
		const send = (): void => {
			this.awarenessTimer = null;
			if (!this.joined || this.destroyed) {
				return;
			}
			const update = toBase64(encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
			// Presence is a hint: a lost one is replaced by the next (or the 15 s renewal).
			request(this.socket, 'minutes:awareness', { minutesId: this.minutesId, update }).catch(() => undefined);
		};
		if (now) {
			if (this.awarenessTimer !== null) {
				clearTimeout(this.awarenessTimer);
			}
			send();
			return;
		}
		this.awarenessTimer = setTimeout(send, AWARENESS_MS);
	}

	private onRemoteAwareness = (message: { minutesId: string; update: string }): void => {
		if (message.minutesId !== this.minutesId) {
			return;
		}
		try {
			applyAwarenessUpdate(this.awareness, fromBase64(message.update), REMOTE);
		} catch {
			// A malformed presence message from another client changes nothing here.
		}
	};

	// --- leaving ---------------------------------------------------------------------------------

	private onBeforeUnload = (event: BeforeUnloadEvent): void => {
		if (this.queue.length > 0) {
			// The browser shows its own "leave site?" text; the queue is also in sessionStorage.
			event.preventDefault();
		}
	};

	/** Whether every local change is stored. */
	get saved(): boolean {
		return this.queue.length === 0;
	}

	destroy(): void {
		if (this.destroyed) {
			return;
		}
		// Tell the others we left before we stop listening.
		this.awareness.setLocalState(null);
		if (this.joined) {
			const update = toBase64(encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
			request(this.socket, 'minutes:awareness', { minutesId: this.minutesId, update }).catch(() => undefined);
			request(this.socket, 'minutes:leave', {}).catch(() => undefined);
		}
		this.destroyed = true;
		this.mirrorQueue();
		if (this.flushTimer !== null) {
			clearTimeout(this.flushTimer);
		}
		if (this.awarenessTimer !== null) {
			clearTimeout(this.awarenessTimer);
		}
		this.socket.off('connect', this.onConnect);
		this.socket.off('disconnect', this.onDisconnect);
		this.socket.off('minutes:updated', this.onRemoteUpdate);
		this.socket.off('minutes:awareness', this.onRemoteAwareness);
		this.socket.off('minutes:status', this.onStatus);
		window.removeEventListener('beforeunload', this.onBeforeUnload);
		this.awareness.destroy();
		this.doc.off('update', this.onDocUpdate);
		this.doc.destroy();
		this.listeners.clear();
		this.statusListeners.clear();
	}
}

/** A failure worth retrying: no answer, network down, server busy or restarting. */
function isTransient(error: unknown): boolean {
	if (error instanceof RequestError) {
		return error.code === 'unavailable' || error.code === 'rate_limited' || error.code === 'internal';
	}
	if (error instanceof ApiError) {
		return error.code === 'network' || error.status === 0 || error.status === 429 || error.status >= 500;
	}
	return false;
}
