import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { copyText } from '../meetings/join-links.tsx';

/**
 * A temporary password or reset link, in the one reply that carries it: the server keeps only its
 * hash, so the box says so, and stays until dismissed (not on a timer: it must be written down).
 */
export function SecretBox({ title, secret, note, onClose }: { title: string; secret: string; note?: string; onClose: () => void }) {
	const { t } = useI18n();
	const [copied, setCopied] = useState<boolean | null>(null);
	const box = useRef<HTMLElement>(null);
	useEffect(() => {
		box.current?.scrollIntoView({ block: 'nearest' });
		box.current?.focus();
	}, [secret]);
	return (
		<section ref={box} className="secret-box" role="region" aria-labelledby="secret-title" tabIndex={-1} data-testid="secret-box">
			<h3 id="secret-title">{title}</h3>
			<div className="secret-row">
				<input readOnly value={secret} aria-label={title} data-testid="secret-value" onFocus={(e) => e.target.select()} spellCheck={false} />
				<button type="button" data-testid="secret-copy" onClick={() => void copyText(secret).then(setCopied)}>
					{t(copied ? 'links.copied' : 'links.copy')}
				</button>
			</div>
			{copied === false && <p className="error">{t('links.copyFailed')}</p>}
			{note && <p>{note}</p>}
			<p className="warning">{t('secret.once')}</p>
			<button type="button" onClick={onClose} data-testid="secret-close">
				{t('secret.close')}
			</button>
		</section>
	);
}
