import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { DocumentSearchResult, DocumentSummary } from '#shared/api/documents.ts';
import type { HostUnit } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { NavLink } from '../meetings/nav-link.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { documentDay, documentTypeText, Snippet } from './document-format.tsx';
import '../meetings/meetings.css';
import './documents.css';

/** The search as the address bar keeps it (so that "Back" from a document returns to the same list). */
type Query = { q: string; unitId: string; type: string; from: string; to: string; page: number };

const EMPTY: Query = { q: '', unitId: '', type: '', from: '', to: '', page: 1 };
/** The only type the store issues so far; the filter lists it so the choice is visible. */
const TYPES = ['BB'] as const;

function queryFromLocation(): Query {
	const params = new URLSearchParams(location.search);
	const page = Number(params.get('page') ?? '1');
	return {
		q: params.get('q') ?? '',
		unitId: params.get('unitId') ?? '',
		type: params.get('type') ?? '',
		from: params.get('from') ?? '',
		to: params.get('to') ?? '',
		page: Number.isInteger(page) && page > 0 ? page : 1,
	};
}

function searchString(query: Query): string {
	const params = new URLSearchParams();
	for (const key of ['q', 'unitId', 'type', 'from', 'to'] as const) {
		const value = query[key].trim();
		if (value) {
			params.set(key, value);
		}
	}
	if (query.page > 1) {
		params.set('page', String(query.page));
	}
	const text = params.toString();
	return text ? `?${text}` : '';
}

/**
 * The document store: issued documents the user's unit may read, found by words with or without
 * diacritics, filtered by issuing unit, type and date, newest or best match first.
 */
export function DocumentsPage() {
	const { t } = useI18n();
	const errorText = useErrorText();
	const [query, setQuery] = useState<Query>(queryFromLocation);
	const [draft, setDraft] = useState<Query>(query);
	const [result, setResult] = useState<DocumentSearchResult | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [loading, setLoading] = useState(false);
	const [units, setUnits] = useState<{ id: string; name: string }[]>([]);
	const generation = useRef(0);

	useEffect(() => {
		// The host unit and its members: the units whose documents there are to filter by.
		api<HostUnit>('GET', '/api/host-unit').then(
			(host) => setUnits([{ id: host.id, name: host.name }, ...host.members.map((m) => ({ id: m.id, name: m.name }))]),
			() => setUnits([])
		);
	}, []);

	useEffect(() => {
		const follow = () => {
			const next = queryFromLocation();
			setQuery(next);
			setDraft(next);
		};
		window.addEventListener('popstate', follow);
		return () => window.removeEventListener('popstate', follow);
	}, []);

	const load = useCallback(() => {
		const current = ++generation.current;
		setLoading(true);
		api<DocumentSearchResult>('GET', `/api/documents${searchString(query)}`).then(
			(found) => {
				if (current === generation.current) {
					setResult(found);
					setError(null);
					setLoading(false);
				}
			},
			(e: unknown) => {
				if (current === generation.current) {
					// The old list would read as the answer to the new search.
					setResult(null);
					setError(e);
					setLoading(false);
				}
			}
		);
	}, [query]);
	useEffect(load, [load]);

	const go = (next: Query) => {
		const search = searchString(next);
		if (search !== location.search) {
			history.pushState(null, '', `/documents${search}`);
		}
		setQuery(next);
		setDraft(next);
	};
	const submit = (event: FormEvent) => {
		event.preventDefault();
		go({ ...draft, page: 1 });
	};
	const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
	const filtered = Boolean(query.q || query.unitId || query.type || query.from || query.to);

	return (
		<section className="card wide documents-page" aria-labelledby="documents-title" data-testid="documents-page">
			<h2 id="documents-title">{t('documentStore.title')}</h2>
			<p className="meta">{t('documentStore.intro')}</p>
			<form className="documents-search" role="search" onSubmit={submit}>
				<label className="documents-query">
					{t('documentStore.query')}
					<input
						type="search"
						name="q"
						value={draft.q}
						maxLength={200}
						placeholder={t('documentStore.queryPlaceholder')}
						onChange={(event) => setDraft({ ...draft, q: event.target.value })}
						data-testid="documents-query"
					/>
				</label>
				<label>
					{t('documentStore.unit')}
					<select value={draft.unitId} onChange={(event) => setDraft({ ...draft, unitId: event.target.value })} data-testid="documents-unit">
						<option value="">{t('documentStore.anyUnit')}</option>
						{units.map((unit) => (
							<option key={unit.id} value={unit.id}>
								{unit.name}
							</option>
						))}
					</select>
				</label>
				<label>
					{t('documentStore.type')}
					<select value={draft.type} onChange={(event) => setDraft({ ...draft, type: event.target.value })} data-testid="documents-type">
						<option value="">{t('documentStore.anyType')}</option>
						{TYPES.map((type) => (
							<option key={type} value={type}>
								{documentTypeText(t, type)}
							</option>
						))}
					</select>
				</label>
				<label>
					{t('documentStore.from')}
					<input type="date" value={draft.from} max={draft.to || undefined} onChange={(event) => setDraft({ ...draft, from: event.target.value })} data-testid="documents-from" />
				</label>
				<label>
					{t('documentStore.to')}
					<input type="date" value={draft.to} min={draft.from || undefined} onChange={(event) => setDraft({ ...draft, to: event.target.value })} data-testid="documents-to" />
				</label>
				<div className="actions">
					<button type="submit" className="primary" data-testid="documents-search">
						{t('documentStore.search')}
					</button>
					{filtered && (
						<button type="button" onClick={() => go(EMPTY)}>
							{t('documentStore.clear')}
						</button>
					)}
				</div>
			</form>
			{error !== null && (
				<p role="alert" className="inline-error">
					{t('documentStore.loadFailed', { message: errorText(error) })}{' '}
					<button type="button" onClick={load}>
						{t('documentStore.retry')}
					</button>
				</p>
			)}
			<p role="status" className="meta" data-testid="documents-count">
				{loading ? t('documentStore.searching') : result ? t('documentStore.count', { total: result.total }) : ''}
			</p>
			{result?.items.length === 0 && !loading && (
				<p data-testid="documents-none">
					{filtered ? (
						<>
							{t('documentStore.none')} <span className="meta">{t('documentStore.noneHint')}</span>
						</>
					) : (
						t('documentStore.empty')
					)}
				</p>
			)}
			{result && result.items.length > 0 && (
				<ol className="documents-results" data-testid="documents-results" start={(result.page - 1) * result.pageSize + 1}>
					{result.items.map((doc) => (
						<ResultRow key={doc.id} doc={doc} />
					))}
				</ol>
			)}
			{result && pages > 1 && (
				<nav className="actions documents-pages" aria-label={t('documentStore.page', { page: result.page, pages })}>
					<button type="button" disabled={result.page <= 1} onClick={() => go({ ...query, page: result.page - 1 })} data-testid="documents-prev">
						{t('documentStore.prev')}
					</button>
					<span>{t('documentStore.page', { page: result.page, pages })}</span>
					<button type="button" disabled={result.page >= pages} onClick={() => go({ ...query, page: result.page + 1 })} data-testid="documents-next">
						{t('documentStore.next')}
					</button>
				</nav>
			)}
		</section>
	);
}

function ResultRow({ doc }: { doc: DocumentSummary }) {
	const { t } = useI18n();
	return (
		<li className="documents-result" data-document={doc.id}>
			<div className="documents-result-head">
				<NavLink to={`/documents/${doc.id}`} className="documents-reference" data-testid="document-link">
					{doc.reference}
				</NavLink>
				<span className="meta">
					{documentTypeText(t, doc.type)} · {documentDay(doc.documentDate)} · {doc.unit.name}
				</span>
			</div>
			<div className="documents-summary">{doc.summary}</div>
			{doc.snippet.length > 0 && <Snippet parts={doc.snippet} />}
		</li>
	);
}
