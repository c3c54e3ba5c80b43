import { dirname } from 'node:path';
import fp from 'fastify-plugin';
import { createBackup, pruneBackups } from './create-backup.ts';

const HOUR_MS = 3_600_000;
/** How often the plugin looks whether a backup period began (the job key makes it once per period). */
const CHECK_MS = 10 * 60_000;
/** Periods begin at 02:00 in Vietnam (19:00 UTC): a daily backup runs at night, not during the morning's meetings. */
const PERIOD_OFFSET_MS = 19 * HOUR_MS;

/**
 * Scheduled backups (BACKUP_DIR, every BACKUP_INTERVAL_HOURS, keeping BACKUP_KEEP): a job of the
 * durable queue per period, so a backup missed while the server was down runs when it is back and
 * two servers' timers never make two of one period. `npm run backup` does the same by hand.
 */
export default fp(
	async (fastify) => {
		const { config, log } = fastify;
		const { dir, intervalHours, keep } = config.backup;
		const dataDir = dirname(config.databaseFile);
		fastify.jobs.runner.register(
			'scheduled-backup',
			async (_job, ctx) => {
				if (!dir) {
					return { skipped: true };
				}
				const started = Date.now();
				const { dir: written, manifest } = await createBackup({ dataDir, destinationRoot: dir, kind: 'scheduled' });
				ctx.signal.throwIfAborted();
				const pruned = await pruneBackups(dir, 'scheduled', keep);
				await ctx.progress(100);
				const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, manifest.database.bytes);
				log.info({ backup: written, files: manifest.files.length, bytes, ms: Date.now() - started, pruned: pruned.length }, 'scheduled backup written');
				return { dir: written, files: manifest.files.length, bytes };
			},
			{ concurrency: 1 }
		);
		if (!dir) {
			return;
		}
		const enqueue = async (): Promise<void> => {
			const period = Math.floor((Date.now() - PERIOD_OFFSET_MS) / (intervalHours * HOUR_MS));
			await fastify.jobs.enqueue({ kind: 'scheduled-backup', key: `scheduled-backup:${intervalHours}h:${period}`, payload: {} }).catch((error: unknown) => log.error({ err: error }, 'could not queue the scheduled backup'));
		};
		const timer = setInterval(() => void enqueue(), CHECK_MS);
		timer.unref();
		fastify.addHook('onReady', enqueue);
		fastify.addHook('preClose', () => clearInterval(timer));
	},
	{ name: 'backup', dependencies: ['jobs'] }
);
