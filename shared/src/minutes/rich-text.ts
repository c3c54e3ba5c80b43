import type { RichNode } from '../api/minutes.ts';

/**
 * Small helpers over the minutes' rich text (ProseMirror JSON). Shared by the draft generator,
 * the approval check, the renderers' plain text and the client: one notion of "the text of a
 * section" everywhere, so that what the check calls empty is what the print shows as empty.
 */

type Attrs = Record<string, unknown>;

/**
 * A paragraph of plain text. Line breaks in `text` become `hardBreak` nodes (ProseMirror keeps
 * no "\n" inside a text node); an empty text gives an empty paragraph, since ProseMirror rejects
 * empty text nodes.
 */
export function paragraph(text: string, attrs?: Attrs): RichNode {
	const lines = text.normalize('NFC').split(/\r\n|\r|\n/);
	const content: RichNode[] = [];
	for (const [index, line] of lines.entries()) {
		if (index > 0) {
			content.push({ type: 'hardBreak' });
		}
		if (line !== '') {
			content.push({ type: 'text', text: line });
		}
	}
	return { type: 'paragraph', ...(attrs ? { attrs: { ...attrs } } : {}), ...(content.length > 0 ? { content } : {}) };
}

/**
 * A document of the given blocks. A document without blocks gets one empty paragraph: TipTap's
 * default `doc` needs a block, and an editor opened on a bare `doc` would "fix" it with a change
 * nobody made.
 */
export function richDoc(blocks: readonly RichNode[]): RichNode {
	return { type: 'doc', content: blocks.length > 0 ? [...blocks] : [{ type: 'paragraph' }] };
}

const BLOCKS: ReadonlySet<string> = new Set(['doc', 'paragraph', 'heading', 'blockquote', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'horizontalRule']);

/** Inline content: text, breaks, and any unknown node without children (its text, if any, is kept). */
function isInline(node: RichNode): boolean {
	return !BLOCKS.has(node.type) && node.content === undefined;
}

function inlineText(node: RichNode): string {
	return node.type === 'hardBreak' ? '\n' : (node.text ?? '');
}

/** The lines a node stands for: each block on its own line(s), runs of inline content joined. */
function linesOf(node: RichNode): string[] {
	if (isInline(node)) {
		return [inlineText(node)];
	}
	const children = node.content ?? [];
	if (children.length === 0) {
		// An empty paragraph is an empty line; an unknown leaf block (an image) has no text to show.
		return node.type === 'doc' ? [] : [''];
	}
	const lines: string[] = [];
	let run: string | null = null;
	for (const child of children) {
		if (isInline(child)) {
			run = (run ?? '') + inlineText(child);
			continue;
		}
		if (run !== null) {
			lines.push(run);
			run = null;
		}
		lines.push(...linesOf(child));
	}
	if (run !== null) {
		lines.push(run);
	}
	return lines;
}

/**
 * The text of a node: blocks (paragraphs, list items, headings, unknown blocks) separated by
 * "\n", hard breaks as "\n", marks ignored; NFC. Unknown nodes give their text, never nothing.
 */
export function richPlainText(node: RichNode): string {
	return linesOf(node).join('\n').normalize('NFC');
}

/** Whether a section holds no text at all (only empty paragraphs and whitespace). */
export function isRichEmpty(node: RichNode): boolean {
	return richPlainText(node).trim() === '';
}
