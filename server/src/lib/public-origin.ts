import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Config } from '../config/env.ts';
import { AppError } from './errors.ts';

/** Where the browser says it reached us; Fastify's request is one (behind a trusted proxy, X-Forwarded-*). */
export type RequestLike = { protocol: string; host: string };

export type OriginConfig = Pick<Config, 'publicUrl' | 'allowedOrigins' | 'host'> & { mediasoup: Pick<Config['mediasoup'], 'announcedAddress'> };

/**
 * 421 Misdirected Request (RFC 9110 15.5.20): this server will not speak for that Host. Links
 * built on it would send invited communes wherever the sender of the header wanted.
 */
export class UntrustedHostError extends AppError {
	constructor() {
		// The Host is not repeated: nothing answered to it carries it (it is in the request log).
		super('invalid_payload', 'This address is not a known one of this server, so no link can be built on it: set PUBLIC_URL, or list the origin in ALLOWED_ORIGINS', 421);
	}
}

// A DNS name or IPv4 literal, or a bracketed IPv6 literal, and an optional port: nothing a URL
// parser could read as user info, a path or a different host.
const HOST_SYNTAX = /^(?:\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::\d{1,5})?$/i;

/** `protocol://host` as the request reached us when it has the shape of an origin, else null. */
export function requestOrigin(request: RequestLike): string | null {
	const protocol = String(request.protocol).toLowerCase();
	if ((protocol !== 'http' && protocol !== 'https') || !HOST_SYNTAX.test(request.host)) {
		return null;
	}
	return `${protocol}://${request.host.toLowerCase()}`;
}

function isLoopback(hostname: string): boolean {
	// RFC 6761: browsers resolve localhost and *.localhost to loopback themselves.
	if (hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]') {
		return true;
	}
	return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/** An IP literal this machine owns: the one we listen on, the one we announce, or any interface's. */
function isOwnAddress(hostname: string, config: OriginConfig): boolean {
	const address = hostname.replace(/^\[(.*)\]$/, '$1');
	if (isIP(address) === 0) {
		return false;
	}
	if (address === config.host || address === config.mediasoup.announcedAddress) {
		return true;
	}
	return Object.values(networkInterfaces()).some((list) => list?.some((info) => info.address === address) ?? false);
}

/**
 * The request's origin when it is one we know we serve: listed in ALLOWED_ORIGINS, loopback, or an
 * IP address of this machine (a LAN test without a name). Any other Host is the client's word only.
 */
export function trustedRequestOrigin(request: RequestLike, config: OriginConfig): string | null {
	const origin = requestOrigin(request);
	if (origin === null) {
		return null;
	}
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return null; // e.g. a port above 65535
	}
	if (config.allowedOrigins.includes(url.origin) || isLoopback(url.hostname) || isOwnAddress(url.hostname, config)) {
		return origin;
	}
	return null;
}

/**
 * The origin join links and calendar URLs are built on: PUBLIC_URL (required in production), else
 * the request's origin if trusted. Throws UntrustedHostError rather than reflect an unknown Host.
 */
export function publicOrigin(request: RequestLike, config: OriginConfig): string {
	if (config.publicUrl !== null) {
		return config.publicUrl;
	}
	const origin = trustedRequestOrigin(request, config);
	if (origin === null) {
		throw new UntrustedHostError();
	}
	return origin;
}
