import type { RichMark, RichNode } from '#shared/api/minutes.ts';

/**
 * ProseMirror JSON → HTML for the printed minutes. Everything is escaped; nothing the editor
 * stores is dropped: a node or mark this renderer does not know prints its text (and its
 * children), since a silently missing sentence in signed minutes is worse than a plain one.
 * Attributes (machine, segmentId, anything else) never reach the HTML: the print shows text only.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.normalize('NFC').replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const MARK_TAGS: Record<string, string> = { bold: 'strong', italic: 'em', underline: 'u' };

/** Nodes laid out as blocks; anything else without children is inline (text, hardBreak, a mention). */
const BLOCK_TYPES: ReadonlySet<string> = new Set(['doc', 'paragraph', 'heading', 'blockquote', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'horizontalRule']);

function isInline(node: RichNode): boolean {
	return !BLOCK_TYPES.has(node.type) && node.content === undefined;
}

function markedText(text: string, marks: readonly RichMark[] | undefined): string {
	let html = escapeHtml(text);
	// Unknown marks (highlight, link, strike…) add no tag: the text stays, plain.
	for (const mark of marks ?? []) {
		const tag = MARK_TAGS[mark.type];
		if (tag) {
			html = `<${tag}>${html}</${tag}>`;
		}
	}
	return html;
}

function inlineHtml(node: RichNode): string {
	if (node.type === 'hardBreak') {
		return '<br>';
	}
	return node.text === undefined || node.text === '' ? '' : markedText(node.text, node.marks);
}

/** Children of a node that holds inline content (a paragraph, a heading, an unknown wrapper). */
function inlineChildren(children: readonly RichNode[]): string {
	return children.map((child) => (isInline(child) ? inlineHtml(child) : (child.text ? markedText(child.text, child.marks) : '') + inlineChildren(child.content ?? []))).join('');
}

/** Children of a block container: runs of stray inline nodes are wrapped in a paragraph. */
function blockChildren(children: readonly RichNode[]): string {
	const out: string[] = [];
	let run: RichNode[] = [];
	const flush = () => {
		if (run.length > 0) {
			out.push(`<p>${inlineChildren(run)}</p>`);
			run = [];
		}
	};
	for (const child of children) {
		if (isInline(child)) {
			run.push(child);
			continue;
		}
		flush();
		out.push(blockHtml(child));
	}
	flush();
	return out.join('');
}

function listStart(node: RichNode): number {
	const start = node.attrs?.['start'];
	return typeof start === 'number' && Number.isInteger(start) && start > 0 ? start : 1;
}

function blockHtml(node: RichNode): string {
	const children = node.content ?? [];
	switch (node.type) {
		case 'doc':
			return blockChildren(children);
		case 'paragraph':
			// An empty paragraph still takes its line, as it does in the editor.
			return children.length === 0 ? '<p>&nbsp;</p>' : `<p>${inlineChildren(children)}</p>`;
		case 'heading':
			return `<p class="heading">${inlineChildren(children)}</p>`;
		case 'blockquote':
			return `<blockquote>${blockChildren(children)}</blockquote>`;
		case 'bulletList':
			return `<ul>${blockChildren(children)}</ul>`;
		case 'orderedList': {
			const start = listStart(node);
			return `<ol${start === 1 ? '' : ` start="${start}"`}>${blockChildren(children)}</ol>`;
		}
		case 'listItem':
			return `<li>${blockChildren(children)}</li>`;
		case 'codeBlock':
			return `<p class="pre">${inlineChildren(children)}</p>`;
		case 'horizontalRule':
			return '<hr>';
		default:
			// An unknown block: its text and children, in a plain block of their own.
			return `<div class="unknown">${node.text ? `<p>${markedText(node.text, node.marks)}</p>` : ''}${blockChildren(children)}</div>`;
	}
}

/** A rich-text section (an agenda item's content, the conclusions) as HTML blocks. */
export function richHtml(node: RichNode): string {
	return isInline(node) ? `<p>${inlineHtml(node)}</p>` : blockHtml(node);
}
