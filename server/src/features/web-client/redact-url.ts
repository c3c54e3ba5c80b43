/** Query parameters that carry a join token, compared in lower case. */
const TOKEN_PARAMS = new Set(['token', 'invitationtoken']);

const REDACTED = '[redacted]';

function decodeKey(key: string): string {
	try {
		return decodeURIComponent(key.replace(/\+/g, ' '));
	} catch {
		return key;
	}
}

/** Path segments followed by a secret: join links (/join/, /api/join/) and password reset links (/password-reset/, /api/password-reset/). */
const SECRET_SEGMENT = /(\/(?:join|password-reset)\/)[^/]+/gi;

/** Each run of percent-escapes decoded, those that are not UTF-8 left as they are ("/%zz/%E1%BB" stays). */
function decodePath(path: string): string {
	return path.replace(/(?:%[0-9a-f]{2})+/gi, (escapes) => {
		try {
			return decodeURIComponent(escapes);
		} catch {
			return escapes;
		}
	});
}

/**
 * A request URL as it may be written to the log. A join token admits a commune room to its meeting
 * by itself, a reset link sets someone's password, and access logs are read, shipped and kept by
 * more people than the link holders, so the path segment after /join/ or /password-reset/ and the
 * value of a token or invitationToken parameter are replaced. The router matches the decoded path
 * ("/api/password%2Dreset/…" is the reset route), so a path is redacted as decoded.
 */
export function redactUrl(url: string): string {
	const queryAt = url.indexOf('?');
	const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
	const decoded = decodePath(rawPath);
	// Logged as sent unless a secret had to be cut out of it.
	const path = decoded.search(SECRET_SEGMENT) === -1 ? rawPath : decoded.replace(SECRET_SEGMENT, `$1${REDACTED}`);
	if (queryAt === -1) {
		return path;
	}
	const query = url
		.slice(queryAt + 1)
		.split('&')
		.map((pair) => {
			const key = pair.split('=', 1)[0] ?? '';
			return TOKEN_PARAMS.has(decodeKey(key).toLowerCase()) ? `${key}=${REDACTED}` : pair;
		})
		.join('&');
	return `${path}?${query}`;
}
