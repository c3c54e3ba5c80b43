import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Session } from '#shared/api/auth.ts';
import type { SetupInput, SetupState } from '#shared/api/setup.ts';
import { HOST_UNIT_KINDS } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useFieldErrors, type FieldErrors } from '../admin/field-errors.tsx';
import { suggestAuthority } from '../admin/unit-labels.ts';
import { checkNewPassword, PasswordHint } from '../auth/change-password.tsx';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { Link, navigate } from '../router.tsx';
import { errorCause, useErrorText } from '../ui/error-text.ts';
import '../admin/admin.css';

type HostKind = (typeof HOST_UNIT_KINDS)[number];

/** Rules of the inputs a schema checks, in words, for a refusal that names only the field. */
const HINTS: Partial<Record<string, MessageKey>> = {
	'unit/code': 'units.codeRule',
	'admin/username': 'accounts.usernameRule',
	'admin/password': 'password.invalid',
};

/**
 * The token `npm start` prints with the address (…/setup#<token>): in the fragment, which the
 * browser never sends, so it is in no access log. Someone who opened /setup without it pastes it.
 */
function tokenFromHash(): string {
	return decodeURIComponent(location.hash.replace(/^#/, '')).trim();
}

/** Once read, the token leaves the address bar and the history entry (a screen shared, a URL copied). */
function dropTokenFromAddress(): void {
	if (location.hash !== '') {
		history.replaceState(history.state, '', `${location.pathname}${location.search}`);
	}
}

/** /setup: the first run of an empty server: the host unit and its first administrator. */
export function SetupPage() {
	const { t } = useI18n();
	const errorText = useErrorText();
	const { refresh } = useSession();
	const formRef = useRef<HTMLFormElement>(null);
	const fields = useFieldErrors(formRef, 'setup');
	const [needed, setNeeded] = useState<boolean | null>(null);
	const [loadError, setLoadError] = useState<unknown>(null);
	const [token, setToken] = useState(tokenFromHash);
	// The token input shows only when the address had none, or the one it had was refused.
	const [askToken, setAskToken] = useState(() => tokenFromHash() === '');
	const [kind, setKind] = useState<HostKind>('province');
	const [name, setName] = useState('');
	const [authority, setAuthority] = useState('');
	// The issuing-body line follows the name until someone writes their own.
	const [authorityEdited, setAuthorityEdited] = useState(false);
	const [code, setCode] = useState('');
	const [username, setUsername] = useState('');
	const [displayName, setDisplayName] = useState('');
	const [password, setPassword] = useState('');
	const [repeat, setRepeat] = useState('');
	const [busy, setBusy] = useState(false);

	// After the state initialisers above read it.
	useEffect(dropTokenFromAddress, []);

	useEffect(() => {
		api<SetupState>('GET', '/api/setup').then(
			(state) => setNeeded(state.needed),
			(error: unknown) => setLoadError(error)
		);
	}, []);

	if (loadError !== null) {
		return (
			<p role="alert" className="card error">
				{errorText(loadError)}
			</p>
		);
	}
	if (needed === null) {
		return <p className="card">{t('setup.loading')}</p>;
	}
	if (!needed) {
		return (
			<section className="card admin-form narrow" aria-labelledby="setup-title" data-testid="setup-done">
				<h2 id="setup-title">{t('setup.title')}</h2>
				<p>{t('setup.alreadyDone')}</p>
				<Link to="/" className="button primary">
					{t('setup.toSignIn')}
				</Link>
			</section>
		);
	}

	const change = (field: string, set: (value: string) => void) => (e: { target: { value: string } }) => {
		set(e.target.value);
		fields.clear(field);
	};

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		fields.reset();
		const errors: FieldErrors = {};
		const required = t('errors.field.required');
		if (token === '') {
			errors['token'] = required;
		}
		if (name.trim() === '') {
			errors['unit/name'] = required;
		}
		if (authority.trim() === '') {
			errors['unit/authority'] = required;
		}
		if (code.trim() !== '' && !/^[A-Za-z0-9._-]+$/.test(code.trim())) {
			errors['unit/code'] = t('units.codeRule');
		}
		if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(username)) {
			errors['admin/username'] = t('accounts.usernameRule');
		}
		if (displayName.trim() === '') {
			errors['admin/displayName'] = required;
		}
		Object.assign(errors, checkNewPassword(t, { username, password, repeat }, { password: 'admin/password', repeat: 'repeat' }));
		if (Object.keys(errors).length > 0) {
			fields.show(errors);
			return;
		}
		setBusy(true);
		try {
			const input: SetupInput = {
				token,
				unit: { kind, name: name.trim(), authority: authority.trim(), ...(code.trim() ? { code: code.trim() } : {}) },
				admin: { username, displayName: displayName.trim(), password },
			};
			await api<Session>('POST', '/api/setup', input);
			// The reply set the session cookie: the administrator is signed in and goes on to the units.
			await refresh();
			navigate('/admin/units');
		} catch (error) {
			if (errorCause(error).reason === 'setup_done') {
				setNeeded(false);
				return;
			}
			if (errorCause(error).reason === 'setup_token_invalid') {
				setAskToken(true);
				fields.show({ token: t('errors.reason.setup_token_invalid') });
				return;
			}
			fields.showServerError(error, HINTS);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form ref={formRef} className="card wide form admin-form setup-form" onSubmit={(e) => void submit(e)} aria-labelledby="setup-title" noValidate data-testid="setup-form">
			<h2 id="setup-title">{t('setup.title')}</h2>
			<p>{t('setup.intro')}</p>
			{askToken && (
				<label>
					{t('setup.token')}
					<input name="token" value={token} onChange={change('token', setToken)} autoComplete="off" spellCheck={false} {...fields.props('token', 'setup-token-hint')} />
					<span className="hint" id="setup-token-hint">
						{t('setup.tokenHint')}
					</span>
					{fields.message('token')}
				</label>
			)}
			<fieldset>
				<legend>{t('setup.unit')}</legend>
				<label>
					{t('setup.kind')}
					<select name="kind" value={kind} onChange={(e) => setKind(e.target.value as HostKind)} {...fields.props('unit/kind')}>
						{HOST_UNIT_KINDS.map((k) => (
							<option key={k} value={k}>
								{t(`setup.kind.${k}`)}
							</option>
						))}
					</select>
					{fields.message('unit/kind')}
				</label>
				<label>
					{t('units.name')}
					<input
						name="unitName"
						value={name}
						placeholder={t(`setup.namePlaceholder.${kind}`)}
						onChange={(e) => {
							setName(e.target.value);
							fields.clear('unit/name');
							if (!authorityEdited) {
								setAuthority(suggestAuthority(e.target.value));
							}
						}}
						maxLength={120}
						{...fields.props('unit/name')}
					/>
					{fields.message('unit/name')}
				</label>
				<label>
					{t('units.authority')}
					<input
						name="authority"
						value={authority}
						onChange={(e) => {
							setAuthority(e.target.value);
							setAuthorityEdited(true);
							fields.clear('unit/authority');
						}}
						maxLength={160}
						{...fields.props('unit/authority', 'setup-authority-hint')}
					/>
					<span className="hint" id="setup-authority-hint">
						{t('units.authorityHint')}
					</span>
					{fields.message('unit/authority')}
				</label>
				<label>
					{t('units.codeOptional')}
					<input name="code" value={code} onChange={change('unit/code', setCode)} maxLength={20} inputMode="numeric" {...fields.props('unit/code')} />
					{fields.message('unit/code')}
				</label>
			</fieldset>
			<fieldset>
				<legend>{t('setup.admin')}</legend>
				<label>
					{t('accounts.username')}
					<input
						name="username"
						autoComplete="username"
						value={username}
						onChange={change('admin/username', (v) => setUsername(v.toLowerCase()))}
						maxLength={64}
						spellCheck={false}
						{...fields.props('admin/username', 'setup-username-hint')}
					/>
					<span className="hint" id="setup-username-hint">
						{t('accounts.usernameRule')}
					</span>
					{fields.message('admin/username')}
				</label>
				<label>
					{t('accounts.displayName')}
					<input name="displayName" value={displayName} onChange={change('admin/displayName', setDisplayName)} maxLength={120} {...fields.props('admin/displayName')} />
					{fields.message('admin/displayName')}
				</label>
				<label>
					{t('password.new')}
					<input name="password" type="password" autoComplete="new-password" value={password} onChange={change('admin/password', setPassword)} {...fields.props('admin/password', 'setup-policy')} />
					{fields.message('admin/password')}
				</label>
				<PasswordHint id="setup-policy" />
				<label>
					{t('password.repeat')}
					<input name="repeatPassword" type="password" autoComplete="new-password" value={repeat} onChange={change('repeat', setRepeat)} {...fields.props('repeat')} />
					{fields.message('repeat')}
				</label>
			</fieldset>
			{fields.summary()}
			<button type="submit" className="primary" disabled={busy} data-testid="setup-submit">
				{t('setup.submit')}
			</button>
		</form>
	);
}
