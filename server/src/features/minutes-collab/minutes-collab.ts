import * as decoding from 'lib0/decoding';
import { Value } from 'typebox/value';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MinutesContent, type MinutesStatus, type MinutesVersionKind, type MinutesVersionView } from '#shared/api/minutes.ts';
import { readContentFromYDoc, writeContentToYDoc } from '#shared/minutes/minutes-ydoc.ts';
import { AppError, InvalidPayloadError, InvalidStateError, NotFoundError, UnavailableError } from '../../lib/errors.ts';
import { SerialQueue } from '../../lib/serial-queue.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import type { MinutesUpdatesRepository } from './minutes-updates.repository.ts';

/** Largest update accepted (HTTP body limit too): a pasted report with tables, far above any typing batch. */
export const MAX_UPDATE_BYTES = 5 * 1024 * 1024;
/** A join's missing part is sent inline up to this size; beyond, the client GETs the state over HTTP. */
export const INLINE_DIFF_BYTES = 32 * 1024;
/** Presence entries one socket may hold (tabs share a socket only in tests; an editor has one doc). */
const MAX_AWARENESS_CLIENTS_PER_HOLDER = 8;

export type MinutesCollabOptions = {
	/** A checkpoint after this many updates since the last one. */
	checkpointEvery?: number;
	/** A checkpoint (and the unloading of a document nobody has open) after this long without an update. */
	idleMs?: number;
	/** At most one periodic ('checkpoint') version per this much editing time. */
	versionIntervalMs?: number;
	now?: () => number;
};

type Logger = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type MinutesCollabEvents = {
	/** A stored update; `origin` is the holder (socket id) that sent it, null for the server's own. */
	updated: [{ minutesId: string; seq: number; update: Uint8Array; origin: string | null }];
	status: [{ minutesId: string; status: MinutesStatus }];
	/** A presence change to relay to the holders other than `origin`. */
	awareness: [{ minutesId: string; update: Uint8Array; origin: string }];
};

type OpenDoc = {
	readonly id: string;
	readonly doc: Y.Doc;
	readonly queue: SerialQueue;
	readonly holders: Set<string>;
	readonly awareness: Awareness;
	/** Which holder sent each presence client id: nobody may speak for another's cursor. */
	readonly awarenessOwners: Map<number, string>;
	seq: number;
	checkpointSeq: number;
	lastVersion: { seq: number; at: number } | null;
	idleTimer: NodeJS.Timeout | null;
	closed: boolean;
};

class PayloadTooLargeError extends AppError {
	constructor(message: string) {
		super('payload_too_large', message, 413);
	}
}

function notEditable(): InvalidStateError {
	return new InvalidStateError('The minutes are no longer a draft; edits are not accepted', { reason: 'minutes_not_editable' });
}

/** The client ids an awareness update speaks for; throws on anything that is not one. */
function awarenessClients(update: Uint8Array): number[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const clients: number[] = [];
	for (let i = 0; i < count; i += 1) {
		clients.push(decoding.readVarUint(decoder));
		decoding.readVarUint(decoder);
		JSON.parse(decoding.readVarString(decoder));
	}
	if (decoding.hasContent(decoder)) {
		throw new Error('trailing bytes');
	}
	return clients;
}

/**
 * The minutes' shared documents, one Y.Doc per minutes that someone has open. Every change is an
 * update appended to the log (seq n+1) BEFORE it is applied in memory, broadcast or acknowledged,
 * so an acknowledged edit survives a crash right after the ack. The changes of one document run
 * one at a time, in seq order. Loading = newest checkpoint + the updates after it.
 */
export class MinutesCollab extends TypedEmitter<MinutesCollabEvents> {
	readonly #repo: MinutesUpdatesRepository;
	readonly #log: Logger;
	readonly #checkpointEvery: number;
	readonly #idleMs: number;
	readonly #versionIntervalMs: number;
	readonly #now: () => number;
	readonly #docs = new Map<string, OpenDoc>();
	readonly #loading = new Map<string, Promise<OpenDoc>>();
	#closed = false;

	constructor(repo: MinutesUpdatesRepository, log: Logger, options: MinutesCollabOptions = {}) {
		super((event, error) => log.error({ err: error, event }, 'minutes collab listener failed'));
		this.#repo = repo;
		this.#log = log;
		this.#checkpointEvery = options.checkpointEvery ?? 200;
		this.#idleMs = options.idleMs ?? 30_000;
		this.#versionIntervalMs = options.versionIntervalMs ?? 10 * 60_000;
		this.#now = options.now ?? Date.now;
	}

	/** Minutes whose document is in memory now (tests, metrics). */
	get openCount(): number {
		return this.#docs.size;
	}

	isOpen(minutesId: string): boolean {
		return this.#docs.has(minutesId);
	}

	// -------------------------------------------------------------------------------------------
	// Loading and the per-document queue

	async #open(minutesId: string): Promise<OpenDoc> {
		if (this.#closed) {
			throw new UnavailableError('The server is shutting down');
		}
		const open = this.#docs.get(minutesId);
		if (open) {
			return open;
		}
		// Concurrent joins share one load: two Y.Docs for one minutes would each miss the other's updates.
		let loading = this.#loading.get(minutesId);
		if (!loading) {
			loading = this.#load(minutesId).finally(() => this.#loading.delete(minutesId));
			this.#loading.set(minutesId, loading);
		}
		return loading;
	}

	async #load(minutesId: string): Promise<OpenDoc> {
		const log = await this.#repo.load(minutesId);
		if (!log) {
			throw new NotFoundError(`No minutes ${minutesId}`);
		}
		const doc = new Y.Doc();
		if (log.checkpoint) {
			Y.applyUpdate(doc, log.checkpoint.state);
		}
		for (const { seq, update } of log.updates) {
			try {
				Y.applyUpdate(doc, update);
			} catch (error) {
				// Updates are checked before they are stored; one that still fails here must not make
				// the whole minutes unloadable. It stays in the log for a person to look at.
				this.#log.error({ err: error, minutesId, seq }, 'stored minutes update could not be applied; skipped');
			}
		}
		const awareness = new Awareness(doc);
		// The server is no participant: only the editors' presence is relayed.
		awareness.setLocalState(null);
		const entry: OpenDoc = {
			id: minutesId,
			doc,
			queue: new SerialQueue(),
			holders: new Set(),
			awareness,
			awarenessOwners: new Map(),
			seq: log.seq,
			checkpointSeq: log.checkpoint?.seq ?? 0,
			lastVersion: log.lastVersion ? { seq: log.lastVersion.seq, at: log.lastVersion.at.getTime() } : null,
			idleTimer: null,
			closed: false,
		};
		this.#docs.set(minutesId, entry);
		this.#armIdle(entry);
		return entry;
	}

	/** Runs `task` in the document's queue, on a loaded document (loaded again if it was unloaded meanwhile). */
	async #run<T>(minutesId: string, task: (entry: OpenDoc) => Promise<T> | T): Promise<T> {
		const entry = await this.#open(minutesId);
		return entry.queue.push(async () => {
			if (entry.closed) {
				return this.#run(minutesId, task);
			}
			return task(entry);
		});
	}

	#armIdle(entry: OpenDoc, ms = this.#idleMs): void {
		if (entry.idleTimer) {
			clearTimeout(entry.idleTimer);
		}
		entry.idleTimer = setTimeout(() => {
			entry.idleTimer = null;
			entry.queue.push(() => this.#idle(entry)).catch((error: unknown) => this.#log.error({ err: error, minutesId: entry.id }, 'minutes checkpoint failed'));
		}, ms);
		entry.idleTimer.unref();
	}

	/** Quiet for a while: checkpoint, maybe a periodic version, and unload when nobody has it open. */
	async #idle(entry: OpenDoc): Promise<void> {
		if (entry.closed) {
			return;
		}
		await this.#checkpoint(entry);
		// Only this task in the queue: nothing waits for the document, so it may go.
		if (entry.holders.size === 0 && entry.queue.pending <= 1) {
			this.#unload(entry);
		}
	}

	#unload(entry: OpenDoc): void {
		entry.closed = true;
		if (entry.idleTimer) {
			clearTimeout(entry.idleTimer);
			entry.idleTimer = null;
		}
		if (this.#docs.get(entry.id) === entry) {
			this.#docs.delete(entry.id);
		}
		entry.awareness.destroy();
		entry.doc.destroy();
	}

	async #checkpoint(entry: OpenDoc): Promise<void> {
		if (entry.seq > entry.checkpointSeq) {
			await this.#repo.saveCheckpoint(entry.id, entry.seq, Y.encodeStateAsUpdate(entry.doc));
			entry.checkpointSeq = entry.seq;
		}
		const last = entry.lastVersion;
		if (entry.seq > (last?.seq ?? 0) && (last === null || this.#now() - last.at >= this.#versionIntervalMs)) {
			// Edited since the last version and that one is old enough: a periodic version, so that
			// a long editing session can be gone back to in steps.
			const status = await this.#repo.status(entry.id);
			if (status === 'draft') {
				await this.#freeze(entry, 'checkpoint', null, '');
			}
		}
	}

	// -------------------------------------------------------------------------------------------
	// Changes

	/** Appends, then applies and tells the others; the seq it was stored as. */
	async #store(entry: OpenDoc, update: Uint8Array, userId: string | null, origin: string | null): Promise<number> {
		const result = await this.#repo.appendUpdate(entry.id, update, userId);
		if ('refused' in result) {
			if (result.refused === 'not_found') {
				throw new NotFoundError(`No minutes ${entry.id}`);
			}
			throw notEditable();
		}
		entry.seq = result.seq;
		try {
			Y.applyUpdate(entry.doc, update);
		} catch (error) {
			// Stored but not applicable: the document in memory may be half-changed, so it is dropped
			// and loaded again from the log (which skips this update) on next use.
			this.#log.error({ err: error, minutesId: entry.id, seq: result.seq }, 'stored minutes update could not be applied');
			this.#unload(entry);
			throw new InvalidPayloadError('The update could not be applied');
		}
		this.safeEmit('updated', { minutesId: entry.id, seq: result.seq, update, origin });
		if (entry.seq - entry.checkpointSeq >= this.#checkpointEvery) {
			await this.#checkpoint(entry);
		}
		this.#armIdle(entry);
		return result.seq;
	}

	/**
	 * Stores one client update (a batch of edits) and applies it: the seq is returned only once the
	 * update is in the database. Refused, with nothing stored, when the minutes are not a draft
	 * (409 minutes_not_editable), the bytes are not a Yjs update, or it is too large.
	 */
	async applyUpdate(minutesId: string, update: Uint8Array, userId: string | null, origin: string | null = null): Promise<{ seq: number }> {
		if (update.byteLength > MAX_UPDATE_BYTES) {
			throw new PayloadTooLargeError(`An update may be at most ${MAX_UPDATE_BYTES / 1024 / 1024} MiB`);
		}
		try {
			Y.decodeUpdate(update);
		} catch {
			throw new InvalidPayloadError('Not a Yjs update');
		}
		return this.#run(minutesId, async (entry) => ({ seq: await this.#store(entry, update, userId, origin) }));
	}

	/**
	 * ONE forward change making the document equal to `content` (a first draft, a restore): an
	 * update like any other, stored before it is applied; the history before it stays as it was.
	 * Freezes a version of `kind` at the result.
	 */
	async replaceContent(
		minutesId: string,
		content: MinutesContent,
		userId: string | null,
		kind: MinutesVersionKind,
		comment = ''
	): Promise<{ seq: number; version: MinutesVersionView }> {
		if (!Value.Check(MinutesContent, content)) {
			throw new InvalidPayloadError('Not minutes content');
		}
		return this.#run(minutesId, async (entry) => {
			// Written on a copy first: the live document changes only after the update is stored.
			const copy = new Y.Doc();
			Y.applyUpdate(copy, Y.encodeStateAsUpdate(entry.doc));
			const updates: Uint8Array[] = [];
			copy.on('update', (u: Uint8Array) => updates.push(u));
			writeContentToYDoc(copy, content);
			copy.destroy();
			const update = updates.length > 1 ? Y.mergeUpdates(updates) : (updates[0] ?? null);
			const seq = update ? await this.#store(entry, update, userId, null) : entry.seq;
			const version = await this.#freeze(entry, kind, userId, comment);
			return { seq, version };
		});
	}

	// -------------------------------------------------------------------------------------------
	// Reading

	/** The whole state as one update, and the seq it includes. */
	async getState(minutesId: string): Promise<{ state: Uint8Array; seq: number }> {
		return this.#run(minutesId, (entry) => ({ state: Y.encodeStateAsUpdate(entry.doc), seq: entry.seq }));
	}

	/**
	 * Sync step for a joining client: what it lacks given its state vector (empty = everything),
	 * and the server's state vector so it can send what the server lacks.
	 */
	async sync(minutesId: string, clientStateVector: Uint8Array): Promise<{ seq: number; stateVector: Uint8Array; diff: Uint8Array }> {
		if (clientStateVector.byteLength > 0) {
			try {
				Y.decodeStateVector(clientStateVector);
			} catch {
				throw new InvalidPayloadError('Not a Yjs state vector', { field: 'stateVector' });
			}
		}
		return this.#run(minutesId, (entry) => ({
			seq: entry.seq,
			stateVector: Y.encodeStateVector(entry.doc),
			diff: clientStateVector.byteLength > 0 ? Y.encodeStateAsUpdate(entry.doc, clientStateVector) : Y.encodeStateAsUpdate(entry.doc),
		}));
	}

	async getContent(minutesId: string): Promise<MinutesContent> {
		return this.#run(minutesId, (entry) => readContentFromYDoc(entry.doc));
	}

	// -------------------------------------------------------------------------------------------
	// Versions

	async #freeze(entry: OpenDoc, kind: MinutesVersionKind, userId: string | null, comment: string): Promise<MinutesVersionView> {
		const json = canonicalJson(readContentFromYDoc(entry.doc));
		const version = await this.#repo.createVersion({
			minutesId: entry.id,
			kind,
			seq: entry.seq,
			state: Y.encodeStateAsUpdate(entry.doc),
			content: json,
			sha256: sha256Hex(json),
			comment,
			createdById: userId,
		});
		entry.lastVersion = { seq: entry.seq, at: this.#now() };
		return version;
	}

	/** Freezes the document as it stands (state, canonical JSON, its SHA-256) under a workflow step. */
	async freezeVersion(minutesId: string, kind: MinutesVersionKind, userId: string | null, comment = ''): Promise<MinutesVersionView> {
		return this.#run(minutesId, (entry) => this.#freeze(entry, kind, userId, comment));
	}

	async listVersions(minutesId: string): Promise<MinutesVersionView[]> {
		return this.#repo.listVersions(minutesId);
	}

	async getVersion(minutesId: string, versionId: string): Promise<{ version: MinutesVersionView; content: MinutesContent } | null> {
		const found = await this.#repo.getVersion(minutesId, versionId);
		return found ? { version: found.version, content: JSON.parse(found.content) as MinutesContent } : null;
	}

	// -------------------------------------------------------------------------------------------
	// Workflow and presence

	/** The workflow moved: open editors are told (and the store refuses edits unless it is a draft). */
	statusChanged(minutesId: string, status: MinutesStatus): void {
		this.safeEmit('status', { minutesId, status });
	}

	/** Keeps the document loaded while `holder` (a socket) has it open. */
	async attach(minutesId: string, holder: string): Promise<void> {
		await this.#run(minutesId, (entry) => {
			entry.holders.add(holder);
		});
	}

	/** `holder` closed the document: its presence is removed for the others; unloaded soon if nobody is left. */
	async detach(minutesId: string, holder: string): Promise<void> {
		const entry = this.#docs.get(minutesId);
		if (!entry) {
			return;
		}
		await entry.queue.push(() => {
			if (entry.closed || !entry.holders.delete(holder)) {
				return;
			}
			const owned = [...entry.awarenessOwners].filter(([, owner]) => owner === holder).map(([client]) => client);
			for (const client of owned) {
				entry.awarenessOwners.delete(client);
			}
			const present = owned.filter((client) => entry.awareness.states.has(client));
			if (present.length > 0) {
				removeAwarenessStates(entry.awareness, present, holder);
				// Same clock, null state: the others drop these clients' cursors.
				this.safeEmit('awareness', { minutesId, update: encodeAwarenessUpdate(entry.awareness, present), origin: holder });
			}
			if (entry.holders.size === 0) {
				// Checkpoint and unload soon rather than after the full idle time: the last editor left.
				this.#armIdle(entry, Math.min(this.#idleMs, 1000));
			}
		});
	}

	/** Relays a holder's presence update to the others; it may speak only for its own client ids. */
	async applyAwareness(minutesId: string, holder: string, update: Uint8Array): Promise<void> {
		let clients: number[];
		try {
			clients = awarenessClients(update);
		} catch {
			throw new InvalidPayloadError('Not an awareness update');
		}
		await this.#run(minutesId, (entry) => {
			if (!entry.holders.has(holder)) {
				throw new InvalidStateError('Join the minutes first');
			}
			const mine = new Set([...entry.awarenessOwners].filter(([, owner]) => owner === holder).map(([client]) => client));
			for (const client of clients) {
				const owner = entry.awarenessOwners.get(client);
				if (owner !== undefined && owner !== holder) {
					throw new InvalidPayloadError('Presence of another editor');
				}
				mine.add(client);
			}
			if (mine.size > MAX_AWARENESS_CLIENTS_PER_HOLDER) {
				throw new InvalidPayloadError('Too many presence entries');
			}
			for (const client of clients) {
				entry.awarenessOwners.set(client, holder);
			}
			applyAwarenessUpdate(entry.awareness, update, holder);
			this.safeEmit('awareness', { minutesId, update, origin: holder });
		});
	}

	/** Everyone's presence now, for a client that just joined; null when nobody has any. */
	async awarenessSnapshot(minutesId: string): Promise<Uint8Array | null> {
		return this.#run(minutesId, (entry) => {
			const clients = [...entry.awareness.getStates().keys()];
			return clients.length > 0 ? encodeAwarenessUpdate(entry.awareness, clients) : null;
		});
	}

	/** Writes the last checkpoints and drops every document; later calls are refused. Idempotent. */
	async close(): Promise<void> {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		await Promise.allSettled([...this.#loading.values()]);
		await Promise.all(
			[...this.#docs.values()].map((entry) =>
				entry.queue
					.push(async () => {
						if (!entry.closed && entry.seq > entry.checkpointSeq) {
							await this.#repo.saveCheckpoint(entry.id, entry.seq, Y.encodeStateAsUpdate(entry.doc));
							entry.checkpointSeq = entry.seq;
						}
					})
					.catch((error: unknown) => this.#log.error({ err: error, minutesId: entry.id }, 'final minutes checkpoint failed'))
					.finally(() => this.#unload(entry))
			)
		);
	}
}
