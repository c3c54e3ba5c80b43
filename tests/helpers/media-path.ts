import { execFileSync } from 'node:child_process';

/**
 * The media network of the namespace tests: the server's WebRTC address and the browser's, on a
 * veth pair inside a network namespace made for the test run (scripts/test-netns.mjs). Signalling
 * stays on 127.0.0.1, so a test can cut a site's media path while its socket.io connection lives
 * on, which is what an ICE failure looks like.
 */
export const MEDIA_NET = { server: '10.77.0.1', browser: '10.77.0.2' } as const;

/** The rule priority of the cut; it sits before the local table, moved to 100 by the setup. */
const CUT_PREF = '10';

/** iproute2's `ip` and `tc`, run in this (the test) namespace. */
const iproute2 =
	(command: 'ip' | 'tc') =>
	(...args: string[]): string =>
		execFileSync(command, args, { encoding: 'utf8' });
const ip = iproute2('ip');
const tc = iproute2('tc');

/** True only inside the private namespace that scripts/test-netns.mjs creates. */
export function inTestNamespace(): boolean {
	return process.env['GIAOBAN_NETNS'] === '1';
}

/** Builds the media network in a fresh namespace; refuses to touch a namespace that has other links. */
export function setUpMediaNetwork(): void {
	if (!inTestNamespace()) {
		throw new Error('the namespace tests run only through scripts/test-netns.mjs (npm run test:netns)');
	}
	const links = ip('-o', 'link', 'show')
		.split('\n')
		.filter(Boolean)
		.map((line) => line.split(':')[1]!.trim().split('@')[0]);
	if (links.some((name) => name !== 'lo')) {
		throw new Error(`refusing to change a network namespace that has links other than lo: ${links.join(', ')}`);
	}
	ip('link', 'set', 'lo', 'up');
	ip('link', 'add', 'gb0', 'type', 'veth', 'peer', 'name', 'gb1');
	ip('addr', 'add', `${MEDIA_NET.server}/24`, 'dev', 'gb0');
	ip('addr', 'add', `${MEDIA_NET.browser}/24`, 'dev', 'gb1');
	ip('link', 'set', 'gb0', 'up');
	ip('link', 'set', 'gb1', 'up');
	// Local delivery is decided by the `local` table at priority 0; move it behind the cut's rule.
	ip('rule', 'add', 'pref', '100', 'lookup', 'local');
	ip('rule', 'del', 'pref', '0');
}

/**
 * Drops everything the server sends from its WebRTC address (media, STUN and DTLS, over UDP and
 * TCP, or over UDP only, as behind a firewall that lets only TCP through). The browsers see what a failed rural link looks like from their end: silence, with no
 * error on their own sockets (a route-level drop towards them would fail their sends at once,
 * which only happens when a local interface goes away).
 */
export function cutMediaPath(protocol?: 'udp'): void {
	ip('rule', 'add', 'pref', CUT_PREF, 'from', MEDIA_NET.server, ...(protocol ? ['ipproto', protocol] : []), 'blackhole');
}

/**
 * Shapes what the server sends from its WebRTC address to `kbit` kbit/s behind a short queue:
 * every site's downlink degrades (as on a congested rural line) while uplinks and signalling keep
 * their speed.
 */
export function limitDownlinks(kbit: number): void {
	tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '20');
	tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', `${kbit}kbit`);
	tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '10gbit');
	tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:10', 'handle', '10:', 'pfifo', 'limit', '50');
	tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'src', `${MEDIA_NET.server}/32`, 'flowid', '1:10');
}

/** Undoes cutMediaPath and limitDownlinks. */
export function restoreMediaPath(): void {
	if (ip('rule', 'show', 'pref', CUT_PREF).trim() !== '') {
		ip('rule', 'del', 'pref', CUT_PREF);
	}
	if (tc('qdisc', 'show', 'dev', 'lo').includes('htb')) {
		tc('qdisc', 'del', 'dev', 'lo', 'root');
	}
}
