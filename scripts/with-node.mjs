#!/usr/bin/env node
// Runs a development command (`node scripts/with-node.mjs vitest run --project unit`) on the
// project's Node (24 LTS; the pinned one from the setup when the machine's is older), so that the
// native modules npm ci compiled for it load. `npm start` and `npm test` do this themselves.
import { ensureNodeRuntime } from './setup/node-runtime.mjs';
import { handOver } from './setup/steps.mjs';

await ensureNodeRuntime();
const [command, ...args] = process.argv.slice(2);
if (!command) {
	process.stderr.write('usage: node scripts/with-node.mjs <command> [args...]\n');
	process.exit(2);
}
handOver(command, args);
