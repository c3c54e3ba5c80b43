// Prisma CLI calls that work offline: the JavaScript (wasm) schema engine and the Rust-free client.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, hashPaths, ROOT, run, stamps } from './steps.mjs';

const GENERATED = join(ROOT, 'server', 'src', 'generated', 'prisma');

/** Environment that stops the Prisma CLI from downloading engines or phoning home. */
export function prismaEnv(extra = {}) {
	const dummy = join(CACHE_DIR, 'prisma-no-engine');
	if (!existsSync(dummy)) {
		mkdirSync(CACHE_DIR, { recursive: true });
		// The CLI only checks that these paths exist; engine "js" and engineType "client" never load them.
		writeFileSync(dummy, 'not an engine\n');
	}
	return {
		...process.env,
		PRISMA_SCHEMA_ENGINE_BINARY: dummy,
		PRISMA_QUERY_ENGINE_LIBRARY: dummy,
		CHECKPOINT_DISABLE: '1',
		PRISMA_HIDE_UPDATE_MESSAGE: '1',
		...extra,
	};
}

export function prisma(args, extraEnv = {}) {
	return run(process.execPath, [join(ROOT, 'node_modules', 'prisma', 'build', 'index.js'), ...args], {
		env: prismaEnv(extraEnv),
	});
}

export async function ensurePrismaClient() {
	const st = stamps();
	const hash = hashPaths([join(ROOT, 'prisma', 'schema.prisma'), join(ROOT, 'package-lock.json')]);
	if (st.get('prismaClient') === hash && existsSync(join(GENERATED, 'client.ts'))) {
		return 'client up to date';
	}
	await prisma(['generate']);
	st.set('prismaClient', hash);
	return 'client generated';
}

export async function migrateDatabase() {
	const out = await prisma(['migrate', 'deploy']);
	const applied = /(\d+) migrations? found/.exec(out)?.[1];
	return out.includes('No pending migrations') ? `up to date (${applied ?? '?'} migrations)` : 'migrations applied';
}
