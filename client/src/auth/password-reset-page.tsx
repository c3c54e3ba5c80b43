import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { PasswordResetInfo, PasswordResetUse } from '#shared/api/accounts.ts';
import { api } from '../api/http.ts';
import { useFieldErrors } from '../admin/field-errors.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { errorCause, useErrorText } from '../ui/error-text.ts';
import { formatDateTime } from '../ui/format-date.ts';
import { checkNewPassword, PasswordHint } from './change-password.tsx';
import '../admin/admin.css';

const RESET_PATH = '/password-reset';

/**
 * The token of the reset page at this path: in the path of the link as given
 * (/password-reset/<token>), or, once the page has taken it out of the address, in the history
 * entry's state (a reload still finds it; the address bar, a shared screen or a copied URL do not
 * show it). Null: not the reset page.
 */
export function resetTokenOf(path: string): string | null {
	const inPath = /^\/password-reset\/([A-Za-z0-9_-]{16,128})$/.exec(path)?.[1];
	if (inPath) {
		return inPath;
	}
	if (path !== RESET_PATH) {
		return null;
	}
	const state: unknown = history.state;
	const kept = typeof state === 'object' && state !== null ? (state as { resetToken?: unknown }).resetToken : undefined;
	// Opened without a token (typed by hand): the page says the link is not valid.
	return typeof kept === 'string' ? kept : '';
}

type Load = { state: 'loading' } | { state: 'ready'; info: PasswordResetInfo } | { state: 'invalid' } | { state: 'failed'; error: unknown } | { state: 'done' };

/** /password-reset/<token>: the one-time link an administrator gave; public (its owner cannot sign in). */
export function PasswordResetPage({ token }: { token: string }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const formRef = useRef<HTMLFormElement>(null);
	const fields = useFieldErrors(formRef, 'reset');
	const [load, setLoad] = useState<Load>({ state: 'loading' });
	const [password, setPassword] = useState('');
	const [repeat, setRepeat] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		if (location.pathname !== RESET_PATH) {
			history.replaceState({ resetToken: token }, '', RESET_PATH);
		}
	}, [token]);

	useEffect(() => {
		if (token === '') {
			setLoad({ state: 'invalid' });
			return;
		}
		api<PasswordResetInfo>('GET', `/api/password-reset/${encodeURIComponent(token)}`).then(
			(info) => setLoad({ state: 'ready', info }),
			(error: unknown) => setLoad(errorCause(error).code === 'not_found' ? { state: 'invalid' } : { state: 'failed', error })
		);
	}, [token]);

	if (load.state === 'loading') {
		return <p className="card">{t('reset.loading')}</p>;
	}
	if (load.state === 'invalid' || load.state === 'failed') {
		return (
			<section className="card admin-form narrow" aria-labelledby="reset-title" data-testid="reset-invalid">
				<h2 id="reset-title">{t('reset.title')}</h2>
				<p role="alert" className="error">
					{load.state === 'invalid' ? t('errors.reason.reset_link_invalid') : errorText(load.error)}
				</p>
				<Link to="/">{t('reset.toSignIn')}</Link>
			</section>
		);
	}
	if (load.state === 'done') {
		return (
			<section className="card admin-form narrow" aria-labelledby="reset-title" data-testid="reset-done">
				<h2 id="reset-title">{t('reset.title')}</h2>
				<p role="status" className="inline-done">
					{t('reset.done')}
				</p>
				<Link to="/" className="button primary">
					{t('reset.toSignIn')}
				</Link>
			</section>
		);
	}
	const { info } = load;

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		fields.reset();
		const errors = checkNewPassword(t, { username: info.username, password, repeat }, { password: 'newPassword', repeat: 'repeat' });
		if (Object.keys(errors).length > 0) {
			fields.show(errors);
			return;
		}
		setBusy(true);
		try {
			await api('POST', `/api/password-reset/${encodeURIComponent(token)}`, { newPassword: password } satisfies PasswordResetUse);
			setLoad({ state: 'done' });
		} catch (error) {
			if (errorCause(error).reason === 'reset_link_invalid') {
				setLoad({ state: 'invalid' });
			} else {
				fields.showServerError(error, { newPassword: 'password.invalid' });
			}
		} finally {
			setBusy(false);
		}
	};

	return (
		<form ref={formRef} className="card form admin-form narrow" onSubmit={(e) => void submit(e)} aria-labelledby="reset-title" noValidate data-testid="reset-form">
			<h2 id="reset-title">{t('reset.title')}</h2>
			<p data-testid="reset-for">{t('reset.for', { name: info.displayName, username: info.username })}</p>
			<p className="meta">{t('reset.expires', { time: formatDateTime(info.expiresAt) })}</p>
			<input type="text" name="username" autoComplete="username" value={info.username} readOnly hidden />
			<label>
				{t('password.new')}
				<input
					name="newPassword"
					type="password"
					autoComplete="new-password"
					value={password}
					onChange={(e) => {
						setPassword(e.target.value);
						fields.clear('newPassword');
					}}
					{...fields.props('newPassword', 'reset-policy')}
				/>
				{fields.message('newPassword')}
			</label>
			<PasswordHint id="reset-policy" />
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
			<button type="submit" className="primary" disabled={busy}>
				{t('reset.submit')}
			</button>
		</form>
	);
}
