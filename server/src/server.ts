import type { AddressInfo } from 'node:net';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { loadConfig } from './config/env.ts';
import { ConfigError } from './lib/errors.ts';

async function main(): Promise<void> {
	let config;
	try {
		config = loadConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			process.stderr.write(`${error.message}\n`);
			process.exit(2);
		}
		throw error;
	}
	const app = await buildApp(config);
	if (config.publicUrl?.startsWith('https:') && config.trustProxy === false) {
		// Almost always a TLS proxy in front that nobody named: every client then shares the proxy's
		// address (per-address limits become whole-service limits) and cookies are not marked Secure.
		app.log.warn('PUBLIC_URL is https but TRUST_PROXY is not set: name the reverse proxy (README, "Running behind a reverse proxy")');
	}
	closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
		if (err) {
			app.log.error({ err }, 'fatal error; shutting down');
		} else {
			app.log.info({ signal }, 'shutting down');
		}
		await app.close();
	});
	await app.listen({ host: config.host, port: config.port });
	const { port } = app.server.address() as AddressInfo;
	const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
	process.stdout.write(`GiaoBan is running: http://${shown}:${port}/ (Node.js ${process.version})\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`GiaoBan failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
