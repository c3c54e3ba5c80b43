import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

type Range = { address: string; prefix: number; family: 'ipv4' | 'ipv6' };

/**
 * Who may read /metrics: a listed address or range (the client address as Fastify knows it,
 * TRUST_PROXY applied), or anyone presenting the bearer token. IPv4 addresses seen as IPv6
 * (::ffff:10.0.0.5, from a dual-stack socket) are checked as IPv4.
 */
export function metricsAccess(allowed: readonly Range[], token: string | null): (address: string, authorization: string | undefined) => boolean {
	const list = new BlockList();
	for (const range of allowed) {
		list.addSubnet(range.address, range.prefix, range.family);
	}
	const expected = token === null ? null : Buffer.from(`Bearer ${token}`);
	return (address, authorization) => {
		if (expected && authorization) {
			const given = Buffer.from(authorization);
			if (given.length === expected.length && timingSafeEqual(given, expected)) {
				return true;
			}
		}
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
		const plain = mapped ?? address;
		const family = isIP(plain);
		return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
	};
}
