import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variables } from '../../../server/src/config/env.ts';

describe('README configuration table', () => {
	const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

	it('documents every environment variable the server reads, with its default', () => {
		for (const [name, variable] of Object.entries(variables)) {
			const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
			expect(row, `README row for ${name}`).toBeDefined();
			expect(row).toContain(variable.defaultText);
		}
	});
});
