import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A media file's duration in seconds, as ffprobe reads it from the container. */
export function probeDurationSec(file: string): number {
	return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());
}

/**
 * A microphone for Chromium's `--use-file-for-fake-audio-capture`: the sentence spoken by
 * `espeak-ng -v vi`, then two seconds of silence (Chromium loops it: speech with pauses between).
 */
export function vietnameseMicrophoneWav(dir: string, sentence: string): string {
	const spoken = join(dir, 'spoken.wav');
	execFileSync('espeak-ng', ['-v', 'vi', '-s', '150', '-w', spoken, sentence]);
	const microphone = join(dir, 'microphone.wav');
	execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', spoken, '-af', 'apad=pad_dur=2', '-ar', '48000', '-ac', '1', microphone]);
	return microphone;
}
