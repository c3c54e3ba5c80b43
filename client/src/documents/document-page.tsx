import { useCallback, useEffect, useState } from 'react';
import type { DocumentView } from '#shared/api/documents.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { NavLink } from '../meetings/nav-link.tsx';
import { formatBytes } from '../meetings/recording-format.ts';
import { useErrorText } from '../ui/error-text.ts';
import { formatDateTime } from '../ui/format-date.ts';
import { documentDay, documentTypeText, fileKindText } from './document-format.tsx';
import '../meetings/meetings.css';
import './documents.css';

/**
 * One issued document: what it is and who issued it, to whom, its files to download, and for
 * every PDF the digital signatures it carries as the server checked them (signer, time, valid or
 * not), the documents it replaces or that replace it, and the meeting it records.
 */
export function DocumentPage({ id }: { id: string }) {
	const { t, locale } = useI18n();
	const errorText = useErrorText();
	const [doc, setDoc] = useState<DocumentView | null>(null);
	const [error, setError] = useState<unknown>(null);

	const load = useCallback(() => {
		let live = true;
		api<DocumentView>('GET', `/api/documents/${id}`).then(
			(found) => {
				if (live) {
					setDoc(found);
					setError(null);
				}
			},
			(e: unknown) => live && setError(e)
		);
		return () => {
			live = false;
		};
	}, [id]);
	useEffect(load, [load]);

	const back = (
		<NavLink to="/documents" className="back">
			{t('document.back')}
		</NavLink>
	);
	if (!doc) {
		return error === null ? null : (
			<section className="card wide document-page" data-testid="document-page-error">
				{back}
				<p role="alert" className="inline-error">
					{t('document.loadFailed', { message: errorText(error) })}
				</p>
				<button type="button" onClick={load}>
					{t('document.retry')}
				</button>
			</section>
		);
	}

	return (
		<section className="card wide document-page meeting-page" aria-labelledby="document-title" data-testid="document-page" data-document={doc.id}>
			{back}
			<h2 id="document-title">
				<span data-testid="document-reference">{t('document.reference', { reference: doc.reference })}</span>
				<span className="document-summary"> · {doc.summary}</span>
			</h2>
			{doc.replacedBy && (
				<p className="notice document-replaced" data-testid="document-replaced-by">
					<NavLink to={`/documents/${doc.replacedBy.id}`}>{t('document.replacedBy', { reference: doc.replacedBy.reference })}</NavLink>
				</p>
			)}
			{doc.replaces && (
				<p className="notice" data-testid="document-replaces">
					<NavLink to={`/documents/${doc.replaces.id}`}>{t('document.replaces', { reference: doc.replaces.reference })}</NavLink>
				</p>
			)}
			<dl className="meeting-facts">
				<dt>{t('document.type')}</dt>
				<dd>{documentTypeText(t, doc.type)}</dd>
				<dt>{t('document.date')}</dt>
				<dd>{documentDay(doc.documentDate)}</dd>
				<dt>{t('document.unit')}</dt>
				<dd>{doc.unit.name}</dd>
				<dt>{t('document.signer')}</dt>
				<dd>{doc.signerName || '–'}</dd>
				<dt>{t('document.issuedAt')}</dt>
				<dd>{formatDateTime(doc.issuedAt)}</dd>
				<dt>{t('document.issuedBy')}</dt>
				<dd>{doc.issuedBy.displayName}</dd>
				<dt>{t('document.access')}</dt>
				<dd>{t(doc.access === 'internal' ? 'document.access.internal' : 'document.access.restricted')}</dd>
				{doc.meetingId && (
					<>
						<dt>{t('document.meeting')}</dt>
						<dd>
							<NavLink to={`/meetings/${doc.meetingId}`} data-testid="document-meeting-link">
								{t('document.meetingLink')}
							</NavLink>
						</dd>
					</>
				)}
			</dl>

			<h3>{t('document.recipients')}</h3>
			{doc.recipients.length === 0 ? (
				<p className="meta">{t('document.noRecipients')}</p>
			) : (
				<ul className="document-recipients" data-testid="document-recipients">
					{doc.recipients.map((r) => (
						<li key={r.id}>{r.name}</li>
					))}
				</ul>
			)}

			<h3>{t('document.files')}</h3>
			{doc.files.length === 0 && <p className="meta">{t('document.noFiles')}</p>}
			<ul className="document-files" data-testid="document-files">
				{doc.files.map((file) => (
					<li key={file.id} data-file={file.id} data-kind={file.kind}>
						<div className="document-file-head">
							<a href={file.url} download={file.fileName} aria-label={t('document.downloadLabel', { name: file.fileName })} data-testid="document-download">
								{file.fileName}
							</a>{' '}
							<span className="meta">{t('document.fileLine', { kind: fileKindText(t, file.kind), size: formatBytes(file.sizeBytes, locale) })}</span>
						</div>
						<div className="meta document-sha">
							{t('document.sha256')} <code>{file.sha256}</code>
						</div>
						{file.signatures !== null && (
							<div className="document-signatures" data-testid="document-signatures">
								<h4>{t('document.signatures')}</h4>
								{file.signatureError !== null && (
									<p role="alert" className="inline-error" data-testid="document-signature-error">
										{t('document.signatureError')}
									</p>
								)}
								{file.signatures.length === 0 ? (
									<p className="meta">{t('document.noSignatures')}</p>
								) : (
									<div className="table-scroll">
										<table>
											<thead>
												<tr>
													<th>{t('document.signature.signer')}</th>
													<th>{t('document.signature.time')}</th>
													<th>{t('document.signature.state')}</th>
												</tr>
											</thead>
											<tbody>
												{file.signatures.map((s) => (
													<tr key={s.index} data-testid="document-signature" data-valid={String(s.valid)}>
														<td data-cell="signer">
															{s.signerName}
															{s.reason && <div className="meta">{t('document.signature.reason', { reason: s.reason })}</div>}
														</td>
														<td data-cell="time">{s.signedAt ? formatDateTime(s.signedAt) : <span className="meta">{t('document.signature.unknownTime')}</span>}</td>
														<td data-cell="state">
															<span className={`presence ${s.valid ? 'present' : 'absent'}`}>{t(s.valid ? 'document.signature.valid' : 'document.signature.invalid')}</span>
															{s.valid && !s.coversWholeDocument && <div className="meta">{t('document.signature.earlier')}</div>}
															{s.valid && !s.certificateValidAtSigning && <div className="meta">{t('document.signature.untrusted')}</div>}
														</td>
													</tr>
												))}
											</tbody>
										</table>
									</div>
								)}
							</div>
						)}
					</li>
				))}
			</ul>
			{doc.bodyText && (
				<details className="document-body">
					<summary>{t('document.bodyText')}</summary>
					<pre data-testid="document-body">{doc.bodyText}</pre>
				</details>
			)}
		</section>
	);
}
