/**
 * Runs tasks one at a time in the order they were pushed, like mediasoup-demo's AwaitQueue: a
 * task that awaits (a database write, a mediasoup request) keeps every later task waiting, so
 * state checked at the start of a task is still true when the task changes it.
 * A failed task rejects its own promise only; the next task runs regardless.
 */
export class SerialQueue {
	#tail: Promise<unknown> = Promise.resolve();
	#pending = 0;

	/** Tasks pushed and not yet finished, the running one included. */
	get pending(): number {
		return this.#pending;
	}

	push<T>(task: () => Promise<T> | T): Promise<T> {
		this.#pending += 1;
		const run = this.#tail.then(task).finally(() => {
			this.#pending -= 1;
		});
		this.#tail = run.catch(() => undefined);
		return run;
	}

	/** Resolves once every task pushed so far has finished. */
	async drain(): Promise<void> {
		await this.push(() => undefined);
	}
}
