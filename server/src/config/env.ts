import { availableParallelism, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../lib/errors.ts';
import { databaseFile } from './database-file.ts';
import { setupWhisperCli } from './paths.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const WORKER_LOG_LEVELS = ['debug', 'warn', 'error', 'none'] as const;
const SYNCHRONOUS = ['FULL', 'NORMAL'] as const;

type Variable<T> = {
	description: string;
	/** Shown in the README's configuration table. */
	defaultText: string;
	parse: (raw: string | undefined, env: NodeJS.ProcessEnv) => T;
};

/** An empty variable counts as unset, as in most shells' `VAR= command`. */
function given(raw: string | undefined): string | undefined {
	return raw === '' ? undefined : raw;
}

function integer(min: number, max: number, fallback: () => number) {
	return (raw: string | undefined): number => {
		const text = given(raw);
		if (text === undefined) {
			return fallback();
		}
		const value = Number(text);
		if (!Number.isInteger(value) || value < min || value > max) {
			throw new Error(`must be an integer from ${min} to ${max}`);
		}
		return value;
	};
}

function decimal(min: number, max: number, fallback: number) {
	return (raw: string | undefined): number => {
		const text = given(raw);
		if (text === undefined) {
			return fallback;
		}
		const value = Number(text);
		if (!Number.isFinite(value) || value < min || value > max) {
			throw new Error(`must be a number from ${min} to ${max}`);
		}
		return value;
	};
}

/** "min-max", inclusive, within 1024..65535. */
function portRange(fallback: string) {
	return (raw: string | undefined): { min: number; max: number } => {
		const match = /^(\d{4,5})-(\d{4,5})$/.exec((given(raw) ?? fallback).trim());
		const min = Number(match?.[1]);
		const max = Number(match?.[2]);
		if (!match || min < 1024 || max > 65535 || max - min < 9) {
			throw new Error('must be a port range such as 30000-30999 (at least 10 ports, within 1024-65535)');
		}
		return { min, max };
	};
}

function oneOf<const T extends readonly string[]>(choices: T, fallback: T[number]) {
	return (raw: string | undefined): T[number] => {
		const value = given(raw) ?? fallback;
		if (!choices.includes(value)) {
			throw new Error(`must be one of ${choices.join(', ')}`);
		}
		return value;
	};
}

function boolean(fallback: boolean) {
	return (raw: string | undefined): boolean => {
		const text = given(raw)?.toLowerCase();
		if (text === undefined) {
			return fallback;
		}
		if (['1', 'true', 'yes'].includes(text)) {
			return true;
		}
		if (['0', 'false', 'no'].includes(text)) {
			return false;
		}
		throw new Error('must be true or false');
	};
}

function checkIp(value: string): string {
	if (isIP(value) === 0) {
		throw new Error('must be an IPv4 or IPv6 address');
	}
	return value;
}

function ip(fallback: string) {
	return (raw: string | undefined): string => checkIp(given(raw) ?? fallback);
}

/** Fastify's `trustProxy`: false trusts no X-Forwarded-* header, true any peer's, a list those peers'. */
export type TrustProxy = boolean | string[];

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function checkProxyAddress(item: string): string {
	if (PROXY_NAMES.includes(item)) {
		return item;
	}
	const [address = '', prefix, ...rest] = item.split('/');
	const family = isIP(address);
	const bits = family === 4 ? 32 : 128;
	// Only a prefix length after the slash: proxy-addr also reads netmasks, nobody writes them.
	if (family === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) {
		throw new Error('must be true, false, or a comma-separated list of addresses or CIDR ranges (or loopback, linklocal, uniquelocal)');
	}
	return item;
}

/** Addresses and CIDR ranges (IPv4 or IPv6) as [address, prefix length]. */
function addressList(fallback: string) {
	return (raw: string | undefined): { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[] =>
		(given(raw) ?? fallback)
			.split(',')
			.map((item) => item.trim())
			.filter((item) => item !== '')
			.map((item) => {
				const [address = '', prefix, ...rest] = item.split('/');
				const family = isIP(address);
				const bits = family === 4 ? 32 : 128;
				if (family === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) {
					throw new Error('must be a comma-separated list of addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8');
				}
				return { address, prefix: prefix === undefined ? bits : Number(prefix), family: family === 4 ? 'ipv4' : 'ipv6' };
			});
}

function trustProxy(raw: string | undefined): TrustProxy {
	const text = given(raw)?.trim();
	if (text === undefined || ['0', 'false', 'no'].includes(text.toLowerCase())) {
		return false;
	}
	if (['true', 'yes'].includes(text.toLowerCase())) {
		return true;
	}
	// Fastify 5.12.1 dropped hop counts (a count trusts whichever peer connects, so a client that
	// reaches the server directly writes its own X-Forwarded-*); naming the proxy is the safe form.
	if (/^\d+$/.test(text)) {
		throw new Error('takes no hop count: name the proxy, e.g. 127.0.0.1, loopback or 10.0.0.0/8 (or true when nothing but the proxy reaches the server)');
	}
	return text
		.split(',')
		.map((item) => item.trim())
		.filter((item) => item !== '')
		.map(checkProxyAddress);
}

/** The first non-internal IPv4 address: what a browser on the LAN can reach when nothing is configured. */
function guessAnnouncedAddress(): string {
	for (const list of Object.values(networkInterfaces())) {
		for (const info of list ?? []) {
			if (info.family === 'IPv4' && !info.internal) {
				return info.address;
			}
		}
	}
	return '127.0.0.1';
}

/** Every environment variable the server reads. The README's configuration table mirrors this. */
export const variables = {
	HOST: { description: 'Address the HTTP server listens on', defaultText: '0.0.0.0', parse: (raw) => given(raw) ?? '0.0.0.0' },
	PORT: { description: 'HTTP port', defaultText: '8080', parse: integer(0, 65535, () => 8080) },
	DATA_DIR: {
		description: 'Folder for the SQLite database (giaoban.db) and stored files',
		defaultText: './data',
		parse: (_raw, env) => databaseFile(env),
	},
	LOG_LEVEL: { description: 'pino log level', defaultText: 'info', parse: oneOf(LOG_LEVELS, 'info') },
	MEDIASOUP_WORKERS: {
		description: 'Number of mediasoup worker processes (one per core is right for an SFU)',
		defaultText: 'number of CPU cores',
		parse: integer(1, 64, () => availableParallelism()),
	},
	MEDIASOUP_LOG_LEVEL: {
		description: 'Log level of the mediasoup workers',
		defaultText: 'warn',
		parse: oneOf(WORKER_LOG_LEVELS, 'warn'),
	},
	RTC_LISTEN_IP: {
		description: 'Address the WebRTC servers bind (UDP and TCP)',
		defaultText: '0.0.0.0',
		parse: ip('0.0.0.0'),
	},
	RTC_ANNOUNCED_ADDRESS: {
		description: 'Address put in ICE candidates: the public or LAN address browsers reach',
		defaultText: 'RTC_LISTEN_IP, or the first LAN IPv4 when that is 0.0.0.0 / ::',
		parse: (raw, env) => {
			const value = given(raw);
			if (value !== undefined) {
				return checkIp(value);
			}
			const listen = given(env['RTC_LISTEN_IP']) ?? '0.0.0.0';
			return listen === '0.0.0.0' || listen === '::' ? guessAnnouncedAddress() : listen;
		},
	},
	RTC_PORT: {
		description: 'First WebRTC port: worker i listens on RTC_PORT + i, UDP and TCP',
		defaultText: '40000',
		parse: integer(1024, 65000, () => 40000),
	},
	RTC_INTERNAL_PORTS: {
		description:
			'Loopback UDP ports the mediasoup workers use to hand tracks to the recorders and to pipe a meeting between workers (never opened to the network; apart from RTC_PORT and RECORDING_PORTS)',
		defaultText: '31000-31999',
		parse: portRange('31000-31999'),
	},
	RECORDING_PORTS: {
		description: 'Loopback UDP ports on which the recorders (ffmpeg) receive the tracks: two per recorded track (RTP and RTCP)',
		defaultText: '30000-30999',
		parse: portRange('30000-30999'),
	},
	RECORDING_SEGMENT_SECONDS: {
		description: 'Length of the recording segment files: a crash loses at most the segment being written',
		defaultText: '10',
		parse: integer(2, 60, () => 10),
	},
	RECORDING_RETENTION_DAYS: {
		description:
			'Recordings and audio (personal data, Law 91/2025) are deleted this many days after the meeting ended; the transcript and the minutes stay. 0 keeps them until deleted by hand',
		defaultText: '90',
		parse: integer(0, 36500, () => 90),
	},
	BACKUP_DIR: {
		description:
			'Folder (outside DATA_DIR, ideally another disk) for scheduled backups of the database and stored files; empty turns them off. `npm run backup` writes here too unless given --to',
		defaultText: '(empty: no scheduled backups)',
		parse: (raw) => {
			const value = given(raw);
			return value === undefined ? null : resolve(value);
		},
	},
	BACKUP_INTERVAL_HOURS: {
		description: 'Hours between scheduled backups (when BACKUP_DIR is set)',
		defaultText: '24',
		parse: integer(1, 720, () => 24),
	},
	BACKUP_KEEP: {
		description: 'Scheduled backups kept in BACKUP_DIR; older ones are deleted after each new one',
		defaultText: '7',
		parse: integer(1, 1000, () => 7),
	},
	SHUTDOWN_TIMEOUT_MS: {
		description: 'Longest graceful shutdown after SIGTERM/SIGINT before the process exits anyway',
		defaultText: '10000',
		parse: integer(100, 120000, () => 10000),
	},
	DEMO_DATA: {
		description: 'Create a demo district, communes and accounts when the database is empty',
		defaultText: 'true',
		parse: boolean(true),
	},
	PUBLIC_URL: {
		description: 'Origin put in join links and calendar files, e.g. https://giaoban.songlo.gov.vn',
		defaultText: 'required when NODE_ENV=production; otherwise the origin of a trusted request Host',
		parse: (raw, env) => {
			const value = given(raw);
			if (value === undefined) {
				// Without it links come from the Host header, which only a list of trusted hosts makes
				// safe; a production server states its address instead of guessing it.
				if (env['NODE_ENV'] === 'production') {
					throw new Error('is required when NODE_ENV=production: the https origin browsers use, e.g. https://giaoban.songlo.gov.vn');
				}
				return null;
			}
			const url = new URL(value);
			if (url.protocol !== 'https:' && url.protocol !== 'http:') {
				throw new Error('must be an http(s) URL');
			}
			return url.origin;
		},
	},
	ALLOWED_ORIGINS: {
		description:
			'Extra origins (comma-separated, e.g. https://giaoban.example.vn) whose pages may open sockets and send writes; the origin of PUBLIC_URL, or else of the Host served, is always allowed',
		defaultText: '(none)',
		parse: (raw) =>
			(given(raw) ?? '')
				.split(',')
				.map((item) => item.trim())
				.filter((item) => item !== '')
				.map((item) => {
					const url = new URL(item);
					if (url.protocol !== 'https:' && url.protocol !== 'http:') {
						throw new Error('must list http(s) origins');
					}
					return url.origin;
				}),
	},
	TRUST_PROXY: {
		description:
			'Which peers may set X-Forwarded-For/-Proto/-Host (the client address, and HTTPS for Secure cookies and HSTS): comma-separated addresses/CIDRs such as 127.0.0.1 or loopback,10.0.0.0/8, or true (any peer: only when nothing but the proxy reaches the server)',
		defaultText: 'false (trust no forwarded header)',
		parse: trustProxy,
	},
	METRICS_ALLOWED: {
		description: 'Addresses and CIDR ranges that may read /metrics (Prometheus), as the client address is known (TRUST_PROXY); others get 403',
		defaultText: '127.0.0.1,::1',
		parse: addressList('127.0.0.1,::1'),
	},
	METRICS_TOKEN: {
		description: 'A bearer token that also opens /metrics from anywhere (Authorization: Bearer <token>); at least 24 characters; empty: addresses only',
		defaultText: '(empty: addresses only)',
		parse: (raw) => {
			const value = given(raw);
			if (value !== undefined && value.length < 24) {
				throw new Error('must be at least 24 characters (a random string, e.g. openssl rand -hex 24)');
			}
			return value ?? null;
		},
	},
	ATTACHMENT_MAX_MB: {
		description: 'Largest meeting attachment accepted, in MiB',
		defaultText: '25',
		parse: integer(1, 1024, () => 25),
	},
	MEETING_EMPTY_END_MINUTES: {
		description: 'A live meeting nobody has been in for this many minutes ends by itself (decimals allowed)',
		defaultText: '15',
		parse: decimal(0.01, 1440, 15),
	},
	SITE_DOWNLINK_KBPS: {
		description: 'Downlink budget per site (kbit/s): caps the video a site receives (large tile layer, thumbnail count) and the sending rate towards it',
		defaultText: '3200',
		parse: integer(300, 100_000, () => 3200),
	},
	GALLERY_MAX_THUMBNAILS: {
		description: 'Most thumbnails a site receives at once (the rest of a large meeting is paged); the downlink budget may allow fewer',
		defaultText: '12',
		parse: integer(1, 49, () => 12),
	},
	LAST_N_SPEAKERS: {
		description: 'Recent speakers every site keeps in its thumbnail strip (0: none)',
		defaultText: '4',
		parse: integer(0, 12, () => 4),
	},
	MEETING_END_GRACE_MINUTES: {
		description: 'After its planned end plus this many minutes, a live meeting ends as soon as nobody is in it',
		defaultText: '30',
		parse: decimal(0, 1440, 30),
	},
	SQLITE_SYNCHRONOUS: {
		description: 'SQLite synchronous mode: FULL loses no acknowledged write on power loss',
		defaultText: 'FULL',
		parse: oneOf(SYNCHRONOUS, 'FULL'),
	},
	WHISPER_CLI: {
		description: 'The whisper.cpp command-line program that transcribes recordings',
		defaultText: '.cache/whisper/1.9.1/bin/whisper-cli (built by the setup)',
		parse: (raw, env) => resolve(given(raw) ?? setupWhisperCli(env)),
	},
	WHISPER_MODEL: {
		description: 'whisper.cpp ggml model file (e.g. PhoWhisper-small converted to ggml)',
		defaultText: '(none: transcription answers that no model is configured)',
		// Resolved now: the path means the same whatever the process's working directory becomes.
		parse: (raw) => {
			const value = given(raw);
			return value === undefined ? null : resolve(value);
		},
	},
	WHISPER_THREADS: {
		description: 'Threads one transcription uses (it runs at the lowest CPU priority)',
		defaultText: '2',
		parse: integer(1, 64, () => 2),
	},
	WHISPER_LANGUAGE: {
		description: 'Spoken language given to whisper.cpp (forced, never detected: PhoWhisper is a Vietnamese fine-tune)',
		defaultText: 'vi',
		parse: (raw) => {
			const value = given(raw) ?? 'vi';
			// whisper-cli exits 0 without a result on a language it does not know, so the shape is checked here.
			if (!/^[a-z]{2,3}$/.test(value)) {
				throw new Error('must be a whisper.cpp language code such as vi or en');
			}
			return value;
		},
	},
	CHROMIUM_PATH: {
		description: 'The Chromium program that prints the minutes to PDF (run headless, without JavaScript or network)',
		defaultText: '/usr/bin/chromium',
		parse: (raw) => resolve(given(raw) ?? '/usr/bin/chromium'),
	},
	SIGNING_DIR: {
		description:
			'Folder of the units\' signing certificates for the minutes: <unit id>.p12 and <unit id>.pass, installed with npm run admin -- signing-key (mode 0600)',
		defaultText: '<DATA_DIR>/signing',
		parse: (raw, env) => resolve(given(raw) ?? join(dirname(databaseFile(env)), 'signing')),
	},
} satisfies Record<string, Variable<unknown>>;

type Variables = typeof variables;

export type Config = {
	host: string;
	port: number;
	databaseFile: string;
	logLevel: ReturnType<Variables['LOG_LEVEL']['parse']>;
	mediasoup: {
		numWorkers: number;
		logLevel: ReturnType<Variables['MEDIASOUP_LOG_LEVEL']['parse']>;
		listenIp: string;
		announcedAddress: string;
		portBase: number;
		internalPorts: { min: number; max: number };
	};
	recording: { ports: { min: number; max: number }; segmentSeconds: number; retentionDays: number };
	shutdownTimeoutMs: number;
	backup: { dir: string | null; intervalHours: number; keep: number };
	metrics: { allowed: ReturnType<Variables['METRICS_ALLOWED']['parse']>; token: string | null };
	demoData: boolean;
	publicUrl: string | null;
	allowedOrigins: string[];
	trustProxy: TrustProxy;
	attachmentMaxBytes: number;
	meetings: { emptyEndMs: number; endGraceMs: number; downlinkKbps: number; maxThumbnails: number; lastN: number };
	sqliteSynchronous: ReturnType<Variables['SQLITE_SYNCHRONOUS']['parse']>;
	transcription: { whisperCli: string; model: string | null; threads: number; language: string };
	/** The browser that prints the minutes (server/src/features/minutes-render). */
	chromiumPath: string;
	/** The units' signing certificates (server/src/features/signing). */
	signingDir: string;
};

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const problems: string[] = [];
	const read = <K extends keyof Variables>(name: K): ReturnType<Variables[K]['parse']> => {
		try {
			return variables[name].parse(env[name], env) as ReturnType<Variables[K]['parse']>;
		} catch (error) {
			problems.push(`${name} ${(error as Error).message} (got ${JSON.stringify(env[name])})`);
			return undefined as ReturnType<Variables[K]['parse']>;
		}
	};
	const config: Config = {
		host: read('HOST'),
		port: read('PORT'),
		databaseFile: read('DATA_DIR'),
		logLevel: read('LOG_LEVEL'),
		mediasoup: {
			numWorkers: read('MEDIASOUP_WORKERS'),
			logLevel: read('MEDIASOUP_LOG_LEVEL'),
			listenIp: read('RTC_LISTEN_IP'),
			announcedAddress: read('RTC_ANNOUNCED_ADDRESS'),
			portBase: read('RTC_PORT'),
			internalPorts: read('RTC_INTERNAL_PORTS'),
		},
		recording: {
			ports: read('RECORDING_PORTS'),
			segmentSeconds: read('RECORDING_SEGMENT_SECONDS'),
			retentionDays: read('RECORDING_RETENTION_DAYS'),
		},
		shutdownTimeoutMs: read('SHUTDOWN_TIMEOUT_MS'),
		backup: { dir: read('BACKUP_DIR'), intervalHours: read('BACKUP_INTERVAL_HOURS'), keep: read('BACKUP_KEEP') },
		metrics: { allowed: read('METRICS_ALLOWED'), token: read('METRICS_TOKEN') },
		demoData: read('DEMO_DATA'),
		publicUrl: read('PUBLIC_URL'),
		allowedOrigins: read('ALLOWED_ORIGINS'),
		trustProxy: read('TRUST_PROXY'),
		attachmentMaxBytes: read('ATTACHMENT_MAX_MB') * 1024 * 1024,
		meetings: {
			emptyEndMs: Math.round(read('MEETING_EMPTY_END_MINUTES') * 60_000),
			endGraceMs: Math.round(read('MEETING_END_GRACE_MINUTES') * 60_000),
			downlinkKbps: read('SITE_DOWNLINK_KBPS'),
			maxThumbnails: read('GALLERY_MAX_THUMBNAILS'),
			lastN: read('LAST_N_SPEAKERS'),
		},
		sqliteSynchronous: read('SQLITE_SYNCHRONOUS'),
		transcription: {
			whisperCli: read('WHISPER_CLI'),
			model: read('WHISPER_MODEL'),
			threads: read('WHISPER_THREADS'),
			language: read('WHISPER_LANGUAGE'),
		},
		chromiumPath: read('CHROMIUM_PATH'),
		signingDir: read('SIGNING_DIR'),
	};
	if (problems.length === 0) {
		const overlaps = (a: { min: number; max: number }, b: { min: number; max: number }) => a.min <= b.max && b.min <= a.max;
		const rtc = { min: config.mediasoup.portBase, max: config.mediasoup.portBase + config.mediasoup.numWorkers - 1 };
		if (overlaps(config.recording.ports, config.mediasoup.internalPorts)) {
			problems.push('RECORDING_PORTS and RTC_INTERNAL_PORTS must not overlap');
		}
		if (overlaps(config.recording.ports, rtc) || overlaps(config.mediasoup.internalPorts, rtc)) {
			problems.push(`RECORDING_PORTS and RTC_INTERNAL_PORTS must not include the WebRTC ports ${rtc.min}-${rtc.max} (RTC_PORT)`);
		}
	}
	if (problems.length > 0) {
		throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
	}
	return config;
}
