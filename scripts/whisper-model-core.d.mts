// Types of whisper-model-core.mjs for the TypeScript tests.
export type Checksum = { sha1: string; sha256?: undefined } | { sha256: string; sha1?: undefined };
export type ModelEntry = Checksum & { file: string; size: string };

export const DEFAULT_BASE_URL: string;
export const MODELS: Record<string, ModelEntry>;
export const PHOWHISPER: string[];
export const USAGE: string;

export class ModelError extends Error {
	constructor(message: string, exitCode?: number);
	exitCode: number;
}

export type Options = { name: string | null; dir: string; force: boolean; list: boolean; help: boolean };
export function parseArgs(argv: string[]): Options;
export function listText(): string;
export function phoWhisperText(size: string, dir: string): string;
export function verifyChecksum(file: string, expected: Checksum): Promise<{ ok: boolean; algorithm: 'sha1' | 'sha256'; got: string; want: string }>;
export function download(url: string, target: string, expected: Checksum, options?: { log?: (line: string) => void }): Promise<{ resumedFrom: number; algorithm: string }>;
export function main(
	argv: string[],
	options?: { out?: (line: string) => void; err?: (line: string) => void; baseUrl?: string; models?: Record<string, ModelEntry> }
): Promise<number>;
