/**
 * Hands out even RTP ports (RTCP on the odd port after) from the recorders' own range, apart from
 * the WebRTC ports, so a recorder never collides with a browser's transport.
 */
export class PortPool {
	readonly #min: number;
	readonly #max: number;
	readonly #taken = new Set<number>();
	#next: number;

	/** `min` and `max` inclusive; `min` is rounded up to even. */
	constructor(min: number, max: number) {
		this.#min = min % 2 === 0 ? min : min + 1;
		this.#max = max;
		if (this.#min + 1 > this.#max) {
			throw new RangeError(`recording port range ${min}-${max} holds no RTP/RTCP pair`);
		}
		this.#next = this.#min;
	}

	get available(): number {
		return Math.floor((this.#max - this.#min + 1) / 2) - this.#taken.size;
	}

	/** An even port whose successor is free too; round-robin so a just-freed pair rests a while. */
	take(): number {
		const pairs = Math.floor((this.#max - this.#min + 1) / 2);
		for (let i = 0; i < pairs; i += 1) {
			const port = this.#next;
			this.#next = port + 2 + 1 > this.#max ? this.#min : port + 2;
			if (!this.#taken.has(port)) {
				this.#taken.add(port);
				return port;
			}
		}
		throw new RangeError('no recording ports left (raise RECORDING_PORT_MAX)');
	}

	release(port: number): void {
		this.#taken.delete(port);
	}
}
