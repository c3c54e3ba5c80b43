import type { MessageKey } from '../i18n/vi.ts';

/** getUserMedia failures, in words a commune operator can act on. */
export function mediaErrorMessage(error: unknown): MessageKey | null {
	const name = error instanceof DOMException ? error.name : '';
	switch (name) {
		case 'NotAllowedError':
		case 'SecurityError': {
			return 'error.permissionDenied';
		}
		case 'NotFoundError':
		case 'OverconstrainedError': {
			return 'error.noDevice';
		}
		case 'NotReadableError':
		case 'AbortError': {
			return 'error.deviceBusy';
		}
		default: {
			return null;
		}
	}
}
