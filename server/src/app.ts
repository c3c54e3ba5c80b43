import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from './config/env.ts';
import { fastifyErrorCode, toPublicError, validationField } from './lib/error-mapping.ts';
import { AppError, InvalidPayloadError } from './lib/errors.ts';
import { findUnsafeText } from './lib/unsafe-text.ts';
import configPlugin from './plugins/app/config.ts';
import databasePlugin from './plugins/app/database.ts';
import mediasoupPlugin from './plugins/app/mediasoup.ts';
import accessEventsPlugin from './plugins/app/access-events.ts';
import meetingEventsPlugin from './plugins/app/meeting-events.ts';
import socketIoPlugin from './plugins/app/socket-io.ts';
import externalPlugins from './plugins/external/index.ts';
import accounts from './features/accounts/index.ts';
import { authPlugin, authRoutes } from './features/auth/index.ts';
import audit from './features/audit/index.ts';
import meetings from './features/meetings/index.ts';
import conference from './features/conference/index.ts';
import attachments from './features/attachments/index.ts';
import demoData from './features/demo-data/index.ts';
import setup from './features/setup/index.ts';
import echoTest from './features/echo-test/index.ts';
import health from './features/health/index.ts';
import jobs from './features/jobs/index.ts';
import media from './features/media/index.ts';
import metrics from './features/metrics/index.ts';
import meetingWatch from './features/meeting-watch/index.ts';
import backup from './features/backup/index.ts';
import recording from './features/recording/index.ts';
import transcription from './features/transcription/index.ts';
import minutesCollab from './features/minutes-collab/index.ts';
import pdfRenderer from './features/minutes-render/index.ts';
import documents from './features/documents/index.ts';
import minutes from './features/minutes/index.ts';
import signingKeys, { verifyPdfSignatures } from './features/signing/index.ts';
import units from './features/units/index.ts';
import webClient from './features/web-client/index.ts';
import { redactUrl } from './features/web-client/redact-url.ts';

export type BuildAppOptions = {
	/** Pino options override, e.g. { level: 'silent' } in tests, or a stream a test reads. */
	logger?: { level: string; stream?: { write: (line: string) => void } };
	/** Where lines for the operator's console go (demo accounts, the first-run setup link); stdout by default. */
	print?: (text: string) => void;
};

/** Fastify's request log fields, with join tokens cut out of the URL. */
function serializeRequest(request: FastifyRequest): Record<string, unknown> {
	return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/**
 * Assembles the application: shared singletons first (config, database, mediasoup workers,
 * socket.io), then features, each an encapsulated plugin that owns its routes and socket handlers.
 */
export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<FastifyInstance> {
	const app = Fastify({
		logger: { level: config.logLevel, ...options.logger, serializers: { req: serializeRequest } },
		// Behind nginx or Caddy, X-Forwarded-Proto/-For/-Host from the peers TRUST_PROXY names give
		// request.protocol (Secure cookie, HSTS), request.ip (rate limits, audit) and request.host.
		trustProxy: config.trustProxy,
		bodyLimit: 1024 * 1024,
		// Idle keep-alive connections must not hold shutdown open.
		forceCloseConnections: 'idle',
		requestTimeout: 30000,
		// Unknown fields are an error (as on the socket), not silently dropped.
		ajv: { customOptions: { removeAdditional: false } },
	}).withTypeProvider<TypeBoxTypeProvider>();

	app.setErrorHandler((error: FastifyError, request, reply) => {
		// Fastify's own 4xx errors (schema validation, body too large, bad JSON) carry a statusCode
		// but are not AppErrors; they get a code here, everything else goes through toPublicError.
		if (!(error instanceof AppError) && error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
			// A schema failure names its input, so that a form can show the message beside it.
			const field = validationField(error.validation);
			// A new password the schema finds too short gets the reason the password policy gives it,
			// so that a form translates one reason whichever layer refused.
			const tooShort = error.validation?.[0]?.keyword === 'minLength' && (field === 'newPassword' || field === 'admin/password');
			return reply
				.code(error.statusCode)
				.send({ code: fastifyErrorCode(error), message: error.message, ...(tooShort ? { reason: 'password_too_short' } : {}), ...(field ? { field } : {}) });
		}
		const { statusCode, error: body } = toPublicError(error, request.log);
		return reply.code(statusCode).send(body);
	});
	app.setNotFoundHandler((request, reply) =>
		reply.code(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` })
	);
	// NUL and lone surrogates are refused for every route before a schema, a handler or SQLite sees
	// them: some parts of the stack truncate at NUL, others fail on invalid Unicode (lib/unsafe-text.ts).
	app.addHook('preValidation', async (request) => {
		for (const [part, value] of [
			['body', request.body],
			['query', request.query],
			['params', request.params],
		] as const) {
			const at = findUnsafeText(value);
			if (at !== null) {
				throw new InvalidPayloadError(`${part}${at === '/' ? '' : at} holds NUL or a lone UTF-16 surrogate`);
			}
		}
	});

	await app.register(configPlugin, { config });
	await app.register(externalPlugins);
	await app.register(databasePlugin);
	await app.register(mediasoupPlugin);
	await app.register(meetingEventsPlugin);
	await app.register(accessEventsPlugin);
	await app.register(socketIoPlugin);
	// App-wide (request.session, socket.data.user), so before every feature and after socket.io.
	await app.register(authPlugin);
	// App-wide (fastify.audit) for the features below that record security events.
	await app.register(audit);
	// App-wide (fastify.jobs): the durable background job queue, for the features below to use.
	// Two jobs at once at most (each kind has its own limit of one): one whisper.cpp and one
	// export or analysis, both niced, so the SFU keeps the CPU it needs.
	await app.register(jobs, { runner: { concurrency: 2 } });
	// App-wide (fastify.meetingWatch): meeting pages told of their meeting's background work.
	await app.register(meetingWatch);
	// Before the features: its response hook times their routes.
	await app.register(metrics);

	const print = options.print ?? ((text: string) => void process.stdout.write(text));
	await app.register(demoData, { print });
	// After the demo data: a database it seeded needs no first-run setup.
	await app.register(setup, { print });
	await app.register(health);
	await app.register(units);
	await app.register(authRoutes);
	await app.register(accounts);
	await app.register(meetings);
	await app.register(attachments);
	await app.register(media);
	await app.register(echoTest);
	await app.register(conference);
	// After the conference: its meeting events drive the recorders, whose segments drive the transcript.
	await app.register(recording);
	await app.register(transcription);
	// App-wide (fastify.pdfRenderer): prints the minutes through Chromium, started on first use.
	await app.register(pdfRenderer);
	// App-wide (fastify.minutesCollab): the minutes' shared documents, for the minutes workflow.
	await app.register(minutesCollab);
	// App-wide (fastify.signingKeys): the units' certificates under SIGNING_DIR, for the minutes workflow.
	await app.register(signingKeys);
	// App-wide (fastify.documents): numbering, issuance and stored files, for the minutes workflow.
	await app.register(documents, { verifySignatures: verifyPdfSignatures });
	// The minutes workflow over the four above; it decorates fastify.minutesAccess, which co-editing asks.
	await app.register(minutes);
	await app.register(backup);
	await app.register(webClient);
	return app;
}
