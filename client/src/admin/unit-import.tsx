import { useState } from 'react';
import { ERROR_REASONS, type ErrorReason } from '#shared/protocol/index.ts';
import type { ImportRowError, ManagedUnit, UnitImportInput, UnitImportResult } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { errorCause, useErrorText } from '../ui/error-text.ts';
import { kindKey } from './unit-labels.ts';

const isReason = (value: string): value is ErrorReason => (ERROR_REASONS as readonly string[]).includes(value);

/** The column a row error names, in the words of the help text. */
function columnKey(field: string): MessageKey | null {
	switch (field) {
		case 'name': {
			return 'import.col.name';
		}
		case 'kind':
		case 'level': {
			return 'import.col.kind';
		}
		case 'authority': {
			return 'import.col.authority';
		}
		case 'code': {
			return 'import.col.code';
		}
		default: {
			return null;
		}
	}
}

/** A column's rule, for an error whose reason is a schema word ("required", "pattern") rather than an ErrorReason. */
function ruleKey(field: string): MessageKey {
	switch (field) {
		case 'name': {
			return 'units.nameRule';
		}
		case 'kind':
		case 'level': {
			return 'import.kindRule';
		}
		case 'authority': {
			return 'units.authorityRule';
		}
		case 'code': {
			return 'units.codeRule';
		}
		default: {
			return 'import.rowUnreadable';
		}
	}
}

/**
 * Member units from a CSV file or pasted text: previewed first (nothing written), each row with
 * its problems; imported only when no row has one, all in one transaction.
 */
export function UnitImport({ parent, onImported }: { parent: ManagedUnit; onImported: (count: number) => void }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const [csv, setCsv] = useState('');
	const [fileName, setFileName] = useState<string | null>(null);
	const [preview, setPreview] = useState<UnitImportResult | null>(null);
	// The preview stands for this text only: any edit asks for a new one before importing.
	const [previewedText, setPreviewedText] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	const rowError = (e: ImportRowError): string => (isReason(e.reason) ? t(`errors.reason.${e.reason}`) : t(ruleKey(e.field)));

	const send = async (text: string, confirm: boolean) => {
		setBusy(true);
		setError(null);
		try {
			const result = await api<UnitImportResult>('POST', '/api/units/import', { parentId: parent.id, csv: text, confirm } satisfies UnitImportInput);
			if (confirm) {
				setPreview(null);
				setPreviewedText(null);
				setCsv('');
				setFileName(null);
				onImported(result.imported);
			} else {
				setPreview(result);
				setPreviewedText(text);
			}
		} catch (e) {
			setError(errorText(e));
			// Someone added a unit meanwhile, so a row now clashes: the preview shows which.
			if (confirm && errorCause(e).reason === 'import_has_errors') {
				void send(text, false);
			}
		} finally {
			setBusy(false);
		}
	};

	const readFile = async (file: File) => {
		setError(null);
		setFileName(file.name);
		// File.text() decodes UTF-8, the encoding the help asks for (and Excel's "CSV UTF-8" writes).
		const text = (await file.text()).replace(/^\uFEFF/, '');
		setCsv(text);
		setPreview(null);
		if (text.trim() !== '') {
			await send(text, false);
		}
	};

	const current = preview !== null && previewedText === csv;
	const canImport = current && preview.errorCount === 0 && preview.rows.length > 0 && !busy;

	return (
		<section className="form admin-form panel unit-import" aria-labelledby="import-title" data-testid="unit-import">
			<h3 id="import-title">{t('import.title', { parent: parent.name })}</h3>
			<div className="hint">
				<p>{t('import.help')}</p>
				<pre className="example" data-testid="import-example">
					{t('import.example')}
				</pre>
			</div>
			<label className="file-pick">
				{t('import.file')}
				<input
					type="file"
					accept=".csv,text/csv,text/plain"
					className="visually-hidden"
					data-testid="import-file"
					onChange={(e) => {
						const file = e.target.files?.[0];
						e.target.value = '';
						if (file) {
							void readFile(file);
						}
					}}
				/>
			</label>
			{fileName && <span className="meta">{fileName}</span>}
			<label>
				{t('import.paste')}
				<textarea value={csv} rows={6} spellCheck={false} onChange={(e) => setCsv(e.target.value)} data-testid="import-text" />
			</label>
			<div className="actions">
				<button type="button" disabled={busy || csv.trim() === ''} onClick={() => void send(csv, false)} data-testid="import-preview">
					{t('import.preview')}
				</button>
			</div>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
			{preview && (
				<>
					<p role="status" data-testid="import-count" className={preview.errorCount > 0 ? 'inline-error' : ''}>
						{t(preview.errorCount > 0 ? 'import.countWithErrors' : 'import.count', { rows: preview.rows.length, errors: preview.errorCount })}
						{!current && ` ${t('import.stale')}`}
					</p>
					<div className="table-scroll import-preview">
						<table className="admin-table" data-testid="import-table">
							<thead>
								<tr>
									<th scope="col" className="number">
										{t('import.col.line')}
									</th>
									<th scope="col">{t('import.col.name')}</th>
									<th scope="col">{t('import.col.kind')}</th>
									<th scope="col">{t('import.col.authority')}</th>
									<th scope="col">{t('import.col.code')}</th>
									<th scope="col">{t('import.col.errors')}</th>
								</tr>
							</thead>
							<tbody>
								{preview.rows.map((row) => {
									const bad = new Set(row.errors.map((e) => (e.field === 'level' ? 'kind' : e.field)));
									return (
										<tr key={row.line} className={row.errors.length > 0 ? 'bad' : ''} data-line={row.line} data-bad={row.errors.length > 0}>
											<td className="number">{row.line}</td>
											<td className={bad.has('name') ? 'bad-cell' : ''}>{row.name}</td>
											<td className={bad.has('kind') ? 'bad-cell' : ''}>{row.kind ? t(kindKey(row.kind)) : '—'}</td>
											<td className={bad.has('authority') ? 'bad-cell' : ''}>{row.authority}</td>
											<td className={bad.has('code') ? 'bad-cell' : ''}>{row.code ?? '—'}</td>
											<td>
												{row.errors.length > 0 && (
													<ul className="row-errors">
														{row.errors.map((e, i) => {
															const column = columnKey(e.field);
															return <li key={i}>{column ? `${t(column)}: ${rowError(e)}` : rowError(e)}</li>;
														})}
													</ul>
												)}
											</td>
										</tr>
									);
								})}
							</tbody>
						</table>
					</div>
					<div className="actions">
						<button type="button" className="primary" disabled={!canImport} onClick={() => void send(csv, true)} data-testid="import-confirm">
							{t('import.confirm', { count: preview.rows.length })}
						</button>
						{preview.errorCount > 0 && <span className="meta">{t('import.fixFirst')}</span>}
					</div>
				</>
			)}
		</section>
	);
}
