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

/**
 * A request URL as it may be written to the log. A join token admits a commune room to its meeting
 * by itself, and access logs are read, shipped and kept by more people than the invited units, so
 * the path segment after /join/ and the value of a token or invitationToken parameter are replaced.
 */
export function redactUrl(url: string): string {
	const queryAt = url.indexOf('?');
	const path = (queryAt === -1 ? url : url.slice(0, queryAt)).replace(/(\/join\/)[^/]+/gi, `$1${REDACTED}`);
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
