import { useCallback } from 'react';
import { ERROR_CODES, ERROR_REASONS, type ErrorCode, type ErrorReason } from '#shared/protocol/index.ts';
import { ApiError } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { RequestError } from '../signaling/socket.ts';

/** The code and finer reason of anything thrown by api(), upload() or request(); 'internal' for the rest. */
export function errorCause(error: unknown): { code: ErrorCode | 'network'; reason: ErrorReason | undefined; field: string | undefined } {
	if (error instanceof ApiError || error instanceof RequestError) {
		return { code: error.code, reason: error.reason, field: error.field };
	}
	return { code: 'internal', reason: undefined, field: undefined };
}

const isReason = (value: unknown): value is ErrorReason => (ERROR_REASONS as readonly unknown[]).includes(value);
const isCode = (value: unknown): value is ErrorCode => (ERROR_CODES as readonly unknown[]).includes(value);

/**
 * Any error as a sentence in the current language: by its reason when the server gave one, else
 * by its code. The server's English message is never shown (it is for logs and API users).
 */
export function useErrorText(): (error: unknown) => string {
	const { t } = useI18n();
	return useCallback(
		(error: unknown) => {
			const { code, reason } = errorCause(error);
			if (isReason(reason)) {
				return t(`errors.reason.${reason}`);
			}
			return t(code === 'network' ? 'errors.code.network' : isCode(code) ? `errors.code.${code}` : 'errors.code.internal');
		},
		[t]
	);
}
