import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TypedEmitter } from '../../lib/typed-emitter.ts';

/**
 * A closed segment, as ffmpeg's segment list reports it: seconds from the run's first packet, and
 * its index in the run (from ffmpeg's own file name, so it cannot drift from the file).
 */
export type ClosedSegment = { file: string; sequence: number; startSec: number; endSec: number };

export type RecorderExit = { code: number | null; signal: NodeJS.Signals | null; stderrTail: string };

export type SegmentRecorderEvents = {
	segment: [ClosedSegment];
	/** The ffmpeg process ended (stopped, crashed, killed, or its input timed out); after the last segment. */
	exit: [RecorderExit];
};

export type SegmentRecorderOptions = {
	/** The SDP ffmpeg reads (recordingSdp). */
	sdp: string;
	/** Folder for this run's files; created by the caller. */
	dir: string;
	/** File name prefix of this run: segments are <prefix>-00000.mkv, … */
	prefix: string;
	segmentSeconds: number;
	ffmpegPath?: string;
	/** Grace after SIGINT before SIGKILL. */
	stopTimeoutMs?: number;
};

const STDERR_TAIL = 4000;

/**
 * ffmpeg ends its input this long (s) after the last packet, and then closes the open segment
 * properly: the only way it keeps that segment when no packet comes any more (a site that left,
 * its producer closed). A SIGINT is seen between packets only, and a second one, which interrupts
 * the waiting read, makes ffmpeg exit without writing the segment (measured with Debian's 5.1).
 * A sender quiet for longer (a stalled link) ends the run, and the manager starts another.
 */
export const INPUT_TIMEOUT_S = 3;

/**
 * stop() sends its second SIGINT (which loses the open segment) this long after the first: the
 * input timeout plus time for ffmpeg to write the segment and exit on a loaded machine.
 */
export const SECOND_SIGINT_MS = INPUT_TIMEOUT_S * 1000 + 3000;

/**
 * One ffmpeg process that receives plain RTP (as the SDP says) and copies it, without re-encoding,
 * into short Matroska segments. A crash of ffmpeg, Node or the host loses at most the open segment:
 * each closed one has its trailer. Closed segments are reported from ffmpeg's segment list (CSV,
 * one line appended per closed segment), polled while the process runs and read once more after
 * it exits. `stop()` asks ffmpeg to finish (SIGINT writes the last trailer) and is idempotent.
 */
export class SegmentRecorder extends TypedEmitter<SegmentRecorderEvents> {
	readonly listFile: string;
	readonly #options: Required<SegmentRecorderOptions>;
	readonly #process: ChildProcess;
	readonly #exited: Promise<RecorderExit>;
	readonly #reported = new Set<string>();
	#poll: NodeJS.Timeout | undefined;
	#stderr = '';
	#stopping: Promise<void> | undefined;

	private constructor(options: Required<SegmentRecorderOptions>, sdpFile: string) {
		super();
		this.#options = options;
		this.listFile = join(options.dir, `${options.prefix}.csv`);
		this.#process = spawn(options.ffmpegPath, SegmentRecorder.args(sdpFile, options.dir, options.prefix, options.segmentSeconds), {
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		this.#process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
			this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
		});
		this.#exited = new Promise((resolve) => {
			this.#process.once('error', (error) => {
				this.#stderr += `\n${error.message}`;
			});
			this.#process.once('close', (code, signal) => resolve({ code, signal, stderrTail: this.#stderr }));
		});
		this.#poll = setInterval(() => void this.#readList(), 500);
		this.#poll.unref();
		void this.#exited.then(async (exit) => {
			clearInterval(this.#poll);
			await this.#readList();
			this.safeEmit('exit', exit);
		});
	}

	/**
	 * Writes the SDP next to the segments and starts ffmpeg on it; resolves once ffmpeg listens on
	 * `waitForPort` (the first track's RTP port), so that the caller can then let media flow (a
	 * consumer resumed earlier would send its first packets, and its keyframe, into nothing).
	 */
	static async start(options: SegmentRecorderOptions & { waitForPort?: number; startTimeoutMs?: number }): Promise<SegmentRecorder> {
		const { waitForPort, startTimeoutMs = 10_000, ...rest } = options;
		const full: Required<SegmentRecorderOptions> = { ffmpegPath: 'ffmpeg', stopTimeoutMs: SECOND_SIGINT_MS + 1000, ...rest };
		const sdpFile = join(full.dir, `${full.prefix}.sdp`);
		await writeFile(sdpFile, full.sdp, { mode: 0o600 });
		const recorder = new SegmentRecorder(full, sdpFile);
		if (waitForPort !== undefined) {
			const deadline = Date.now() + startTimeoutMs;
			while (!(await udpPortBound(waitForPort))) {
				const exited = await Promise.race([recorder.exited, new Promise((resolve) => setTimeout(resolve, 50, null))]);
				if (exited !== null || Date.now() > deadline) {
					await recorder.stop();
					const exit = await recorder.exited;
					throw new Error(`ffmpeg did not start listening on port ${waitForPort}: ${exit.stderrTail.trim().slice(-500) || `exit ${String(exit.code ?? exit.signal)}`}`);
				}
			}
		}
		return recorder;
	}

	/** ffmpeg's arguments, an array: nothing here passes through a shell. */
	static args(sdpFile: string, dir: string, prefix: string, segmentSeconds: number): string[] {
		return [
			'-hide_banner',
			'-nostdin',
			'-loglevel',
			'warning',
			'-protocol_whitelist',
			'file,udp,rtp',
			// Loopback loses packets only to a full socket buffer; wait a little longer for reordering.
			'-max_delay',
			'500000',
			'-fflags',
			'+genpts',
			'-listen_timeout',
			String(INPUT_TIMEOUT_S),
			'-i',
			sdpFile,
			'-map',
			'0',
			'-c',
			'copy',
			'-f',
			'segment',
			'-segment_time',
			String(segmentSeconds),
			'-segment_format',
			'matroska',
			'-reset_timestamps',
			'1',
			'-segment_list',
			join(dir, `${prefix}.csv`),
			'-segment_list_type',
			'csv',
			join(dir, `${prefix}-%05d.mkv`),
		];
	}

	get pid(): number | undefined {
		return this.#process.pid;
	}

	get exited(): Promise<RecorderExit> {
		return this.#exited;
	}

	/**
	 * Lets ffmpeg close its last segment, then kills it if it does not end in time. A SIGINT ends it
	 * at the next packet; with none coming (the site has gone) its input times out INPUT_TIMEOUT_S
	 * after the last one, which closes the segment as well. Only then a second SIGINT (the open
	 * segment is lost), and SIGKILL after stopTimeoutMs.
	 */
	stop(): Promise<void> {
		this.#stopping ??= (async () => {
			if (this.#process.exitCode === null && this.#process.signalCode === null) {
				this.#process.kill('SIGINT');
				const again = setTimeout(() => this.#process.kill('SIGINT'), SECOND_SIGINT_MS);
				const kill = setTimeout(() => this.#process.kill('SIGKILL'), this.#options.stopTimeoutMs);
				await this.#exited;
				clearTimeout(again);
				clearTimeout(kill);
			}
			await this.#exited;
			// The exit handler's last read of the list has been scheduled; let it report.
			await this.#readList();
		})();
		return this.#stopping;
	}

	async #readList(): Promise<void> {
		let text: string;
		try {
			text = await readFile(this.listFile, 'utf8');
		} catch {
			return;
		}
		for (const { file, sequence, startSec, endSec } of parseSegmentList(text)) {
			if (this.#reported.has(file)) {
				continue;
			}
			this.#reported.add(file);
			if (endSec - startSec < 0.001) {
				// Opened after the last packet, when the input ended: it holds nothing.
				await rm(join(this.#options.dir, file), { force: true });
				continue;
			}
			this.safeEmit('segment', { file: join(this.#options.dir, file), sequence, startSec, endSec });
		}
	}
}

/**
 * The closed segments in ffmpeg's CSV segment list (`file,start,end` per line, seconds from the
 * run's first packet). Only whole lines: the last one may still be being written.
 */
export function parseSegmentList(text: string): { file: string; sequence: number; startSec: number; endSec: number }[] {
	const segments = [];
	for (const line of text.split('\n').slice(0, -1)) {
		const [file, start, end] = line.trim().split(',');
		const sequence = Number(/-(\d+)\.mkv$/.exec(file ?? '')?.[1]);
		const startSec = Number(start);
		const endSec = Number(end);
		if (file && /^[A-Za-z0-9_-]+\.mkv$/.test(file) && Number.isInteger(sequence) && start !== undefined && end !== undefined && Number.isFinite(startSec) && Number.isFinite(endSec)) {
			segments.push({ file, sequence, startSec, endSec });
		}
	}
	return segments;
}

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(path)) {
		hash.update(chunk as Buffer);
	}
	return hash.digest('hex');
}

/** Whether some process on this machine has bound the UDP port (Linux /proc/net/udp and udp6). */
export async function udpPortBound(port: number): Promise<boolean> {
	const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
	for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
		const text = await readFile(table, 'utf8').catch(() => '');
		// Each line: "sl local_address rem_address …"; the local address ends with :PORT in hex.
		if (text.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex.trim()))) {
			return true;
		}
	}
	return false;
}
