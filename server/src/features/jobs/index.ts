import fp from 'fastify-plugin';
import { JobRunner, type JobRunnerOptions } from './job-runner.ts';
import { createJobsRepository, type JobRecord, type JobsRepository } from './jobs.repository.ts';
import jobsRoutes from './jobs.routes.ts';

export type { EnqueueInput, JobRecord } from './jobs.repository.ts';
export { JobAbortedError, JobRunner, type JobContext, type JobHandler, type JobRunnerEvents } from './job-runner.ts';

export type Jobs = {
	/** Register handlers here (`runner.register(kind, handler, { concurrency })`) and follow job:* events. */
	runner: JobRunner;
	enqueue: JobRunner['enqueue'];
	cancel: JobRunner['cancel'];
	retry: JobRunner['retry'];
	listForMeeting: (meetingId: string) => Promise<JobRecord[]>;
	/** Failed jobs of these kinds updated since `since` (e.g. to run them again once their cause is fixed). */
	listFailed: (kinds: readonly string[], since: Date) => Promise<JobRecord[]>;
	/** Jobs waiting and running per kind, for monitoring. */
	queueStats: JobsRepository['queueStats'];
};

declare module 'fastify' {
	interface FastifyInstance {
		/** The durable background job queue (recording, transcription, retention). */
		jobs: Jobs;
	}
}

export type JobsPluginOptions = {
	/** Tests shorten the lease, poll and retry durations. */
	runner?: Omit<JobRunnerOptions, 'repository' | 'log'>;
};

/**
 * App-wide (fastify-plugin) so that the features registered after it can register handlers and
 * enqueue jobs. The runner starts once the app is ready, when every handler is registered, and
 * stops in preClose, before the database and the features' resources close.
 */
export default fp<JobsPluginOptions>(
	async (fastify, options) => {
		const repository = createJobsRepository(fastify.db);
		const runner = new JobRunner({ ...options.runner, repository, log: fastify.log.child({ component: 'jobs' }) });
		fastify.decorate('jobs', {
			runner,
			enqueue: (input) => runner.enqueue(input),
			cancel: (id) => runner.cancel(id),
			retry: (id) => runner.retry(id),
			listForMeeting: (meetingId) => repository.listForMeeting(meetingId),
			listFailed: (kinds, since) => repository.listFailed(kinds, since),
			queueStats: () => repository.queueStats(),
		} satisfies Jobs);
		fastify.addHook('onReady', async () => {
			runner.start();
		});
		fastify.addHook('preClose', async () => {
			await runner.close();
		});
		await fastify.register(jobsRoutes, { repository });
	},
	{ name: 'jobs', dependencies: ['database', 'auth'] }
);
