import { useRef, useState, type FormEvent } from 'react';
import { MIN_PASSWORD_LENGTH, MIN_USERNAME_IN_PASSWORD, type PasswordChangeInput } from '#shared/api/auth.ts';
import { api } from '../api/http.ts';
import { useFieldErrors, type FieldErrors } from '../admin/field-errors.tsx';
import { useI18n } from '../i18n/index.tsx';
import { navigate } from '../router.tsx';
import { useSession } from './session.tsx';
import '../admin/admin.css';

type Translate = ReturnType<typeof useI18n>['t'];

/**
 * The checks of the password policy a browser can make (length, the username inside, the repeat),
 * before sending: the server checks them again and also refuses common passwords.
 */
export function checkNewPassword(t: Translate, input: { username: string; password: string; repeat: string }, fields: { password: string; repeat: string }): FieldErrors {
	const errors: FieldErrors = {};
	const username = input.username.trim().toLowerCase();
	// Characters as the person typing counts them (code points of the composed form), as the server does.
	if ([...input.password.normalize('NFC')].length < MIN_PASSWORD_LENGTH) {
		errors[fields.password] = t('errors.reason.password_too_short');
	} else if (username.length >= MIN_USERNAME_IN_PASSWORD && input.password.normalize('NFC').toLowerCase().includes(username)) {
		errors[fields.password] = t('errors.reason.password_contains_username');
	}
	if (input.repeat !== input.password) {
		errors[fields.repeat] = t('password.mismatch');
	}
	return errors;
}

/** The rule, said before anyone fails it. */
export function PasswordHint({ id }: { id: string }) {
	const { t } = useI18n();
	return (
		<p className="hint" id={id} data-testid="password-hint">
			{t('password.policy', { min: MIN_PASSWORD_LENGTH })}
		</p>
	);
}

/**
 * Changing one's own password: forced after a sign-in with a temporary password (nothing else is
 * shown until it is done), or chosen from the top bar (/account/password).
 */
export function ChangePasswordPage({ forced }: { forced: boolean }) {
	const { t } = useI18n();
	const { user, refresh } = useSession();
	const formRef = useRef<HTMLFormElement>(null);
	const fields = useFieldErrors(formRef, 'password');
	const [current, setCurrent] = useState('');
	const [next, setNext] = useState('');
	const [repeat, setRepeat] = useState('');
	const [busy, setBusy] = useState(false);
	const [done, setDone] = useState(false);

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		fields.reset();
		setDone(false);
		const errors: FieldErrors = current === '' ? { currentPassword: t('errors.field.required') } : {};
		Object.assign(errors, checkNewPassword(t, { username: user?.username ?? '', password: next, repeat }, { password: 'newPassword', repeat: 'repeat' }));
		if (Object.keys(errors).length > 0) {
			fields.show(errors);
			return;
		}
		setBusy(true);
		try {
			await api('POST', '/api/auth/password', { currentPassword: current, newPassword: next } satisfies PasswordChangeInput);
			setCurrent('');
			setNext('');
			setRepeat('');
			// The session no longer must change its password: the refreshed session lets the page
			// show what was asked for (a forced change stays on the same address).
			await refresh();
			if (!forced) {
				setDone(true);
			}
		} catch (error) {
			fields.showServerError(error, { newPassword: 'password.invalid' });
		} finally {
			setBusy(false);
		}
	};

	return (
		<form ref={formRef} className="card form admin-form narrow" onSubmit={(e) => void submit(e)} aria-labelledby="password-title" noValidate data-testid="change-password">
			<h2 id="password-title">{t(forced ? 'password.forcedTitle' : 'password.title')}</h2>
			{forced && <p className="notice">{t('password.forcedIntro')}</p>}
			{/* A password manager files the new password under this name. */}
			<input type="text" name="username" autoComplete="username" value={user?.username ?? ''} readOnly hidden />
			<label>
				{t(forced ? 'password.temporary' : 'password.current')}
				<input
					name="currentPassword"
					type="password"
					autoComplete="current-password"
					value={current}
					onChange={(e) => {
						setCurrent(e.target.value);
						fields.clear('currentPassword');
					}}
					{...fields.props('currentPassword')}
				/>
				{fields.message('currentPassword')}
			</label>
			<label>
				{t('password.new')}
				<input
					name="newPassword"
					type="password"
					autoComplete="new-password"
					value={next}
					onChange={(e) => {
						setNext(e.target.value);
						fields.clear('newPassword');
					}}
					{...fields.props('newPassword', 'password-policy')}
				/>
				{fields.message('newPassword')}
			</label>
			<PasswordHint id="password-policy" />
			<label>
				{t('password.repeat')}
				<input
					name="repeatPassword"
					type="password"
					autoComplete="new-password"
					value={repeat}
					onChange={(e) => {
						setRepeat(e.target.value);
						fields.clear('repeat');
					}}
					{...fields.props('repeat')}
				/>
				{fields.message('repeat')}
			</label>
			{fields.summary()}
			{done && (
				<p role="status" className="inline-done" data-testid="password-changed">
					{t('password.changed')}
				</p>
			)}
			<div className="actions">
				<button type="submit" className="primary" disabled={busy} data-testid="change-password-submit">
					{t('password.submit')}
				</button>
				{!forced && (
					<button type="button" onClick={() => navigate('/')}>
						{t('common.back')}
					</button>
				)}
			</div>
		</form>
	);
}
