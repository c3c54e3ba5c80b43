import { EditorState, TextSelection } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RichNode } from '../../../shared/src/api/minutes.ts';
import { readRichText, writeRichText } from '../../../shared/src/minutes/minutes-ydoc.ts';
import { machineParagraphsPlugin } from '../../../client/src/minutes-editor/machine-paragraphs.ts';
import { fragmentProblem, richSchema } from '../../../client/src/minutes-editor/rich-schema.ts';

/**
 * The editor's guard against losing shared content: a fragment is given to TipTap only when every
 * node, attribute and mark in it is the schema's and the whole fits the schema (else y-tiptap
 * would drop the rest and sync the loss); and a person's edit of a machine-made paragraph clears
 * its mark in the same change.
 */

function fragmentOf(doc: RichNode): { ydoc: Y.Doc; fragment: Y.XmlFragment } {
	const ydoc = new Y.Doc();
	const fragment = ydoc.getXmlFragment('conclusions');
	writeRichText(fragment, doc);
	return { ydoc, fragment };
}

const text = (value: string, marks?: RichNode['marks']): RichNode => (marks ? { type: 'text', text: value, marks } : { type: 'text', text: value });
const para = (value: string, attrs?: Record<string, unknown>): RichNode => ({ type: 'paragraph', ...(attrs ? { attrs } : {}), content: [text(value)] });

describe('fragmentProblem', () => {
	it('accepts what the draft generator and the editor write', () => {
		const { fragment } = fragmentOf({
			type: 'doc',
			content: [
				para('Xã Đồng Thịnh (08:05): báo cáo tình hình.', { machine: true, segmentId: 'seg-1' }),
				{ type: 'paragraph', content: [text('Đậm', [{ type: 'bold' }]), text(' và '), text('nghiêng gạch chân', [{ type: 'italic' }, { type: 'underline' }])] },
				{ type: 'heading', attrs: { level: 3 }, content: [text('Tiêu đề')] },
				{ type: 'bulletList', content: [{ type: 'listItem', content: [para('Ý một')] }] },
				{ type: 'orderedList', attrs: { start: 1 }, content: [{ type: 'listItem', content: [para('Ý hai')] }] },
				{ type: 'blockquote', content: [{ type: 'paragraph', content: [text('Dòng một'), { type: 'hardBreak' }, text('dòng hai')] }] },
			],
		});
		expect(fragmentProblem(fragment)).toBeNull();
	});

	it('accepts an empty section (a new agenda item)', () => {
		expect(fragmentProblem(new Y.Doc().getXmlFragment('item:new'))).toBeNull();
	});

	it('names a node type the schema lacks', () => {
		const { fragment } = fragmentOf({ type: 'doc', content: [para('Trước bảng'), { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [para('Ô')] }] }] }] });
		expect(fragmentProblem(fragment)).toEqual({ kind: 'node', name: 'table' });
	});

	it('names an attribute ProseMirror would silently drop', () => {
		const { fragment } = fragmentOf({ type: 'doc', content: [para('Căn giữa', { textAlign: 'center' })] });
		expect(fragmentProblem(fragment)).toEqual({ kind: 'attribute', name: 'textAlign', node: 'paragraph' });
	});

	it('names a mark the schema lacks, and links, which the minutes do not print', () => {
		expect(fragmentProblem(fragmentOf({ type: 'doc', content: [{ type: 'paragraph', content: [text('gạch', [{ type: 'strike' }])] }] }).fragment)).toEqual({ kind: 'mark', name: 'strike' });
		expect(fragmentProblem(fragmentOf({ type: 'doc', content: [{ type: 'paragraph', content: [text('liên kết', [{ type: 'link', attrs: { href: 'https://x.vn' } }])] }] }).fragment)).toEqual({
			kind: 'mark',
			name: 'link',
		});
	});

	it('finds known nodes in places the schema does not allow', () => {
		const nested = fragmentOf({ type: 'doc', content: [{ type: 'paragraph', content: [para('đoạn trong đoạn')] }] });
		expect(fragmentProblem(nested.fragment)).toMatchObject({ kind: 'structure' });
		const bareItem = fragmentOf({ type: 'doc', content: [{ type: 'listItem', content: [para('mục lẻ')] }] });
		expect(fragmentProblem(bareItem.fragment)).toMatchObject({ kind: 'structure' });
	});

	it('finds text at the top of a fragment (y-tiptap throws on it)', () => {
		const ydoc = new Y.Doc();
		const fragment = ydoc.getXmlFragment('conclusions');
		fragment.insert(0, [new Y.XmlText('chữ trần')]);
		expect(fragmentProblem(fragment)).toMatchObject({ kind: 'structure' });
	});

	it('only reads: the shared document is byte for byte the same afterwards', () => {
		const { ydoc, fragment } = fragmentOf({ type: 'doc', content: [para('Căn giữa', { textAlign: 'center' }), { type: 'table' }] });
		const before = Y.encodeStateAsUpdate(ydoc);
		fragmentProblem(fragment);
		expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before);
	});
});

describe('machine-made paragraphs', () => {
	const labels = () => ({ badge: 'Máy tạo — chưa duyệt', source: 'Xem lời nói gốc', href: (id: string) => `/t/${id}` });

	function stateOf(doc: RichNode): EditorState {
		const schema = richSchema();
		return EditorState.create({ schema, doc: schema.nodeFromJSON(doc), plugins: [machineParagraphsPlugin(labels)] });
	}

	const drafted: RichNode = { type: 'doc', content: [para('Máy ghi một.', { machine: true, segmentId: 's1' }), para('Máy ghi hai.', { machine: true, segmentId: 's2' })] };
	const attrsOf = (state: EditorState) => state.doc.content.content.map((node) => ({ machine: node.attrs['machine'] as unknown, segmentId: node.attrs['segmentId'] as unknown }));

	it('keeps the attributes through the schema (they are declared)', () => {
		expect(attrsOf(stateOf(drafted))).toEqual([
			{ machine: true, segmentId: 's1' },
			{ machine: true, segmentId: 's2' },
		]);
	});

	it('clears the mark of the paragraph a person types in, in the same update, and only that one', () => {
		const state = stateOf(drafted);
		const { state: next, transactions } = state.applyTransaction(state.tr.insertText('Sửa: ', 1));
		expect(attrsOf(next)).toEqual([
			{ machine: null, segmentId: 's1' },
			{ machine: true, segmentId: 's2' },
		]);
		expect(transactions).toHaveLength(2);
		expect(next.doc.firstChild?.textContent).toBe('Sửa: Máy ghi một.');
	});

	it('counts a deletion and a formatting change as an edit', () => {
		const state = stateOf(drafted);
		const second = 1 + (state.doc.firstChild?.nodeSize ?? 0);
		const deleted = state.applyTransaction(state.tr.delete(second + 1, second + 4)).state;
		expect(attrsOf(deleted)[1]?.machine).toBeNull();
		expect(attrsOf(deleted)[0]?.machine).toBe(true);
		const bold = state.applyTransaction(state.tr.addMark(2, 5, richSchema().marks['bold']!.create())).state;
		expect(attrsOf(bold)[0]?.machine).toBeNull();
		expect(attrsOf(bold)[1]?.machine).toBe(true);
	});

	it('leaves the mark alone for changes that come from the shared document and for caret moves', () => {
		const state = stateOf(drafted);
		const remote = state.applyTransaction(state.tr.insertText('X', 2).setMeta(ySyncPluginKey, { isChangeOrigin: true })).state;
		expect(attrsOf(remote)[0]?.machine).toBe(true);
		const moved = state.applyTransaction(state.tr.setSelection(TextSelection.create(state.doc, 3))).state;
		expect(attrsOf(moved)[0]?.machine).toBe(true);
	});

	it('round-trips the attributes through the shared encoding', () => {
		const { fragment } = fragmentOf(drafted);
		expect(readRichText(fragment)).toEqual(drafted);
	});
});
