import { createHash } from 'node:crypto';

function sorted(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(sorted);
	}
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((key) => [key, sorted((value as Record<string, unknown>)[key])])
		);
	}
	return value;
}

/**
 * JSON with every object's keys in code-point order: the same content gives the same text (and
 * SHA-256) whatever order a Y.Map or a client happened to produce its keys in.
 */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(sorted(value));
}

export function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}
