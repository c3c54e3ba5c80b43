import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['node_modules/', 'dist/', '.cache/', 'server/src/generated/', 'coverage/', 'bench/results/'] },
	{ linterOptions: { reportUnusedDisableDirectives: 'error' } },
	js.configs.recommended,
	{
		files: ['**/*.mjs'],
		languageOptions: { globals: globals.node },
	},
	{
		files: ['**/*.ts', '**/*.tsx'],
		extends: [tseslint.configs.recommendedTypeChecked, tseslint.configs.stylisticTypeChecked],
		languageOptions: {
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			curly: ['error', 'all'],
			'prefer-template': 'error',
			'no-console': 'error',
			'@typescript-eslint/consistent-type-definitions': 'off',
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			'@typescript-eslint/no-floating-promises': 'error',
			// Fastify plugins, hooks and socket handlers are async by contract even when they do not await.
			'@typescript-eslint/require-await': 'off',
			'@typescript-eslint/switch-exhaustiveness-check': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		// shared/ runs in the browser and in Node: it may not import either side or a runtime library of one.
		files: ['shared/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/server/**', '**/client/**'], message: 'shared/ must not import server or client code' },
						{ group: ['mediasoup', 'fastify', 'socket.io', 'node:*'], message: 'shared/ must stay runtime-neutral' },
					],
				},
			],
		},
	},
	{
		files: ['client/**/*.ts', 'client/**/*.tsx'],
		languageOptions: { globals: globals.browser },
		rules: {
			// The browser console is the client's log.
			'no-console': ['error', { allow: ['warn', 'error'] }],
			'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**'], message: 'the client talks to the server only through shared/ protocol' }] }],
		},
	},
	{
		files: ['tests/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
		},
	}
);
