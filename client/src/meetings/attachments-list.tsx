import { useState } from 'react';
import type { Attachment } from '#shared/api/attachments.ts';
import type { MeetingDetail } from '#shared/api/meetings.ts';
import { api, upload } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { errorCause, useErrorText } from '../ui/error-text.ts';

/** What the server accepts (attachments/file-types.ts); the picker offers these, the server still checks the content. */
const ACCEPT = '.pdf,.docx,.doc,.xlsx,.xls,.pptx,.odt,.png,.jpg,.jpeg,.txt';

type Message = { kind: 'busy' | 'done' | 'error'; text: string };

/**
 * The meeting's documents: download for everyone, add and delete for the host unit's administrator.
 * Every failure is a sentence next to the control that caused it; the page stays as it is.
 */
export function AttachmentsList({ meeting, canUpload, canDelete, onChanged }: { meeting: MeetingDetail; canUpload: boolean; canDelete: boolean; onChanged: () => void }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const confirm = useConfirm();
	const [message, setMessage] = useState<Message | null>(null);
	const [uploading, setUploading] = useState(false);
	const [deleting, setDeleting] = useState<string | null>(null);

	/** An upload's failure in words: the two usual ones (wrong kind, too large) say what to do about the file. */
	const uploadError = (error: unknown, name: string): string => {
		const { code, reason } = errorCause(error);
		if (reason === 'file_type_not_accepted') {
			return t('docs.rejectedType', { name });
		}
		if (code === 'payload_too_large') {
			return t('docs.tooLarge', { name });
		}
		return t('docs.failed', { name, message: errorText(error) });
	};

	const add = async (file: File) => {
		setUploading(true);
		setMessage({ kind: 'busy', text: t('docs.uploading', { name: file.name }) });
		try {
			await upload<Attachment>(`/api/meetings/${meeting.id}/attachments`, file);
			setMessage({ kind: 'done', text: t('docs.uploaded', { name: file.name }) });
			onChanged();
		} catch (e) {
			setMessage({ kind: 'error', text: uploadError(e, file.name) });
		} finally {
			setUploading(false);
		}
	};

	const remove = async (attachment: Attachment) => {
		const answer = await confirm({
			title: t('docs.deleteTitle'),
			message: t('docs.deleteMessage', { name: attachment.originalName }),
			choices: [{ value: 'delete', label: t('docs.deleteConfirm'), danger: true, testId: 'confirm-delete-document' }],
		});
		if (answer !== 'delete') {
			return;
		}
		setDeleting(attachment.id);
		try {
			await api('DELETE', `/api/meetings/${meeting.id}/attachments/${attachment.id}`);
			setMessage({ kind: 'done', text: t('docs.deleted', { name: attachment.originalName }) });
			onChanged();
		} catch (e) {
			setMessage({ kind: 'error', text: errorText(e) });
		} finally {
			setDeleting(null);
		}
	};

	return (
		<section className="attachments" aria-labelledby="attachments-title">
			<h3 id="attachments-title">{t('docs.title')}</h3>
			{meeting.attachments.length === 0 && <p className="meta">{t('docs.empty')}</p>}
			<ul data-testid="attachments">
				{meeting.attachments.map((a) => (
					<li key={a.id} data-attachment={a.originalName}>
						<a href={`/api/meetings/${meeting.id}/attachments/${a.id}`}>{a.originalName}</a> <span className="meta">({Math.ceil(a.sizeBytes / 1024)} KB)</span>
						{canDelete && (
							<button
								type="button"
								className="small"
								data-testid="delete-document"
								aria-label={t('docs.deleteLabel', { name: a.originalName })}
								disabled={deleting === a.id}
								onClick={() => void remove(a)}
							>
								{t('docs.delete')}
							</button>
						)}
					</li>
				))}
			</ul>
			{canUpload && (
				<div className="upload">
					{/* The browser's own "Choose File" is in the browser's language, not the page's: the label is the button. */}
					<label className={`button file-pick${uploading ? ' disabled' : ''}`}>
						{t('docs.add')}
						<input
							type="file"
							name="document"
							className="visually-hidden"
							accept={ACCEPT}
							disabled={uploading}
							aria-describedby="attachments-hint attachments-message"
							onChange={(e) => {
								const file = e.target.files?.[0];
								e.target.value = '';
								if (file) {
									void add(file);
								}
							}}
						/>
					</label>
					<p id="attachments-hint" className="meta">
						{t('docs.accepted')}
					</p>
				</div>
			)}
			<p
				id="attachments-message"
				role={message?.kind === 'error' ? 'alert' : 'status'}
				className={message?.kind === 'error' ? 'inline-error' : message?.kind === 'done' ? 'inline-done' : 'meta'}
				data-testid="attachments-message"
				data-kind={message?.kind ?? ''}
			>
				{message?.text}
			</p>
		</section>
	);
}
