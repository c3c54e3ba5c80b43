import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useErrorText } from './error-text.ts';

export function LoginForm() {
	const { t } = useI18n();
	const { login } = useSession();
	const errorText = useErrorText();
	const [username, setUsername] = useState('');
	const [password, setPassword] = useState('');
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		try {
			await login(username, password);
		} catch (e) {
			if (e instanceof ApiError && e.code === 'rate_limited') {
				setError(t('login.rateLimited'));
			} else if (e instanceof ApiError && e.code === 'unauthorized') {
				setError(t('login.failed'));
			} else {
				setError(errorText(e));
			}
		} finally {
			setBusy(false);
		}
	};

	return (
		<form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
			<h2 id="login-title">{t('login.title')}</h2>
			<label>
				{t('login.username')}
				<input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
			</label>
			<label>
				{t('login.password')}
				<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
			</label>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
			<button type="submit" className="primary" disabled={busy}>
				{t('login.submit')}
			</button>
		</form>
	);
}
