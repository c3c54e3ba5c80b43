import { execFileSync } from 'node:child_process';

/** A media file's duration in seconds, as ffprobe reads it from the container. */
export function probeDurationSec(file: string): number {
	return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());
}
