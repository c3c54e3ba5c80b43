import { Extension, getSchema, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { StarterKit } from '@tiptap/starter-kit';
import * as Y from 'yjs';
import { readRichText } from '#shared/minutes/minutes-ydoc.ts';
import { machineParagraphsPlugin, type MachineLabels } from './machine-paragraphs.ts';

/**
 * The rich text of the minutes: exactly the nodes and marks the contract names (paragraph, lists,
 * heading, blockquote, hard break; bold, italic, underline) — what the renderers print. Kinds of
 * StarterKit that print nowhere (code, strike, links, rules) are left out, so nobody makes them.
 * TrailingNode is left out too: it appends a paragraph on open, a change nobody made.
 */
export function richBaseExtensions(): AnyExtension[] {
	return [
		StarterKit.configure({
			// The Collaboration extension brings Yjs undo; ProseMirror's history would undo others' edits.
			undoRedo: false,
			code: false,
			codeBlock: false,
			strike: false,
			link: false,
			horizontalRule: false,
			trailingNode: false,
		}),
		MachineParagraphs,
	];
}

export type MachineParagraphsOptions = { labels: () => MachineLabels };

/**
 * The draft generator marks its paragraphs `machine: true` (and `segmentId`, the transcript line).
 * Declared here so ProseMirror keeps them (an undeclared attribute is dropped, and y-tiptap then
 * deletes it from the shared document on the next edit). Neither survives a split or a paste: a
 * new paragraph is a person's.
 */
export const MachineParagraphs = Extension.create<MachineParagraphsOptions>({
	name: 'machineParagraphs',
	addOptions() {
		return { labels: () => ({ badge: '', source: '', href: () => null }) };
	},
	addGlobalAttributes() {
		return [
			{
				types: ['paragraph'],
				attributes: {
					machine: {
						default: null,
						keepOnSplit: false,
						parseHTML: () => null,
						renderHTML: (attributes: Record<string, unknown>) => (attributes['machine'] === true ? { 'data-machine': 'true' } : {}),
					},
					segmentId: {
						default: null,
						keepOnSplit: false,
						parseHTML: () => null,
						renderHTML: (attributes: Record<string, unknown>) => (typeof attributes['segmentId'] === 'string' ? { 'data-segment-id': attributes['segmentId'] } : {}),
					},
				},
			},
		];
	},
	addProseMirrorPlugins() {
		return [machineParagraphsPlugin(this.options.labels)];
	},
});

let cachedSchema: Schema | null = null;

/** The schema the editors use, for checking shared content before an editor is put on it. */
export function richSchema(): Schema {
	cachedSchema ??= getSchema(richBaseExtensions());
	return cachedSchema;
}

/** What in a fragment the editor cannot show without losing it. */
export type SchemaProblem =
	| { kind: 'node'; name: string }
	| { kind: 'mark'; name: string }
	| { kind: 'attribute'; name: string; node: string }
	| { kind: 'structure'; message: string };

/** y-prosemirror's key for a mark occurring more than once on a text: `name--<8 chars>`. */
const HASHED_MARK = /(.*)(--[a-zA-Z0-9+/=]{8})$/;

function elementProblem(element: Y.XmlElement, schema: Schema): SchemaProblem | null {
	const type = schema.nodes[element.nodeName];
	if (!type) {
		return { kind: 'node', name: element.nodeName };
	}
	for (const [name, value] of Object.entries(element.getAttributes() as Record<string, unknown>)) {
		// ProseMirror ignores an attribute it does not declare, and y-tiptap then removes it from
		// the shared element when the node is edited: an unknown one means hands off.
		if (value !== null && value !== undefined && !(name in (type.spec.attrs ?? {}))) {
			return { kind: 'attribute', name, node: element.nodeName };
		}
	}
	for (const child of element.toArray()) {
		const problem = childProblem(child, schema);
		if (problem) {
			return problem;
		}
	}
	return null;
}

function textProblem(text: Y.XmlText, schema: Schema): SchemaProblem | null {
	for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
		if (typeof op.insert !== 'string') {
			return { kind: 'node', name: 'embed' };
		}
		for (const [key, value] of Object.entries(op.attributes ?? {})) {
			const name = HASHED_MARK.exec(key)?.[1] ?? key;
			const mark = schema.marks[name];
			if (!mark) {
				return { kind: 'mark', name };
			}
			if (value !== null && typeof value === 'object') {
				for (const attr of Object.keys(value)) {
					if (!(attr in (mark.spec.attrs ?? {}))) {
						return { kind: 'attribute', name: attr, node: name };
					}
				}
			}
		}
	}
	return null;
}

function childProblem(child: Y.XmlElement | Y.XmlText | Y.XmlHook, schema: Schema): SchemaProblem | null {
	if (child instanceof Y.XmlElement) {
		return elementProblem(child, schema);
	}
	if (child instanceof Y.XmlText) {
		return textProblem(child, schema);
	}
	return { kind: 'node', name: 'hook' };
}

/**
 * Whether an editor may be put on this fragment: every node type, attribute and mark is the
 * schema's, and the whole fits the schema's content rules. Otherwise y-tiptap would drop or
 * "repair" the content and sync the loss; the section is then shown read-only instead. Pure: it
 * never writes to the fragment.
 */
export function fragmentProblem(fragment: Y.XmlFragment, schema: Schema = richSchema()): SchemaProblem | null {
	const children = fragment.toArray();
	for (const child of children) {
		// y-tiptap expects elements at the top; a bare text there makes it throw.
		if (!(child instanceof Y.XmlElement)) {
			return { kind: 'structure', message: 'text outside a block' };
		}
		const problem = elementProblem(child, schema);
		if (problem) {
			return problem;
		}
	}
	if (children.length === 0) {
		// A new section: the editor shows its placeholder paragraph and writes nothing until typed into.
		return null;
	}
	try {
		schema.nodeFromJSON(readRichText(fragment)).check();
	} catch (error) {
		return { kind: 'structure', message: error instanceof Error ? error.message : String(error) };
	}
	return null;
}
