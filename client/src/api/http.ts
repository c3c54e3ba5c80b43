import type { ApiError as ApiErrorBody } from '#shared/api/common.ts';
import type { ErrorCode, ErrorReason } from '#shared/protocol/index.ts';

/** An HTTP error with the server's machine-readable code. */
export class ApiError extends Error {
	readonly code: ErrorCode | 'network';
	readonly status: number;
	readonly reason: ErrorReason | undefined;
	readonly field: string | undefined;

	constructor(code: ErrorCode | 'network', message: string, status: number, detail: { reason?: ErrorReason | undefined; field?: string | undefined } = {}) {
		super(message);
		this.name = 'ApiError';
		this.code = code;
		this.status = status;
		this.reason = detail.reason;
		this.field = detail.field;
	}
}

let csrfToken = '';

/** The session's CSRF token, sent on every write (the session cookie alone is not enough). */
export function setCsrfToken(token: string): void {
	csrfToken = token;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			credentials: 'same-origin',
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }),
			},
			body: body === undefined ? null : JSON.stringify(body),
		});
	} catch (error) {
		throw new ApiError('network', error instanceof Error ? error.message : 'network error', 0);
	}
	return parse<T>(response);
}

async function parse<T>(response: Response): Promise<T> {
	if (response.status === 204) {
		return undefined as T;
	}
	const data = (await response.json().catch(() => ({}))) as Partial<ApiErrorBody> & { reason?: ErrorReason; field?: string };
	if (!response.ok) {
		throw new ApiError(data.code ?? 'internal', data.message ?? response.statusText, response.status, { reason: data.reason, field: data.field });
	}
	return data as T;
}

/** Uploads one file as multipart/form-data (field "file"). */
export async function upload<T>(path: string, file: File): Promise<T> {
	const form = new FormData();
	form.append('file', file);
	let response: Response;
	try {
		response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken }, body: form });
	} catch (error) {
		throw new ApiError('network', error instanceof Error ? error.message : 'network error', 0);
	}
	return parse<T>(response);
}

/** Posts a file's bytes as the body with its own content type (a signed PDF coming back), not as a form. */
export async function postFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
	let response: Response;
	try {
		response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': contentType, 'x-csrf-token': csrfToken }, body: file });
	} catch (error) {
		throw new ApiError('network', error instanceof Error ? error.message : 'network error', 0);
	}
	return parse<T>(response);
}
