import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyAddr from '@fastify/proxy-addr';
import type { Config } from '../config/env.ts';
import { requestOrigin } from './public-origin.ts';

/**
 * What the check needs of a request. A Fastify request fits as it is (its protocol and host honour
 * TRUST_PROXY); a raw Node request (socket.io's handshake) goes through `rawRequestView`.
 */
export type RequestLike = {
	protocol: string;
	host: string | undefined;
	headers: { origin?: string | undefined };
};

/** `https://Example.vn:443` and `https://example.vn` are the same origin; anything unparsable is none. */
function normalise(value: string): string | null {
	try {
		const origin = new URL(value).origin;
		return origin === 'null' ? null : origin;
	} catch {
		return null;
	}
}

/**
 * Whether a page of the request's Origin may use this server with the user's cookie: the origin of
 * PUBLIC_URL when set, else the origin the request was served on, and every ALLOWED_ORIGINS entry.
 * A request without Origin is allowed: browsers always send it on WebSocket handshakes and on
 * cross-site writes, so its absence means a non-browser client, which carries no victim's cookie.
 */
export function allowedOrigin(request: RequestLike, config: Pick<Config, 'publicUrl' | 'allowedOrigins'>): boolean {
	const header = request.headers.origin;
	if (header === undefined) {
		return true;
	}
	const origin = normalise(header);
	if (origin === null) {
		return false;
	}
	// Without PUBLIC_URL, the origin the page was served on (requestOrigin, shared with the links).
	const served = request.host ? requestOrigin({ protocol: request.protocol, host: request.host }) : null;
	const own = config.publicUrl ?? (served === null ? null : normalise(served));
	return origin === own || config.allowedOrigins.includes(origin);
}

export type RawRequestView = RequestLike & {
	/** The client's address: the TCP peer, or the X-Forwarded-For entry a trusted proxy added. */
	ip: string;
};

/** The entry the nearest proxy added: the last of a comma-separated (or repeated) header. */
function lastEntry(header: string | string[] | undefined): string | undefined {
	const value = (Array.isArray(header) ? header.at(-1) : header)?.split(',').at(-1)?.trim();
	return value === '' ? undefined : value;
}

/**
 * Reads a raw Node request the way Fastify reads its own with the same TRUST_PROXY (Fastify 5
 * lib/request.js): X-Forwarded-For/-Proto/-Host count only when the TCP peer is a trusted proxy. Compiled once; socket.io's handshakes do not pass through
 * Fastify, yet their address, scheme and host must agree with the HTTP side's.
 */
export function rawRequestView(trustProxy: Config['trustProxy']): (request: IncomingMessage) => RawRequestView {
	const trusts: (address: string, hop: number) => boolean =
		trustProxy === true ? () => true : trustProxy === false ? () => false : proxyAddr.compile(trustProxy);
	return (request) => {
		const peer = request.socket.remoteAddress ?? '';
		const fromProxy = peer !== '' && trusts(peer, 0);
		const origin = request.headers.origin;
		return {
			ip: proxyAddr(request, trusts) ?? peer,
			protocol: (fromProxy ? lastEntry(request.headers['x-forwarded-proto']) : undefined) ?? ((request.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http'),
			host: (fromProxy ? lastEntry(request.headers['x-forwarded-host']) : undefined) ?? request.headers.host,
			headers: origin === undefined ? {} : { origin },
		};
	};
}
