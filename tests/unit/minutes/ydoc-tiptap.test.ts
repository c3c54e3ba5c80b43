import { Extension, getSchema } from '@tiptap/core';
import { Node as PMNode } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYXmlFragment, updateYFragment, yXmlFragmentToProsemirrorJSON, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RichNode } from '../../../shared/src/api/minutes.ts';
import { readRichText, writeRichText } from '../../../shared/src/minutes/minutes-ydoc.ts';

/** The editor's schema: StarterKit plus the machine-paragraph attributes the editor keeps. */
const MachineAttributes = Extension.create({
	name: 'machineAttributes',
	addGlobalAttributes() {
		return [{ types: ['paragraph'], attributes: { machine: { default: null }, segmentId: { default: null } } }];
	},
});
const schema = getSchema([StarterKit, MachineAttributes]);

const text = (value: string, marks?: RichNode['marks']): RichNode => (marks ? { type: 'text', text: value, marks } : { type: 'text', text: value });

/** Everything the editor's schema accepts, in the form ProseMirror's toJSON gives (null attrs included). */
const editorDoc: RichNode = {
	type: 'doc',
	content: [
		{ type: 'paragraph', attrs: { machine: true, segmentId: 'seg-1', textAlign: null }, content: [text('Xã Đồng Thịnh (08:05): thu ngân sách đạt 92%.')] },
		{ type: 'paragraph', content: [text('Đồng chí '), text('Chủ tịch', [{ type: 'bold' }]), text(' nhấn mạnh '), text('phải', [{ type: 'bold' }, { type: 'italic' }]), { type: 'hardBreak' }, text('hoàn thành', [{ type: 'underline' }])] },
		{ type: 'heading', attrs: { level: 3 }, content: [text('Ý kiến')] },
		{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [text('Một')] }] }] },
		{ type: 'orderedList', attrs: { start: 2, type: null }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [text('Hai')] }] }] },
		{ type: 'blockquote', content: [{ type: 'paragraph', content: [text('Trích')] }] },
	],
};

/** ProseMirror JSON without null attributes (what neither encoding stores). */
function withoutNulls(node: RichNode): RichNode {
	const attrs = node.attrs ? Object.fromEntries(Object.entries(node.attrs).filter(([, v]) => v !== null)) : undefined;
	const { attrs: _attrs, ...rest } = node;
	return {
		...rest,
		...(attrs && Object.keys(attrs).length > 0 ? { attrs } : {}),
		...(node.content ? { content: node.content.map(withoutNulls) } : {}),
	};
}

/** Drops the attrs ProseMirror fills in from the schema's defaults, for comparing with our JSON. */
function pmJson(node: PMNode): RichNode {
	return withoutNulls(node.toJSON() as RichNode);
}

describe('rich text in the Y.Doc, as @tiptap/y-tiptap encodes it', () => {
	it('writes the same shared structure y-tiptap writes for the same document', () => {
		const ours = new Y.Doc();
		writeRichText(ours.getXmlFragment('f'), editorDoc);
		const theirs = new Y.Doc();
		prosemirrorJSONToYXmlFragment(schema, editorDoc, theirs.getXmlFragment('f'));
		expect(ours.getXmlFragment('f').toJSON()).toBe(theirs.getXmlFragment('f').toJSON());
		const deltas = (doc: Y.Doc) =>
			(doc.getXmlFragment('f').get(1) as Y.XmlElement)
				.toArray()
				.filter((child): child is Y.XmlText => child instanceof Y.XmlText)
				.map((t) => t.toDelta() as unknown);
		expect(deltas(ours)).toEqual(deltas(theirs));
	});

	it('y-tiptap reads what we write, into the editor schema, without "repairing" (deleting) anything', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('f');
		writeRichText(fragment, editorDoc);
		const before = Y.encodeStateVector(doc);
		const root = yXmlFragmentToProseMirrorRootNode(fragment, schema);
		root.check();
		expect(pmJson(root)).toEqual(withoutNulls(editorDoc));
		expect(yXmlFragmentToProsemirrorJSON(fragment)).toEqual(withoutNulls(editorDoc));
		// Nothing was deleted from the shared document to make it fit.
		expect(Y.encodeStateVector(doc)).toEqual(before);
		expect(readRichText(fragment)).toEqual(withoutNulls(editorDoc));
	});

	it('reads what y-tiptap writes, and an edit made through the binding', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('f');
		prosemirrorJSONToYXmlFragment(schema, editorDoc, fragment);
		expect(readRichText(fragment)).toEqual(withoutNulls(editorDoc));

		// The editor types into the machine paragraph and clears its mark (as the editor does on a person's edit).
		const edited = structuredClone(editorDoc);
		edited.content![0] = { type: 'paragraph', content: [text('Xã Đồng Thịnh (08:05): thu ngân sách đạt 95%.')] };
		edited.content!.push({ type: 'paragraph', content: [text('Thêm', [{ type: 'italic' }])] });
		const meta = { mapping: new Map(), isOMark: new Map() };
		updateYFragment(doc, fragment, PMNode.fromJSON(schema, edited), meta);
		expect(readRichText(fragment)).toEqual(withoutNulls(edited));
	});

	it('keeps marks that may overlap (same type, different attrs) apart, as y-tiptap names them', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('f');
		const twoComments: RichNode = { type: 'doc', content: [{ type: 'paragraph', content: [text('x', [{ type: 'comment', attrs: { id: 'a' } }, { type: 'comment', attrs: { id: 'b' } }])] }] };
		writeRichText(fragment, twoComments);
		const run = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
		const keys = Object.keys((run.toDelta() as { attributes: Record<string, unknown> }[])[0]!.attributes);
		expect(keys).toHaveLength(2);
		for (const key of keys) {
			expect(key).toMatch(/^comment--[a-zA-Z0-9+/=]{8}$/);
		}
		expect(readRichText(fragment)).toEqual(twoComments);
		expect(yXmlFragmentToProsemirrorJSON(fragment)).toEqual(twoComments);
	});
});
