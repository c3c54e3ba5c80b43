import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

/**
 * One choice of a confirmation. `danger` marks the destructive one (shown apart, in red); the
 * dialog's own "Hủy" (cancel) is always there and answers null.
 */
export type ConfirmChoice<T extends string> = { value: T; label: string; danger?: boolean; testId?: string };

export type ConfirmRequest<T extends string> = {
	title: string;
	/** The consequence, in words: what happens and what cannot be undone. */
	message: string;
	choices: ConfirmChoice<T>[];
};

type Ask = <T extends string>(request: ConfirmRequest<T>) => Promise<T | null>;

/** Who asked: a question is withdrawn when the component that asked it goes (the room closed under it). */
type Owner = object;

const ConfirmContext = createContext<{ ask: (owner: Owner, request: ConfirmRequest<string>) => Promise<string | null>; withdraw: (owner: Owner) => void } | null>(null);

type Pending = { owner: Owner; request: ConfirmRequest<string>; resolve: (value: string | null) => void };

/**
 * A modal confirmation that names the consequence, for every destructive action (remove a site,
 * leave as chair, cancel a meeting, renew a link, delete a document). window.confirm is not used:
 * it cannot offer two actions ("Rời phòng" / "Kết thúc cho tất cả"), is not translated by us and
 * blocks the page's media callbacks while open.
 */
export function ConfirmProvider({ children }: { children: ReactNode }) {
	const { t } = useI18n();
	const [pending, setPending] = useState<Pending | null>(null);
	const dialog = useRef<HTMLDialogElement>(null);
	const ask = useCallback(
		(owner: Owner, request: ConfirmRequest<string>) =>
			new Promise<string | null>((resolve) => {
				setPending((previous) => {
					// A second question replaces an unanswered first one: that one counts as cancelled.
					previous?.resolve(null);
					return { owner, request, resolve };
				});
			}),
		[]
	);
	const withdraw = useCallback((owner: Owner) => {
		setPending((current) => {
			if (current?.owner !== owner) {
				return current;
			}
			current.resolve(null);
			dialog.current?.close();
			return null;
		});
	}, []);
	const context = useMemo(() => ({ ask, withdraw }), [ask, withdraw]);
	useEffect(() => {
		const element = dialog.current;
		if (pending && element && !element.open) {
			element.showModal();
		}
	}, [pending]);
	const answer = (value: string | null): void => {
		pending?.resolve(value);
		setPending(null);
		dialog.current?.close();
	};
	return (
		<ConfirmContext.Provider value={context}>
			{children}
			<dialog
				ref={dialog}
				className="confirm"
				data-testid="confirm-dialog"
				aria-labelledby="confirm-title"
				aria-describedby="confirm-message"
				onCancel={(event) => {
					event.preventDefault();
					answer(null);
				}}
			>
				{pending && (
					<>
						<h2 id="confirm-title">{pending.request.title}</h2>
						<p id="confirm-message">{pending.request.message}</p>
						<div className="confirm-actions">
							<button type="button" data-testid="confirm-cancel" autoFocus onClick={() => answer(null)}>
								{t('confirm.cancel')}
							</button>
							{pending.request.choices.map((choice) => (
								<button
									key={choice.value}
									type="button"
									className={choice.danger ? 'danger-solid' : 'primary'}
									data-testid={choice.testId ?? `confirm-${choice.value}`}
									onClick={() => answer(choice.value)}
								>
									{choice.label}
								</button>
							))}
						</div>
					</>
				)}
			</dialog>
		</ConfirmContext.Provider>
	);
}

/**
 * Asks the user; resolves with the chosen value, or null when cancelled (Escape, "Quay lại") or
 * when the asking component unmounts meanwhile (an answer would act on something gone).
 */
export function useConfirm(): Ask {
	const context = useContext(ConfirmContext);
	if (!context) {
		throw new Error('useConfirm outside ConfirmProvider');
	}
	const [owner] = useState<Owner>(() => ({}));
	const { ask, withdraw } = context;
	useEffect(() => () => withdraw(owner), [withdraw, owner]);
	return useCallback(<T extends string>(request: ConfirmRequest<T>) => ask(owner, request) as Promise<T | null>, [ask, owner]);
}
