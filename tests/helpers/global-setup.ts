import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A database file with every migration applied, copied by each test that needs one. */
		templateDatabase: string;
	}
}

/** Applies the real Prisma migrations once, through the same CLI path `npm start` uses. */
export default function setup(project: TestProject): () => void {
	const dir = mkdtempSync(join(tmpdir(), 'giaoban-template-'));
	const result = spawnSync(process.execPath, ['scripts/prisma.mjs', 'migrate', 'deploy'], {
		env: { ...process.env, DATA_DIR: dir },
		encoding: 'utf8',
	});
	if (result.status !== 0) {
		throw new Error(`prisma migrate deploy failed:\n${result.stdout}\n${result.stderr}`);
	}
	project.provide('templateDatabase', join(dir, 'giaoban.db'));
	return () => rmSync(dir, { recursive: true, force: true });
}
