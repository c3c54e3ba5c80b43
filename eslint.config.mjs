import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// A later `no-restricted-imports` entry for a file replaces an earlier one, so every block that sets
// the rule lists all the patterns that apply to its files.

/** Prisma stays in repositories and db/ (plus the plugin that holds the client, scripts and tests). */
const prismaOutsideRepositories = [
	{
		group: ['@prisma/*', 'prisma', 'prisma/*', '**/generated/prisma', '**/generated/prisma/**'],
		message: 'Only *.repository.ts files and server/src/db/ use Prisma; return DTOs (shared/src/api) from a repository instead',
	},
	{
		group: ['**/db/open-database.ts'],
		importNames: ['Database'],
		message: 'The Database (PrismaClient) is for *.repository.ts files only: pass fastify.db to a repository factory',
	},
];
const prismaAllowed = ['**/*.repository.ts', 'server/src/db/**', 'server/src/plugins/app/database.ts', 'prisma/**', 'prisma.config.ts', 'scripts/**', 'tests/**'];

/** plugins/app and lib are below the features: they may not depend on one. */
const noFeatures = { group: ['**/features/**'], message: 'plugins/app and lib import no feature; move the shared piece to shared/src/api, lib or plugins/app' };

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
		files: ['**/*.ts', '**/*.tsx'],
		ignores: prismaAllowed,
		rules: {
			'no-restricted-imports': ['error', { patterns: prismaOutsideRepositories }],
			// Without an import: `fastify.db.user.findMany()` in a route or service.
			'no-restricted-syntax': [
				'error',
				{
					selector: "MemberExpression[object.type='MemberExpression'][object.property.name='db']",
					message: 'Only *.repository.ts files query the database: pass fastify.db to a repository factory',
				},
			],
		},
	},
	{
		files: ['server/src/plugins/app/**/*.ts', 'server/src/lib/**/*.ts'],
		ignores: ['server/src/plugins/app/database.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: [noFeatures, ...prismaOutsideRepositories] }],
		},
	},
	{
		files: ['server/src/plugins/app/database.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: [noFeatures] }],
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
						...prismaOutsideRepositories,
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
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['**/server/**'], message: 'the client talks to the server only through shared/ protocol' }, ...prismaOutsideRepositories] },
			],
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
