import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

/**
 * A modal with fields (the chair's comment, the issuing access), for the confirmations that need
 * an answer beyond yes/no; ui/confirm-dialog.tsx covers the rest. Escape or "Quay lại" cancels.
 */
export function FormDialog({
	title,
	message,
	confirmLabel,
	danger = false,
	busy,
	error = null,
	canConfirm,
	onConfirm,
	onCancel,
	children,
	testId,
}: {
	title: string;
	message: string;
	confirmLabel: string;
	danger?: boolean;
	busy: boolean;
	error?: string | null;
	canConfirm: boolean;
	onConfirm: () => void;
	onCancel: () => void;
	children: ReactNode;
	testId: string;
}) {
	const { t } = useI18n();
	const dialog = useRef<HTMLDialogElement>(null);
	useEffect(() => {
		const element = dialog.current;
		if (element && !element.open) {
			element.showModal();
		}
		return () => element?.close();
	}, []);
	const submit = (event: FormEvent) => {
		event.preventDefault();
		if (canConfirm && !busy) {
			onConfirm();
		}
	};
	return (
		<dialog
			ref={dialog}
			className="confirm minutes-dialog"
			data-testid={testId}
			aria-labelledby={`${testId}-title`}
			aria-describedby={`${testId}-message`}
			onCancel={(event) => {
				event.preventDefault();
				if (!busy) {
					onCancel();
				}
			}}
		>
			<form onSubmit={submit} className="form">
				<h2 id={`${testId}-title`}>{title}</h2>
				<p id={`${testId}-message`}>{message}</p>
				{children}
				{error && (
					<p role="alert" className="inline-error" data-testid={`${testId}-error`}>
						{error}
					</p>
				)}
				<div className="confirm-actions">
					<button type="button" disabled={busy} onClick={onCancel} data-testid={`${testId}-cancel`}>
						{t('confirm.cancel')}
					</button>
					<button type="submit" className={danger ? 'danger-solid' : 'primary'} disabled={busy || !canConfirm} data-testid={`${testId}-confirm`}>
						{confirmLabel}
					</button>
				</div>
			</form>
		</dialog>
	);
}
