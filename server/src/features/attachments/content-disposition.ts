import { cleanFileName } from './file-types.ts';

/** RFC 8187 ext-value: encodeURIComponent leaves ' ( ) * bare, which are not attr-chars. */
function encodeExtValue(text: string): string {
	return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The name for clients that ignore filename*: Vietnamese without its marks, other non-ASCII as _. */
function asciiFallback(name: string): string {
	return name
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.replace(/đ/g, 'd')
		.replace(/Đ/g, 'D')
		.replace(/[^\x20-\x7e]|["\\%]/g, '_');
}

/**
 * `attachment` with the stored name cleaned again (rows written before the cleaning rules may hold
 * bidi overrides), in UTF-8 through filename* (RFC 6266) and as ASCII for older clients.
 */
export function attachmentDisposition(originalName: string): string {
	const name = cleanFileName(originalName);
	return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
