import fp from 'fastify-plugin';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { ForbiddenError } from '../../lib/errors.ts';
import { MediaCounts } from './media-counts.ts';
import { metricsAccess } from './metrics-access.ts';
import { createMetricsRepository } from './metrics.repository.ts';

/**
 * Prometheus metrics at GET /metrics, for the addresses in METRICS_ALLOWED or the holder of
 * METRICS_TOKEN. One registry per app (tests run several in one process). Registered before the
 * features so that its response hook times every route. The README lists the metrics and
 * example alerts.
 */
export default fp(
	async (fastify) => {
		const { config, workerPool, io, meetingEvents, jobs } = fastify;
		const registry = new Registry();
		collectDefaultMetrics({ register: registry });
		const repository = createMetricsRepository(fastify.db);
		const media = new MediaCounts(workerPool);

		const http = new Histogram({
			name: 'giaoban_http_request_duration_seconds',
			help: 'HTTP requests by method, route pattern and status code, with their duration',
			labelNames: ['method', 'route', 'status_code'],
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers: [registry],
		});
		fastify.addHook('onResponse', async (request, reply) => {
			// The route's pattern, never the raw URL: bounded label values, and no join token in them.
			http.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
		});

		let sites = 0;
		const joined = (): void => {
			sites += 1;
		};
		const left = (): void => {
			sites -= 1;
		};
		meetingEvents.on('site:joined', joined).on('site:left', left);
		new Gauge({ name: 'giaoban_sites_connected', help: 'Sites in live meeting rooms (joined and not yet left)', registers: [registry], collect() { this.set(sites); } });
		new Gauge({ name: 'giaoban_socket_connections', help: 'Open socket.io connections (meeting pages, rooms, connection checks)', registers: [registry], collect() { this.set(io.engine.clientsCount); } });
		new Gauge({
			name: 'giaoban_live_meetings',
			help: 'Meetings whose status is live',
			registers: [registry],
			async collect() {
				this.set(await repository.countLiveMeetings());
			},
		});

		const workerLabels = ['worker'] as const;
		new Gauge({
			name: 'giaoban_mediasoup_worker_up',
			help: 'Whether the mediasoup worker of this slot is running (0 while it is being replaced)',
			labelNames: workerLabels,
			registers: [registry],
			collect() {
				for (const w of workerPool.status().workers) {
					this.set({ worker: String(w.index) }, w.alive ? 1 : 0);
				}
			},
		});
		new Gauge({
			name: 'giaoban_mediasoup_worker_deaths',
			help: 'Times the mediasoup worker of this slot died since the server started',
			labelNames: workerLabels,
			registers: [registry],
			collect() {
				for (const w of workerPool.status().workers) {
					this.set({ worker: String(w.index) }, w.deaths);
				}
			},
		});
		new Gauge({
			name: 'giaoban_mediasoup_routers',
			help: 'Routers (one per live meeting room, plus connection checks) per worker',
			labelNames: workerLabels,
			registers: [registry],
			collect() {
				for (const w of workerPool.status().workers) {
					this.set({ worker: String(w.index) }, w.routers);
				}
			},
		});
		for (const [kind, help] of [
			['producers', 'Producers (tracks sent by sites) per worker'],
			['consumers', 'Consumers (tracks forwarded to sites and recorders) per worker'],
		] as const) {
			new Gauge({
				name: `giaoban_mediasoup_${kind}`,
				help,
				labelNames: workerLabels,
				registers: [registry],
				collect() {
					for (const slot of workerPool.slots) {
						this.set({ worker: String(slot.index) }, media.get(slot.index)[kind]);
					}
				},
			});
		}
		new Gauge({
			name: 'giaoban_mediasoup_worker_cpu_seconds_total',
			help: 'CPU time (user + system) of the current mediasoup worker process of each slot',
			labelNames: workerLabels,
			registers: [registry],
			async collect() {
				for (const slot of workerPool.slots) {
					const worker = slot.worker;
					if (worker && !worker.died && !worker.closed) {
						const usage = await worker.getResourceUsage().catch(() => null);
						if (usage) {
							this.set({ worker: String(slot.index) }, (usage.ru_utime + usage.ru_stime) / 1000);
						}
					}
				}
			},
		});

		new Gauge({
			name: 'giaoban_jobs',
			help: 'Background jobs waiting (queued) or running, per kind',
			labelNames: ['kind', 'status'],
			registers: [registry],
			async collect() {
				this.reset();
				for (const row of await jobs.queueStats()) {
					this.set({ kind: row.kind, status: row.status }, row.count);
				}
			},
		});
		new Gauge({
			name: 'giaoban_jobs_oldest_queued_age_seconds',
			help: 'Age of the oldest job waiting, per kind (0 when none waits)',
			labelNames: ['kind'],
			registers: [registry],
			async collect() {
				this.reset();
				const now = Date.now();
				for (const row of await jobs.queueStats()) {
					if (row.status === 'queued' && row.oldestCreatedAt) {
						this.set({ kind: row.kind }, Math.max(0, (now - row.oldestCreatedAt.getTime()) / 1000));
					}
				}
			},
		});

		const allowed = metricsAccess(config.metrics.allowed, config.metrics.token);
		fastify.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
			if (!allowed(request.ip, request.headers.authorization)) {
				throw new ForbiddenError('/metrics is open to the addresses in METRICS_ALLOWED, or with the METRICS_TOKEN bearer token');
			}
			return reply.type(registry.contentType).send(await registry.metrics());
		});
		fastify.addHook('onClose', async () => {
			meetingEvents.off('site:joined', joined).off('site:left', left);
			registry.clear();
		});
	},
	{ name: 'metrics', dependencies: ['jobs'] }
);
