import { spawnNiced, type SpawnNicedOptions, type SpawnResult } from '../../lib/spawn-niced.ts';
import { lastLines } from '../../lib/last-lines.ts';
import { TranscriptionError } from './transcription-errors.ts';

/**
 * Runs ffmpeg at the lowest CPU priority, with toWhisperWav's conventions: a missing program is
 * 'no-program', any other failure 'bad-audio' (the input, not the machine, is what a retry would
 * meet again), `doing` says what for ("analyse x for speech"). An abort kills ffmpeg and rejects
 * with the signal's reason.
 */
export async function runFfmpeg(args: readonly string[], doing: string, options: Pick<SpawnNicedOptions, 'signal' | 'onStdout' | 'onStderr'> = {}): Promise<SpawnResult> {
	let outcome: SpawnResult;
	try {
		outcome = await spawnNiced('ffmpeg', args, options);
	} catch (error) {
		// ENOENT when not even `nice` was found and ffmpeg was started directly.
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new TranscriptionError('no-program', "ffmpeg is not installed (Debian's ffmpeg; the setup installs it)");
		}
		throw error;
	}
	// nice's own exit codes when it cannot run the program.
	if (outcome.exitCode === 126 || outcome.exitCode === 127) {
		throw new TranscriptionError('no-program', `ffmpeg could not be run (Debian's ffmpeg; the setup installs it): ${lastLines(outcome.stderrTail)}`);
	}
	if (outcome.exitCode !== 0) {
		throw new TranscriptionError('bad-audio', `ffmpeg could not ${doing} (${outcome.signal ?? `exit ${outcome.exitCode}`}): ${lastLines(outcome.stderrTail)}`);
	}
	return outcome;
}
