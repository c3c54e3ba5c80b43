import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Value } from 'typebox/value';
import { MinutesContent, type RichNode } from '../../../shared/src/api/minutes.ts';
import {
	agendaFragmentName,
	MINUTES_YDOC_ROOTS,
	normalizeRichText,
	readContentFromYDoc,
	writeContentToYDoc,
} from '../../../shared/src/minutes/minutes-ydoc.ts';
import { sampleMinutes } from './ydoc-sample.ts';

function docWith(content: MinutesContent): Y.Doc {
	const doc = new Y.Doc();
	writeContentToYDoc(doc, content);
	return doc;
}

/** What a peer holding only the stored updates sees. */
function replica(...updates: Uint8Array[]): Y.Doc {
	const doc = new Y.Doc();
	for (const update of updates) {
		Y.applyUpdate(doc, update);
	}
	return doc;
}

describe('MinutesContent ↔ Y.Doc', () => {
	it('round-trips every part exactly, unknown nodes, marks and attributes included', () => {
		const content = sampleMinutes();
		const doc = docWith(content);
		expect(readContentFromYDoc(doc)).toEqual(content);
		// Through the wire format too: a fresh doc fed the encoded state reads the same.
		expect(readContentFromYDoc(replica(Y.encodeStateAsUpdate(doc)))).toEqual(content);
		expect(Value.Check(MinutesContent, readContentFromYDoc(doc))).toBe(true);
	});

	it('writes the whole content as one update (one transaction)', () => {
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => updates.push(update));
		writeContentToYDoc(doc, sampleMinutes());
		expect(updates).toHaveLength(1);
		expect(readContentFromYDoc(replica(updates[0]!))).toEqual(sampleMinutes());
	});

	it('replaces everything: rows, fields and sections that are no longer in the content go', () => {
		const doc = docWith(sampleMinutes());
		const smaller = sampleMinutes();
		smaller.header.summary = 'Họp giao ban tháng 12';
		smaller.attendance = smaller.attendance.slice(0, 1);
		smaller.tasks = [];
		smaller.agenda = [smaller.agenda[1]!];
		smaller.conclusions = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Kết luận mới' }] }] };
		writeContentToYDoc(doc, smaller);
		expect(readContentFromYDoc(doc)).toEqual(smaller);
	});

	it('leaves unchanged parts alone: a write of equal content makes no change at all', () => {
		const doc = docWith(sampleMinutes());
		const updates: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => updates.push(update));
		writeContentToYDoc(doc, sampleMinutes());
		expect(updates).toEqual([]);

		// One field changed: the agenda item's text (a concurrent editor's cursor there) is not rewritten.
		const fragment = doc.getXmlFragment(agendaFragmentName('item-1'));
		const firstParagraph = fragment.get(0);
		const changed = sampleMinutes();
		changed.header.place = 'Tam Sơn';
		writeContentToYDoc(doc, changed);
		expect(updates).toHaveLength(1);
		expect(fragment.get(0)).toBe(firstParagraph);
		expect(readContentFromYDoc(doc)).toEqual(changed);
	});

	it('merges concurrent edits of different parts made on two replicas', () => {
		const base = docWith(sampleMinutes());
		const a = replica(Y.encodeStateAsUpdate(base));
		const b = replica(Y.encodeStateAsUpdate(base));
		a.getMap(MINUTES_YDOC_ROOTS.meta).set('header.summary', 'Tóm tắt của A');
		const paragraph = b.getXmlFragment(MINUTES_YDOC_ROOTS.conclusions).get(0) as Y.XmlElement;
		(paragraph.get(0) as Y.XmlText).insert(0, 'B: ');
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
		const read = readContentFromYDoc(a);
		expect(read).toEqual(readContentFromYDoc(b));
		expect(read.header.summary).toBe('Tóm tắt của A');
		expect(JSON.stringify(read.conclusions)).toContain('B: Kết luận');
	});

	it('reads what clients may have put there defensively: wrong types become empty values, Y.Text fields are read', () => {
		const doc = docWith(sampleMinutes());
		const meta = doc.getMap(MINUTES_YDOC_ROOTS.meta);
		const summary = new Y.Text();
		summary.insert(0, 'Gõ từng chữ');
		meta.set('header.summary', summary);
		meta.set('header.place', 42);
		const attendance = doc.getArray(MINUTES_YDOC_ROOTS.attendance);
		attendance.push(['not a row']);
		const odd = new Y.Map<unknown>();
		odd.set('unitName', 'Xã lạ');
		odd.set('present', 'yes');
		odd.set('minutesAttended', -3);
		attendance.push([odd]);
		const read = readContentFromYDoc(doc);
		expect(read.header.summary).toBe('Gõ từng chữ');
		expect(read.header.place).toBe('');
		expect(read.attendance).toHaveLength(5);
		expect(read.attendance[4]).toEqual({ id: 'attendance-5', unitId: null, unitName: 'Xã lạ', present: false, firstJoinAt: '', lastLeaveAt: '', minutesAttended: 0, note: '' });
		expect(Value.Check(MinutesContent, read)).toBe(true);

		// Writing a summary back edits the Y.Text in place rather than replacing it.
		const changed = structuredClone(read);
		changed.header.summary = 'Sửa lại';
		writeContentToYDoc(doc, changed);
		expect(meta.get('header.summary')).toBe(summary);
		expect(summary.toJSON()).toBe('Sửa lại');
	});

	it('normalises rich text the way the Y.Doc stores it', () => {
		const messy: RichNode = {
			type: 'doc',
			attrs: {},
			content: [
				{ type: 'paragraph', attrs: { machine: null, keep: 0 }, content: [{ type: 'text', text: 'a' }, { type: 'text', text: '' }, { type: 'text', text: 'b' }] },
				{ type: 'paragraph', content: [] },
			],
		};
		expect(normalizeRichText(messy)).toEqual({ type: 'doc', content: [{ type: 'paragraph', attrs: { keep: 0 }, content: [{ type: 'text', text: 'ab' }] }, { type: 'paragraph' }] });
		// A bare block is kept as the only block of a doc rather than lost.
		expect(normalizeRichText({ type: 'paragraph', content: [{ type: 'text', text: 'x' }] })).toEqual({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] });
	});
});
