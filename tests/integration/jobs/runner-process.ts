/**
 * A job runner in its own process, as a second server (or a worker) on the same database file
 * would be: node runner-process.ts <database file> <owner> <complete|hang> <leaseMs>.
 * It reports on stdout, one JSON object a line: { ready }, { started: id }, { error: message }.
 * "hang" never finishes a job: killing the process then is a runner dying mid-job.
 */
import { openDatabase } from '../../../server/src/db/open-database.ts';
import { JobRunner, type JobLog } from '../../../server/src/features/jobs/job-runner.ts';
import { createJobsRepository } from '../../../server/src/features/jobs/jobs.repository.ts';

const [file, owner, mode, leaseMs] = process.argv.slice(2);
if (!file || !owner || (mode !== 'complete' && mode !== 'hang') || !leaseMs) {
	throw new Error('usage: runner-process.ts <database file> <owner> <complete|hang> <leaseMs>');
}
const say = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`);
const quiet = (): void => undefined;
const log: JobLog = { debug: quiet, info: quiet, warn: quiet, error: (obj, msg) => say({ error: msg, detail: String((obj as { err?: unknown }).err) }), child: () => log };

const db = await openDatabase({ file, synchronous: 'NORMAL' });
const runner = new JobRunner({ repository: createJobsRepository(db), log, owner, concurrency: 2, leaseMs: Number(leaseMs), heartbeatMs: 50, pollMs: 20 });
runner.register('segment', async (job) => {
	say({ started: job.id });
	if (mode === 'hang') {
		await new Promise(() => undefined);
	}
	// Let the other process in between lease and completion.
	await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
	return { owner };
});
// The runner's timers are unref'd (they must not hold a server open); here nothing else would.
const keepAlive = setInterval(() => undefined, 60000);
process.once('SIGTERM', () => {
	void runner
		.close()
		.then(() => db.$disconnect())
		.finally(() => {
			clearInterval(keepAlive);
			process.exit(0);
		});
});
runner.start();
say({ ready: true });
