// npm run admin -- <command>: the operator's way to set up the server and to get an administrator
// back in, from the machine itself (no browser, no sign-in). Works on the database of DATA_DIR,
// with the server running or not.
//   setup --kind <province|city|district> --name <name> --authority <line> [--code <code>]
//         --username <login> --display-name <name>
//   reset-password <username>
//   enable <username>
//   list-admins
//   signing-key --unit <code|id> --p12 <file> --passphrase-file <file>
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Value } from 'typebox/value';
import { Username } from '#shared/api/accounts.ts';
import { SetupInput } from '#shared/api/setup.ts';
import { HOST_UNIT_KINDS } from '#shared/api/units.ts';
import { loadConfig } from '../config/env.ts';
import { openDatabase } from '../db/open-database.ts';
import { AccessEventBus } from '../domain/access-events.ts';
import { createAccountsService, type AccountsService } from '../features/accounts/accounts.service.ts';
import { generatePassword, TEMPORARY_PASSWORD_LENGTH } from '../features/accounts/password.ts';
import { createPasswordResetsRepository } from '../features/accounts/password-resets.repository.ts';
import { createUsersRepository, type UsersRepository } from '../features/accounts/users.repository.ts';
import { createAuditRepository } from '../features/audit/audit.repository.ts';
import { createAuditService, type AuditService } from '../features/audit/audit.service.ts';
import { createAuthService } from '../features/auth/auth.service.ts';
import { createSessionsRepository } from '../features/auth/sessions.repository.ts';
import { createSetupRepository, type SetupRepository } from '../features/setup/setup.repository.ts';
import { setUpHost } from '../features/setup/setup.service.ts';
import { installSigningKey, trimPassphrase } from '../features/signing/index.ts';
import { createSigningUnitsRepository, type SigningUnitsRepository } from '../features/signing/signing-units.repository.ts';
import { AppError, ConfigError } from '../lib/errors.ts';

/** The administrator's password for `setup`, read from the environment so that it stays out of the shell history and `ps`. */
const PASSWORD_VARIABLE = 'GIAOBAN_ADMIN_PASSWORD';

const USAGE = `usage: npm run admin -- <command>
  setup --kind <${HOST_UNIT_KINDS.join('|')}> --name <name> --authority <issuing body> [--code <code>]
        --username <login> --display-name <name>
      First run: creates the host unit and its first administrator (only while no unit exists).
      The password is read from ${PASSWORD_VARIABLE}; without it a temporary one is printed,
      to be changed at the first sign-in.
      e.g. npm run admin -- setup --kind province --name "Tỉnh Phú Thọ" --authority "UBND TỈNH PHÚ THỌ" --code 25 --username admin --display-name "Quản trị tỉnh"
  reset-password <username>
      Prints a temporary password for the account (to be changed at sign-in) and ends its sessions.
  enable <username>
      Enables a disabled account again (e.g. an administrator of the top unit: another
      administrator of the same unit cannot, only one of a unit above).
  list-admins
      Lists the administrator accounts.
  signing-key --unit <code|id> --p12 <file.p12> --passphrase-file <file>
      Installs a unit's certificate for signing its minutes (PKCS#12 with an RSA key) into
      SIGNING_DIR, after checking that it opens with the passphrase; both files mode 0600.
      Replaces the unit's earlier certificate.
The database is the one of DATA_DIR (default ./data); run "npm run db:deploy" first on a new one.
`;

/** A mistake in the command line: usage printed, exit code 2. */
class UsageError extends Error {}

function out(text: string): void {
	process.stdout.write(`${text}\n`);
}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
	const value = values[name];
	if (typeof value !== 'string' || value.trim() === '') {
		throw new UsageError(`--${name} is required`);
	}
	return value;
}

/** What the commands work with: the server's own repositories and services on the database of DATA_DIR. */
type Context = { users: UsersRepository; accounts: AccountsService; audit: AuditService; setup: SetupRepository; units: SigningUnitsRepository; signingDir: string };

function contextOf(db: Parameters<typeof createUsersRepository>[0], signingDir: string): Context {
	const users = createUsersRepository(db);
	// No sockets and no subscribers live in this process: ending a session deletes it, and the
	// server's sockets of it are refused at their next request (they check their session).
	const events = new AccessEventBus(() => undefined);
	const auth = createAuthService({ users, sessions: createSessionsRepository(db), events });
	const accounts = createAccountsService({
		users,
		resets: createPasswordResetsRepository(db),
		endSessionsOf: (userId, reason) => auth.endSessionsOf(userId, reason),
		events,
	});
	return {
		users,
		accounts,
		audit: createAuditService(createAuditRepository(db)),
		setup: createSetupRepository(db),
		units: createSigningUnitsRepository(db),
		signingDir,
	};
}

/** A command checks its arguments first, then gets the database: a typo opens nothing. */
type Command = (args: string[]) => (context: Context) => Promise<void>;

const setup: Command = (args) => {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			kind: { type: 'string' },
			name: { type: 'string' },
			authority: { type: 'string' },
			code: { type: 'string' },
			username: { type: 'string' },
			'display-name': { type: 'string' },
		},
	});
	if (positionals.length > 0) {
		throw new UsageError(`unexpected ${positionals.join(' ')}`);
	}
	const unit = { kind: required(values, 'kind'), name: required(values, 'name'), authority: required(values, 'authority'), ...(values.code === undefined ? {} : { code: values.code }) };
	// Set but empty (GIAOBAN_ADMIN_PASSWORD= on the command line) counts as not set.
	const given = process.env[PASSWORD_VARIABLE] === '' ? undefined : process.env[PASSWORD_VARIABLE];
	const password = given ?? generatePassword(TEMPORARY_PASSWORD_LENGTH);
	const admin = { username: required(values, 'username').toLowerCase(), displayName: required(values, 'display-name'), password };
	// The same schemas as POST /api/setup, and the same rules after them (setUpHost).
	const unitError = Value.Errors(SetupInput.properties.unit, unit)[0];
	if (unitError) {
		throw new UsageError(`--${unitError.instancePath.replace(/^\//, '')}: ${unitError.message}`);
	}
	const adminError = Value.Errors(SetupInput.properties.admin, admin)[0];
	if (adminError) {
		const field = adminError.instancePath.replace(/^\//, '');
		throw new UsageError(`${field === 'password' ? PASSWORD_VARIABLE : `--${field === 'displayName' ? 'display-name' : field}`}: ${adminError.message}`);
	}
	if (!Value.Check(SetupInput.properties.unit, unit)) {
		throw new UsageError('the unit is not valid');
	}
	return async (context) => {
		const { unitId, user } = await setUpHost(context.setup, { unit, admin, mustChangePassword: given === undefined });
		await context.audit.record('setup.completed', { actorId: null, unitId, detail: { unitId, kind: unit.kind, username: user.username, via: 'cli' } });
		out(`Set up: ${user.unit.name} (${user.unit.kind}, id ${unitId}), administrator ${user.username}.`);
		if (given === undefined) {
			out(`Temporary password of ${user.username} (shown once; to be changed at the first sign-in): ${password}`);
		}
	};
};

function usernameArgument(command: string, args: string[]): string {
	const [username, ...rest] = args;
	if (!username || rest.length > 0) {
		throw new UsageError(`${command} takes one username`);
	}
	if (!Value.Check(Username, username.toLowerCase())) {
		throw new UsageError(`${username} is not a username`);
	}
	return username;
}

const resetPassword: Command = (args) => {
	const username = usernameArgument('reset-password', args);
	return async ({ accounts, audit }) => {
		const { account, temporaryPassword, sessionsEnded } = await accounts.resetByOperator(username);
		await audit.record('user.password_reset', {
			actorId: null,
			unitId: account.unit.id,
			detail: { userId: account.id, username: account.username, mode: 'temporary', sessionsEnded, via: 'cli' },
		});
		out(`Temporary password of ${account.username} (shown once; to be changed at sign-in): ${temporaryPassword}`);
		out(`${sessionsEnded} session(s) ended.${account.disabled ? ` The account is disabled: enable it before it can sign in (npm run admin -- enable ${account.username}).` : ''}`);
	};
};

const enable: Command = (args) => {
	const username = usernameArgument('enable', args);
	return async ({ accounts, audit }) => {
		const account = await accounts.enableByOperator(username);
		await audit.record('user.enabled', { actorId: null, unitId: account.unit.id, detail: { userId: account.id, username: account.username, via: 'cli' } });
		out(`Enabled: ${account.username} (${account.unit.name}) can sign in again.${account.mustChangePassword ? ' It must change its temporary password at sign-in.' : ''}`);
	};
};

const listAdmins: Command = (args) => {
	if (args.length > 0) {
		throw new UsageError('list-admins takes no arguments');
	}
	return async ({ users }) => {
		const admins = await users.listAdmins();
		if (admins.length === 0) {
			out('No administrator account (run: npm run admin -- setup --help).');
			return;
		}
		for (const admin of admins) {
			const flags = [admin.disabled ? `disabled: npm run admin -- enable ${admin.username}` : '', admin.mustChangePassword ? 'must change password' : ''].filter(Boolean).join(', ');
			out(`${admin.username.padEnd(20)} ${admin.displayName.padEnd(30)} ${admin.unit.name}${flags ? ` (${flags})` : ''}`);
		}
	};
};

const signingKey: Command = (args) => {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: { unit: { type: 'string' }, p12: { type: 'string' }, 'passphrase-file': { type: 'string' } },
	});
	if (positionals.length > 0) {
		throw new UsageError(`unexpected ${positionals.join(' ')}`);
	}
	const unitRef = required(values, 'unit');
	const p12File = required(values, 'p12');
	// A file, not an argument: a passphrase on the command line ends up in the shell history and `ps`.
	const passphraseFile = required(values, 'passphrase-file');
	return async ({ units, signingDir }) => {
		const unit = await units.findByIdOrCode(unitRef);
		if (!unit) {
			throw new Error(`No unit with id or code ${unitRef}`);
		}
		const [p12, passphrase] = await Promise.all([readFile(p12File), readFile(passphraseFile, 'utf8').then(trimPassphrase)]);
		const certificate = await installSigningKey(signingDir, unit.id, p12, passphrase);
		out(`Installed the signing certificate of ${unit.name} (id ${unit.id}): ${certificate.commonName}, serial ${certificate.serialNumber}, valid ${certificate.notBefore.slice(0, 10)} to ${certificate.notAfter.slice(0, 10)}, issued by ${certificate.issuer}.`);
		if (new Date(certificate.notAfter) < new Date()) {
			out('Warning: the certificate has expired; signatures made with it will show an expired certificate.');
		}
	};
};

const commands: Record<string, Command> = { setup, 'reset-password': resetPassword, enable, 'list-admins': listAdmins, 'signing-key': signingKey };

async function main(): Promise<number> {
	const [name, ...args] = process.argv.slice(2);
	if (!name || name === '--help' || name === '-h' || args.includes('--help') || args.includes('-h')) {
		process.stdout.write(USAGE);
		return name ? 0 : 2;
	}
	const command = commands[name];
	if (!command) {
		process.stderr.write(`No command ${name}.\n${USAGE}`);
		return 2;
	}
	const run = command(args);
	const config = loadConfig();
	const db = await openDatabase({ file: config.databaseFile, synchronous: config.sqliteSynchronous });
	try {
		await run(contextOf(db, config.signingDir));
		return 0;
	} finally {
		await db.$disconnect();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		// parseArgs refuses unknown options and missing values with ERR_PARSE_ARGS_* codes.
		if (error instanceof UsageError || String((error as { code?: unknown } | null)?.code).startsWith('ERR_PARSE_ARGS')) {
			process.stderr.write(`${(error as Error).message}\n${USAGE}`);
			process.exit(2);
		}
		if (error instanceof ConfigError) {
			process.stderr.write(`${error.message}\n`);
			process.exit(2);
		}
		// Refusals (setup_done, password_common, no such account…) and a database not set up: the message says what to do.
		const message = error instanceof AppError ? `${error.message}${error.field ? ` (${error.field === 'admin/password' ? PASSWORD_VARIABLE : error.field})` : ''}` : error instanceof Error ? error.message : String(error);
		process.stderr.write(`Failed: ${message}\n`);
		process.exit(1);
	}
);
