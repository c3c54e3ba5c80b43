import type { MessageKey } from '../i18n/vi.ts';

const nameOf = (error: unknown): string => (error instanceof DOMException || error instanceof Error ? error.name : '');

/** getUserMedia failures, in words a commune operator can act on. */
export function mediaErrorMessage(error: unknown): MessageKey | null {
	switch (nameOf(error)) {
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

/**
 * Why the camera could not be opened while the microphone could: the pre-join screen then offers
 * to join with the microphone only (many commune offices have no webcam), saying why in one line.
 */
export function cameraProblem(error: unknown): MessageKey {
	switch (nameOf(error)) {
		case 'NotAllowedError':
		case 'SecurityError': {
			return 'join.noCamera.denied';
		}
		case 'NotReadableError':
		case 'AbortError': {
			return 'join.noCamera.busy';
		}
		default: {
			return 'join.noCamera.notFound';
		}
	}
}

/** Why the microphone could not be opened: the one failure that stops a site from joining, with the fix. */
export function microphoneProblem(error: unknown): MessageKey {
	switch (nameOf(error)) {
		case 'NotAllowedError':
		case 'SecurityError': {
			return 'join.noMic.denied';
		}
		case 'NotFoundError':
		case 'OverconstrainedError': {
			return 'join.noMic.notFound';
		}
		case 'NotReadableError':
		case 'AbortError': {
			return 'join.noMic.busy';
		}
		default: {
			return 'join.noMic.other';
		}
	}
}
