import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { defineConfig } from 'prisma/config';
import { databaseFile } from './server/src/config/database-file.ts';

// engine "js" runs the schema engine as wasm through the driver adapter: the native schema engine
// cannot be downloaded on offline machines (shared/notes/offline-toolchain.md).
export default defineConfig({
	experimental: { adapter: true },
	engine: 'js',
	schema: 'prisma/schema.prisma',
	migrations: { path: 'prisma/migrations' },
	adapter: async () => {
		const file = databaseFile();
		mkdirSync(dirname(file), { recursive: true });
		return new PrismaBetterSQLite3({ url: `file:${file}` });
	},
});
