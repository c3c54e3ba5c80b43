import { describe, expect, it } from 'vitest';
import type { RichNode } from '../../../shared/src/api/minutes.ts';
import { isRichEmpty, paragraph, richDoc, richPlainText } from '../../../shared/src/minutes/rich-text.ts';

describe('rich-text helpers', () => {
	it('makes paragraphs: NFC text, line breaks as hardBreak, no empty text node, attrs copied', () => {
		expect(paragraph('Kết luận'.normalize('NFD'))).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'Kết luận' }] });
		expect(paragraph('a\nb\r\n')).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }, { type: 'hardBreak' }] });
		expect(paragraph('')).toEqual({ type: 'paragraph' });
		const attrs = { machine: true, segmentId: 's1' };
		const made = paragraph('x', attrs);
		attrs.machine = false;
		expect(made.attrs).toEqual({ machine: true, segmentId: 's1' });
	});

	it('makes documents with at least one block', () => {
		expect(richDoc([])).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
		expect(richDoc([paragraph('a')]).content).toHaveLength(1);
	});

	it('gives the text of every block, lists and unknown nodes included, marks ignored', () => {
		const doc: RichNode = {
			type: 'doc',
			content: [
				{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'I. Kết luận' }] },
				{ type: 'paragraph', content: [{ type: 'text', text: 'Đồng chí ', marks: [{ type: 'bold' }] }, { type: 'text', text: 'Chủ tịch', marks: [{ type: 'underline' }, { type: 'fancyMark' }] }, { type: 'hardBreak' }, { type: 'text', text: 'chủ trì' }] },
				{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'một' }] }] }, { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hai' }] }] }] },
				{ type: 'paragraph' },
				{ type: 'callout', attrs: { tone: 'warn' }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'lạ' }, { type: 'mention', text: '@Lan' }, { type: 'image' }] }] },
				{ type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'trích' }] }] },
			],
		};
		expect(richPlainText(doc)).toBe('I. Kết luận\nĐồng chí Chủ tịch\nchủ trì\nmột\nhai\n\nlạ@Lan\ntrích');
	});

	it('normalises to NFC and tells empty sections', () => {
		expect(richPlainText(richDoc([paragraph('Đồng Thịnh'.normalize('NFD'))]))).toBe('Đồng Thịnh');
		expect(isRichEmpty(richDoc([]))).toBe(true);
		expect(isRichEmpty(richDoc([paragraph('  '), paragraph('\n')]))).toBe(true);
		expect(isRichEmpty({ type: 'doc' })).toBe(true);
		expect(isRichEmpty(richDoc([paragraph(''), paragraph('x')]))).toBe(false);
		expect(isRichEmpty({ type: 'doc', content: [{ type: 'unknownBlock', content: [{ type: 'text', text: 'giữ' }] }] })).toBe(false);
	});
});
