/**
 * Text no field of ours may carry: NUL (C libraries, SQLite's C API and file systems cut strings
 * there) and lone UTF-16 surrogates (not valid Unicode; they turn into U+FFFD or fail when encoded,
 * so what is stored would differ from what was accepted).
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** Deeper than any payload of ours (SDP-derived RTP parameters nest about 5 levels). */
const MAX_DEPTH = 32;

/**
 * The path (e.g. "/agenda/0/title") of the first string (or object key) holding NUL or a lone
 * surrogate, or null when the value is clean. Walks arrays and plain objects only. Nesting deeper
 * than MAX_DEPTH counts as unsafe: what is not looked at is not known to be clean (opaque
 * payloads go on to the mediasoup worker, whose JSON parser drops a request with a lone surrogate
 * without ever answering it).
 */
export function findUnsafeText(value: unknown, path = '', depth = 0): string | null {
	if (typeof value === 'string') {
		return UNSAFE.test(value) ? path || '/' : null;
	}
	if (value === null || typeof value !== 'object') {
		return null;
	}
	if (depth > MAX_DEPTH) {
		return path;
	}
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i += 1) {
			const found = findUnsafeText(value[i], `${path}/${i}`, depth + 1);
			if (found !== null) {
				return found;
			}
		}
		return null;
	}
	if (ArrayBuffer.isView(value)) {
		return null;
	}
	for (const [key, item] of Object.entries(value)) {
		if (UNSAFE.test(key)) {
			return `${path}/${key.replace(UNSAFE, '?')}`;
		}
		const found = findUnsafeText(item, `${path}/${key}`, depth + 1);
		if (found !== null) {
			return found;
		}
	}
	return null;
}
