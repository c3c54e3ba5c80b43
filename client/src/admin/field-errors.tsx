import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { errorCause, useErrorText } from '../ui/error-text.ts';

/** Field name (as the server names it: "name", "admin/password") → its message. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * Messages beside the inputs of one form, as the scheduling form shows them: each input carries
 * data-field with the server's name for it; the first one at fault (in the order of the form) gets
 * the focus once the message is rendered, so that a screen reader reads both.
 */
export function useFieldErrors(formRef: RefObject<HTMLFormElement | null>, idPrefix: string) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const [errors, setErrors] = useState<FieldErrors>({});
	/** A message about the whole form (no field named, or one this form does not show). */
	const [formError, setFormError] = useState<string | null>(null);
	const focusPending = useRef(false);

	useEffect(() => {
		if (!focusPending.current || !formRef.current) {
			return;
		}
		focusPending.current = false;
		const first = [...formRef.current.querySelectorAll<HTMLElement>('[data-field]')].find((el) => errors[el.dataset['field'] ?? ''] !== undefined);
		first?.focus();
	}, [errors, formRef]);

	const show = useCallback((next: FieldErrors) => {
		focusPending.current = true;
		setErrors(next);
	}, []);

	const clear = useCallback((field: string) => {
		setErrors((current) => {
			if (!(field in current)) {
				return current;
			}
			const { [field]: _gone, ...rest } = current;
			return rest;
		});
	}, []);

	const reset = useCallback(() => {
		setErrors({});
		setFormError(null);
	}, []);

	/**
	 * Shows a refused request: beside the input the server named when this form has it, else above
	 * the button. A schema refusal names the field but no reason; `hints` gives that field's rule in
	 * words ("3–64 chữ thường…") instead of the generic "not valid".
	 */
	const showServerError = useCallback(
		(error: unknown, hints: Partial<Record<string, MessageKey>> = {}) => {
			const { field, reason, code } = errorCause(error);
			const hint = field ? hints[field] : undefined;
			const message = reason === undefined && code === 'invalid_payload' && hint ? t(hint) : errorText(error);
			if (field && formRef.current?.querySelector(`[data-field="${CSS.escape(field)}"]`)) {
				setFormError(null);
				show({ [field]: message });
			} else {
				setErrors({});
				setFormError(message);
			}
		},
		[errorText, formRef, show, t]
	);

	const idOf = (field: string) => `${idPrefix}-error-${field.replaceAll('/', '-')}`;

	/** data-field, aria-invalid and aria-describedby for an input; `describedBy`: the id of a hint it always has. */
	const props = (field: string, describedBy?: string) => {
		const ids = [errors[field] === undefined ? '' : idOf(field), describedBy ?? ''].filter(Boolean).join(' ');
		return { 'data-field': field, ...(errors[field] === undefined ? {} : { 'aria-invalid': true as const }), ...(ids ? { 'aria-describedby': ids } : {}) };
	};

	const message = (field: string) =>
		errors[field] !== undefined && (
			<span className="field-error" id={idOf(field)} data-testid={`field-error-${field.replaceAll('/', '-')}`}>
				{errors[field]}
			</span>
		);

	const summary = () => (
		<>
			{Object.keys(errors).length > 0 && (
				<p role="alert" className="error" data-testid="form-error">
					{t('errors.form.invalid')}
				</p>
			)}
			{formError && (
				<p role="alert" className="error" data-testid="form-error">
					{formError}
				</p>
			)}
		</>
	);

	return { errors, show, clear, reset, showServerError, setFormError, props, message, summary };
}
