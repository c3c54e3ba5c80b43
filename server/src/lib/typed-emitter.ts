import { EventEmitter } from 'node:events';

type Events = Record<string, unknown[]>;

/**
 * EventEmitter with a typed event map (tuples of listener arguments), after mediasoup's
 * EnhancedEventEmitter. safeEmit keeps a throwing listener from unwinding into the emitter.
 */
export class TypedEmitter<E extends Events> {
	readonly #emitter = new EventEmitter();
	readonly #onListenerError: (event: string, error: unknown) => void;

	constructor(onListenerError: (event: string, error: unknown) => void = () => undefined) {
		this.#onListenerError = onListenerError;
	}

	on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
		this.#emitter.on(event, listener as (...args: unknown[]) => void);
		return this;
	}

	once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
		this.#emitter.once(event, listener as (...args: unknown[]) => void);
		return this;
	}

	off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
		this.#emitter.off(event, listener as (...args: unknown[]) => void);
		return this;
	}

	safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): void {
		for (const listener of this.#emitter.listeners(event)) {
			try {
				(listener as (...a: E[K]) => void)(...args);
			} catch (error) {
				this.#onListenerError(event, error);
			}
		}
	}
}
