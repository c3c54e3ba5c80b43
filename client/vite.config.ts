import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
	root: here('.'),
	plugins: [react()],
	build: {
		outDir: here('../dist/client'),
		emptyOutDir: true,
		sourcemap: true,
	},
	server: {
		// `npx vite --config client/vite.config.ts` during development, next to `npm run dev`.
		proxy: {
			'/api': 'http://localhost:8080',
			'/socket.io': { target: 'http://localhost:8080', ws: true },
		},
	},
});
