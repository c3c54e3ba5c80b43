/**
 * `npm run bench`: runs the benchmark suites named in BENCH_SUITES (comma-separated; default
 * "forwarding,join-storm,transcription"), one after the other. Each prints its table and JSON and
 * writes bench/results/<suite>-<timestamp>.json.
 * - forwarding (bench/forwarding.ts): product vs bare mediasoup forwarding of a province meeting
 *   (gallery policy, SRTP, 2 workers); BENCH_SITES (60,120,171), BENCH_SECONDS, BENCH_REPEATS.
 * - join-storm (bench/join-storm.ts): communes joining one meeting at once through the real app
 *   (own process) vs the same mediasoup calls bare; BENCH_STORM_SITES (30,100,170), BENCH_STORM_REPEATS.
 * - transcription (bench/transcription.ts): real-time factor of the transcription pipeline vs raw
 *   whisper-cli; BENCH_TRANSCRIBE_SIZES, BENCH_TRANSCRIBE_REPEATS, WHISPER_MODEL, BENCH_WHISPER_VERSIONS=1.
 * - turnaround (bench/turnaround.ts, opt-in): a recorded meeting replayed through the real app;
 *   seconds from its end to a complete transcript and to the exported files; BENCH_TURNAROUND_MINUTES,
 *   BENCH_TURNAROUND_SPEED, BENCH_TURNAROUND_SITES, BENCH_TURNAROUND_MODEL or WHISPER_MODEL, WHISPER_THREADS.
 * - sfu-recording (bench/sfu-recording.ts, opt-in): product forwarding with recording off, with a
 *   RecordingManager recording every site, and with a whisper-cli loop besides; BENCH_SITES (20),
 *   BENCH_SECONDS, BENCH_REPEATS, BENCH_SFU_WHISPER_MODEL.
 * - documents-search (bench/documents-search.ts, opt-in): p50/p95 of the document store's search
 *   over 100,000 generated documents, with and without marks, filtered, by reference, as several
 *   readers; target p95 < 50 ms; BENCH_DOCUMENTS, BENCH_SEARCH_REPEATS.
 */
const SUITES = {
	forwarding: () => import('./forwarding.ts'),
	'join-storm': () => import('./join-storm.ts'),
	transcription: () => import('./transcription.ts'),
	turnaround: () => import('./turnaround.ts'),
	'sfu-recording': () => import('./sfu-recording.ts'),
	'documents-search': () => import('./documents-search.ts'),
} as const;

const names = (process.env['BENCH_SUITES'] ?? 'forwarding,join-storm,transcription')
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
