import { MIN_PASSWORD_LENGTH, MIN_USERNAME_IN_PASSWORD } from '#shared/api/auth.ts';
import { InvalidPayloadError } from '../../lib/errors.ts';

/** Shortest remainder of "Password123!" compared with the list once its trailing digits and symbols are cut. */
const MIN_STEM = 4;

let common: Promise<ReadonlySet<string>> | undefined;

/**
 * The ~50 000 most common passwords of breach corpora (zxcvbn-ts's list), lower case. Loaded on
 * the first password set, not at start: the list costs a few megabytes the server rarely needs.
 */
function commonPasswords(): Promise<ReadonlySet<string>> {
	common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));
	return common;
}

export type PolicyInput = {
	/** The account's username: a password containing it is the first thing guessed. */
	username: string;
	/** The input's name in the request, sent back as AckError.field (newPassword, admin/password, password). */
	field: string;
};

/**
 * Refuses a new password that online guessing under the sign-in rate limit would find: too short,
 * one of the passwords every guessing list starts with (also as "Matkhau123!": the list's word
 * with digits and symbols appended), or the username itself. Thrown as invalid_payload with the
 * reason the form translates and `field`.
 */
export async function checkPasswordPolicy(password: string, { username, field }: PolicyInput): Promise<void> {
	const normalized = password.normalize('NFC');
	// Code points, not UTF-16 units: "Đồng" is four characters to the person typing it.
	if ([...normalized].length < MIN_PASSWORD_LENGTH) {
		throw new InvalidPayloadError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`, { reason: 'password_too_short', field });
	}
	const lower = normalized.toLowerCase();
	const name = username.normalize('NFC').toLowerCase();
	if (name.length >= MIN_USERNAME_IN_PASSWORD && lower.includes(name)) {
		throw new InvalidPayloadError('The password must not contain the username', { reason: 'password_contains_username', field });
	}
	const list = await commonPasswords();
	const stem = lower.replace(/[\p{N}\p{P}\p{S}\s]+$/u, '');
	if (list.has(lower) || (stem.length >= MIN_STEM && list.has(stem))) {
		throw new InvalidPayloadError('The password is one of the most common ones; choose another', { reason: 'password_common', field });
	}
}
