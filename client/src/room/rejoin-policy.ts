import type { ErrorCode } from '#shared/protocol/index.ts';
import { RequestError } from '../signaling/socket.ts';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * The wait before the next rejoin after `failures` failed ones in a row: 1 s, 2 s, 4 s … up to
 * 30 s, each ±25 %. The jitter matters after a server restart or a worker death, when every site
 * of the meeting drops at once: without it they would all come back in the same instant, again
 * and again. The ranges of consecutive failures do not overlap, so the wait still grows.
 */
export function rejoinDelay(failures: number, random: () => number = Math.random): number {
	const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
	return Math.round(base * (0.75 + 0.5 * random()));
}

/**
 * Answers to room:join that no retry can change: the session or the join link is no longer valid
 * (unauthorized, forbidden), the meeting is gone (not_found) or over (invalid_state: ended or
 * cancelled), or the request itself is wrong (invalid_payload, a client bug). Retrying those would
 * keep the site in "reconnecting" for ever instead of telling the operator.
 *
 * Everything else is worth retrying: unavailable is a request timeout (weak link, server
 * restarting) or a server without a media worker yet; internal is usually a worker that died
 * during the request; rate_limited and conflict pass by themselves. Failures after the server
 * accepted the join (transport and producer requests, the browser's WebRTC calls) are retried
 * too: the join was allowed, so they come from the connection or the media server, not from a
 * decision about this site. An invalid_state there means the server dropped the membership
 * meanwhile (a media failure moved the meeting to a new room), and a fresh join repairs it.
 */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unauthorized', 'forbidden', 'not_found', 'invalid_state', 'invalid_payload']);

export function isJoinRefusal(error: unknown): boolean {
	return error instanceof RequestError && REFUSALS.has(error.code);
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
