import type { ConferenceRegistry } from './conference-registry.ts';
import type { ConferenceRepository } from './conference.repository.ts';

type Log = { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type MeetingLifecycleOptions = {
	registry: ConferenceRegistry;
	repo: ConferenceRepository;
	log: Log;
	/** A live meeting nobody has been in for this long ends. */
	emptyEndMs: number;
	/** After its planned end plus this, a live meeting ends as soon as nobody is in it. */
	endGraceMs: number;
	/** How often live meetings are checked. */
	sweepMs: number;
};

/**
 * Makes every live meeting end, even one the chair never ended: it ends once it has been empty
 * for `emptyEndMs`, or at once when empty after its planned end plus `endGraceMs`.
 *
 * After a crash the database may show meetings `live` with sites still present. Those sites'
 * leaves are recorded as `server-restart` at startup, and the meetings stay live: browsers
 * reconnect by themselves within seconds and carry on in a fresh room, which is what a district
 * wants from a server restarted in the middle of its meeting. If nobody comes back, the same
 * rules end the meeting (the empty time counts from the restart).
 */
export class MeetingLifecycle {
	readonly #options: MeetingLifecycleOptions;
	#timer: NodeJS.Timeout | undefined;
	#sweeping: Promise<void> | undefined;
	#closed = false;

	constructor(options: MeetingLifecycleOptions) {
		this.#options = options;
	}

	async start(): Promise<void> {
		await this.#recoverFromRestart();
		this.#timer = setInterval(() => {
			if (!this.#sweeping) {
				this.#sweeping = this.sweep()
					.catch((error: unknown) => this.#options.log.error({ err: error }, 'meeting lifecycle sweep failed'))
					.finally(() => {
						this.#sweeping = undefined;
					});
			}
		}, this.#options.sweepMs);
		this.#timer.unref();
	}

	/** Ends the live meetings that are due; returns once they are ended. */
	async sweep(now = Date.now()): Promise<void> {
		const { registry, repo, log, emptyEndMs, endGraceMs } = this.#options;
		const live = await repo.listLive();
		registry.retainOnly(live.map((m) => m.id));
		for (const meeting of live) {
			if (this.#closed) {
				return;
			}
			const emptySince = registry.emptySince(meeting.id);
			if (emptySince === null) {
				continue;
			}
			const reason = now >= meeting.endsAt.getTime() + endGraceMs ? 'planned-end' : now - emptySince >= emptyEndMs ? 'empty' : null;
			if (reason && (await registry.endIfIdle(meeting.id, reason))) {
				log.info({ meetingId: meeting.id, reason }, 'meeting ended by itself');
			}
		}
	}

	async close(): Promise<void> {
		this.#closed = true;
		clearInterval(this.#timer);
		await this.#sweeping;
	}

	async #recoverFromRestart(): Promise<void> {
		const { repo, log } = this.#options;
		const at = new Date();
		for (const meeting of await repo.listLive()) {
			const present = await repo.unitsStillPresent(meeting.id);
			for (const unitId of present) {
				await repo.recordLeave(meeting.id, unitId, 'server-restart', at);
			}
			if (present.length > 0) {
				log.info({ meetingId: meeting.id, sites: present.length }, 'meeting left live by a restart: leaves recorded, sites may rejoin');
			}
		}
	}
}
