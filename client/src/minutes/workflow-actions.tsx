import { useState } from 'react';
import type { MinutesIssueInput, MinutesProblem, MinutesView } from '#shared/api/minutes.ts';
import { api, postFile } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { errorCause, useErrorText } from '../ui/error-text.ts';
import { FormDialog } from './form-dialog.tsx';

export type ActionOutcome = { view: MinutesView; notice: string };

type Props = {
	minutes: MinutesView;
	/** Asks the server what still blocks approval (before the submit question names the count). */
	checkProblems: () => Promise<MinutesProblem[] | null>;
	onDone: (outcome: ActionOutcome) => void;
	/** Any failure; `incomplete` when the server refused approval for missing parts. */
	onError: (error: unknown, incomplete: boolean) => void;
};

/**
 * The buttons of the step the minutes are at, as the server's `abilities` allow them for this
 * user, each behind a question that says what cannot be undone.
 */
export function WorkflowActions({ minutes, checkProblems, onDone, onError }: Props) {
	const { t } = useI18n();
	const { user } = useSession();
	const confirm = useConfirm();
	const [busy, setBusy] = useState(false);
	const [returning, setReturning] = useState(false);
	const [comment, setComment] = useState('');
	const [issuing, setIssuing] = useState(false);
	const [access, setAccess] = useState<MinutesIssueInput['access']>('restricted');
	const [uploadText, setUploadText] = useState<string | null>(null);
	const [dialogError, setDialogError] = useState<string | null>(null);
	const errorText = useErrorText();
	const { abilities, status } = minutes;

	/** `inDialog`: a failure is told inside the open dialog (the page behind it is covered). */
	const run = async (call: () => Promise<MinutesView>, notice: (view: MinutesView) => string, inDialog = false): Promise<boolean> => {
		setBusy(true);
		setDialogError(null);
		try {
			const view = await call();
			onDone({ view, notice: notice(view) });
			return true;
		} catch (e) {
			const incomplete = errorCause(e).reason === 'minutes_incomplete';
			if (inDialog && !incomplete) {
				setDialogError(errorText(e));
			} else {
				onError(e, incomplete);
			}
			return false;
		} finally {
			setBusy(false);
		}
	};
	const post = (action: string, body?: unknown) => () => api<MinutesView>('POST', `/api/minutes/${minutes.id}/${action}`, body);

	const submit = async () => {
		const problems = await checkProblems();
		const message = [t('minutesPage.submitMessage'), problems && problems.length > 0 ? t('minutesPage.submitProblems', { count: problems.length }) : ''].filter(Boolean).join(' ');
		const answer = await confirm({ title: t('minutesPage.submitTitle'), message, choices: [{ value: 'submit', label: t('minutesPage.submitConfirm'), testId: 'confirm-submit-minutes' }] });
		if (answer === 'submit') {
			await run(post('submit'), () => t('minutesPage.notice.submitted'));
		}
	};
	const approve = async () => {
		const answer = await confirm({
			title: t('minutesPage.approveTitle'),
			message: t('minutesPage.approveMessage'),
			choices: [{ value: 'approve', label: t('minutesPage.approveConfirm'), testId: 'confirm-approve-minutes' }],
		});
		if (answer === 'approve') {
			await run(post('approve'), () => t('minutesPage.notice.approved'));
		}
	};
	const sign = async () => {
		const answer = await confirm({
			title: t('minutesPage.signTitle'),
			message: t('minutesPage.signMessage', { name: user?.displayName ?? '' }),
			choices: [{ value: 'sign', label: t('minutesPage.signConfirm'), testId: 'confirm-sign-minutes' }],
		});
		if (answer === 'sign') {
			await run(post('sign'), () => t('minutesPage.notice.signed'));
		}
	};
	const uploadSigned = async (file: File) => {
		if (file.type !== 'application/pdf' && !file.name.toLowerCase().endsWith('.pdf')) {
			setUploadText(t('minutesPage.token.notPdf', { name: file.name }));
			return;
		}
		setUploadText(null);
		const answer = await confirm({
			title: t('minutesPage.token.uploadTitle'),
			message: t('minutesPage.token.uploadMessage', { name: file.name }),
			choices: [{ value: 'upload', label: t('minutesPage.token.uploadConfirm'), testId: 'confirm-upload-signed' }],
		});
		if (answer !== 'upload') {
			return;
		}
		setUploadText(t('minutesPage.token.uploading'));
		await run(
			() => postFile<MinutesView>(`/api/minutes/${minutes.id}/signed-file`, file, 'application/pdf'),
			() => t('minutesPage.notice.uploaded')
		);
		setUploadText(null);
	};

	const waiting =
		status === 'submitted' && !abilities.canApprove
			? t('minutesPage.wait.approve')
			: status === 'approved' && !abilities.canSign && !(abilities.canUploadSigned && !minutes.serverSigning)
				? t('minutesPage.wait.sign')
				: status === 'signed' && !abilities.canIssue
					? t('minutesPage.wait.issue')
					: null;
	const tokenSigning = status === 'approved' && abilities.canUploadSigned && !minutes.serverSigning;

	return (
		<div className="minutes-actions" data-testid="minutes-actions">
			<div className="actions wrap">
				{abilities.canSubmit && (
					<button type="button" className="primary" disabled={busy} onClick={() => void submit()} data-testid="minutes-submit">
						{t('minutesPage.submit')}
					</button>
				)}
				{abilities.canApprove && (
					<button type="button" className="primary" disabled={busy} onClick={() => void approve()} data-testid="minutes-approve">
						{t('minutesPage.approve')}
					</button>
				)}
				{abilities.canReturn && (
					<button
						type="button"
						disabled={busy}
						onClick={() => {
							setComment('');
							setDialogError(null);
							setReturning(true);
						}}
						data-testid="minutes-return"
					>
						{t('minutesPage.return')}
					</button>
				)}
				{abilities.canSign && minutes.serverSigning && (
					<button type="button" className="primary" disabled={busy} onClick={() => void sign()} data-testid="minutes-sign">
						{t('minutesPage.sign')}
					</button>
				)}
				{abilities.canIssue && (
					<button
						type="button"
						className="primary"
						disabled={busy}
						onClick={() => {
							setAccess('restricted');
							setDialogError(null);
							setIssuing(true);
						}}
						data-testid="minutes-issue"
					>
						{t('minutesPage.issue')}
					</button>
				)}
				{waiting && (
					<span className="meta" data-testid="minutes-waiting">
						{waiting}
					</span>
				)}
			</div>
			{tokenSigning && (
				<div className="minutes-token" data-testid="minutes-token">
					<h4>{t('minutesPage.token.title')}</h4>
					<p className="meta">{t('minutesPage.token.help')}</p>
					<div className="actions wrap">
						<a className="button" href={`/api/minutes/${minutes.id}/sign-file`} data-testid="minutes-token-download">
							{t('minutesPage.token.download')}
						</a>
						<label className={`file-pick${busy ? ' disabled' : ''}`}>
							{t('minutesPage.token.upload')}
							<input
								type="file"
								accept="application/pdf,.pdf"
								className="visually-hidden"
								disabled={busy}
								data-testid="minutes-token-upload"
								onChange={(event) => {
									const file = event.target.files?.[0];
									event.target.value = '';
									if (file) {
										void uploadSigned(file);
									}
								}}
							/>
						</label>
					</div>
					{uploadText && (
						<p role="status" className="meta" data-testid="minutes-token-status">
							{uploadText}
						</p>
					)}
				</div>
			)}
			{returning && (
				<FormDialog
					testId="return-dialog"
					title={t('minutesPage.returnTitle')}
					message={t('minutesPage.returnMessage')}
					confirmLabel={t('minutesPage.returnConfirm')}
					busy={busy}
					error={dialogError}
					canConfirm={comment.trim().length > 0}
					onCancel={() => setReturning(false)}
					onConfirm={() => {
						void run(post('return', { comment: comment.trim() }), () => t('minutesPage.notice.returned'), true).then((ok) => ok && setReturning(false));
					}}
				>
					<label>
						{t('minutesPage.returnLabel')}
						<textarea value={comment} maxLength={4000} rows={4} required onChange={(event) => setComment(event.target.value)} data-testid="return-comment-input" />
					</label>
				</FormDialog>
			)}
			{issuing && (
				<FormDialog
					testId="issue-dialog"
					title={t('minutesPage.issueTitle')}
					message={t('minutesPage.issueMessage')}
					confirmLabel={t('minutesPage.issueConfirm')}
					busy={busy}
					error={dialogError}
					canConfirm
					onCancel={() => setIssuing(false)}
					onConfirm={() => {
						void run(post('issue', { access } satisfies MinutesIssueInput), (view) => t('minutesPage.notice.issued', { reference: view.document?.reference ?? '' }), true).then(
							(ok) => ok && setIssuing(false)
						);
					}}
				>
					<fieldset>
						<legend>{t('minutesPage.access')}</legend>
						{(['restricted', 'internal'] as const).map((choice) => (
							<label key={choice} className="inline">
								<input type="radio" name="access" value={choice} checked={access === choice} onChange={() => setAccess(choice)} data-testid={`issue-access-${choice}`} />
								{t(`minutesPage.access.${choice}`)}
							</label>
						))}
					</fieldset>
				</FormDialog>
			)}
		</div>
	);
}
