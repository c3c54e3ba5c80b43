/**
 * `npm run bench`: runs the benchmark suites named in BENCH_SUITES (comma-separated; default
 * "forwarding,transcription"), one after the other. Each prints its table and JSON and writes
 * bench/results/<suite>-<timestamp>.json.
 * - forwarding (bench/forwarding.ts): product vs bare mediasoup forwarding; BENCH_SITES, BENCH_SECONDS, BENCH_REPEATS.
 * - transcription (bench/transcription.ts): real-time factor of the transcription pipeline vs raw
 *   whisper-cli; BENCH_TRANSCRIBE_SIZES, BENCH_TRANSCRIBE_REPEATS, WHISPER_MODEL, BENCH_WHISPER_VERSIONS=1.
 */
const SUITES = { forwarding: () => import('./forwarding.ts'), transcription: () => import('./transcription.ts') } as const;

const names = (process.env['BENCH_SUITES'] ?? 'forwarding,transcription')
	.split(',')
	.map((s) => s.trim())
	.filter((s) => s !== '');
const unknown = names.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
	throw new Error(`BENCH_SUITES: unknown suite ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})`);
}
for (const name of names) {
	process.stderr.write(`\n== ${name} benchmark ==\n`);
	// Each suite runs when its module loads.
	await SUITES[name as keyof typeof SUITES]();
}
