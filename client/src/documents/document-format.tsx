import type { SnippetPart } from '#shared/api/documents.ts';
import type { MessageKey } from '../i18n/vi.ts';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A calendar date "2026-12-03" as staff write it, "03/12/2026". */
export function documentDay(value: string): string {
	const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
	return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

export function documentTypeText(t: Translate, type: string): string {
	return type === 'BB' ? t('documentType.BB') : t('documentType.other', { type });
}

export function fileKindText(t: Translate, kind: string): string {
	return kind === 'signed-pdf' || kind === 'approved-pdf' || kind === 'docx' ? t(`document.fileKind.${kind}`) : t('document.fileKind.other');
}

/** The text around the hit, the matched words marked (as text: nothing from the server is parsed as HTML). */
export function Snippet({ parts }: { parts: SnippetPart[] }) {
	return (
		<p className="documents-snippet" data-testid="document-snippet">
			{parts.map((part, index) => (part.hit ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
		</p>
	);
}
