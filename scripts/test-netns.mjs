// Runs the vitest project "netns" inside a new user and network namespace (unshare), where a test
// may change routing to cut a site's media path without touching the machine's own network.
// The namespace dies with this command; --kill-child stops anything still running in it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const child = spawn(
	'unshare',
	['--user', '--map-root-user', '--net', '--fork', '--kill-child', '--', process.execPath, vitest, 'run', '--project', 'netns', ...process.argv.slice(2)],
	{ stdio: 'inherit', env: { ...process.env, GIAOBAN_NETNS: '1' } }
);
child.on('error', (error) => {
	console.error(`cannot start unshare (util-linux): ${error.message}`);
	process.exit(1);
});
child.on('exit', (code) => process.exit(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => child.kill(signal));
}
