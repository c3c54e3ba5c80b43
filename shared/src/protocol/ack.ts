/** Machine-readable error codes carried by socket acks and HTTP error bodies. */
export const ERROR_CODES = [
	'invalid_payload',
	'unauthorized',
	'forbidden',
	'not_found',
	'invalid_state',
	'conflict',
	'rate_limited',
	'payload_too_large',
	'unavailable',
	'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Finer, machine-readable causes that a client shows in the user's language (the message stays
 * English, for logs and API users). Optional: a client falls back to a message per ErrorCode.
 * Only causes a user can bring about and act on belong here; a bug or an API misuse needs none.
 */
export const ERROR_REASONS = [
	// Joining a meeting
	'link_invalid',
	'link_other_meeting',
	'meeting_ended',
	'meeting_cancelled',
	'role_cannot_join',
	// In the room
	'chair_muted',
	'not_in_meeting',
	'not_waiting',
	'not_asking_floor',
	'no_floor',
	// Scheduling and changing a meeting (with `field`)
	'title_blank',
	'ends_before_start',
	'date_out_of_range',
	'meeting_too_long',
	'meeting_live',
	// Meeting documents
	'file_type_not_accepted',
	'file_empty',
	'too_many_files',
	// Signing in and passwords
	'wrong_credentials',
	'wrong_password',
	'password_unchanged',
	'password_too_short',
	'password_common',
	'password_contains_username',
	'password_change_required',
	'reset_link_invalid',
	// Administration (with `field` where one input is at fault)
	'setup_done',
	'setup_token_invalid',
	'username_taken',
	'unit_code_taken',
	'unit_name_taken',
	'unit_inactive',
	'unit_not_managed',
	'unit_in_use',
	'unit_kind_not_allowed',
	'merge_invalid',
	'import_has_errors',
	'own_account',
	'account_chairs_meetings',
	'admin_peer',
	'last_admin',
	// Minutes and documents
	'minutes_exists',
	'minutes_not_editable',
	'minutes_incomplete',
	'minutes_wrong_status',
	'meeting_not_started',
	'signing_key_missing',
	'signed_file_mismatch',
	'signature_invalid',
	'file_corrupted',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

/**
 * `field`: the input at fault, as a path into the request without the leading slash ("endsAt",
 * "agenda/0/title"), so that a form can show the message beside it.
 */
export type AckError = { code: ErrorCode; message: string; reason?: ErrorReason; field?: string };

/** Every client→server request is answered with exactly one Ack. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

export function ok<T>(data: T): Ack<T> {
	return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, detail: { reason?: ErrorReason; field?: string } = {}): Ack<never> {
	return { ok: false, error: { code, message, ...detail } };
}
