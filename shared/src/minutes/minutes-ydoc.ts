import * as buffer from 'lib0/buffer';
import * as sha256 from 'lib0/hash/sha256';
import * as Y from 'yjs';
import {
	MINUTES_SCHEMA_VERSION,
	type AttendanceLine,
	type MinutesAgendaItem,
	type MinutesContent,
	type MinutesRecipient,
	type MinutesSigner,
	type MinutesTask,
	type RichMark,
	type RichNode,
} from '../api/minutes.ts';

/**
 * The minutes as one Y.Doc, shared by the server (store, restore, approval) and the editor:
 *
 * - `meta` Y.Map: every plain field of header and session plus `archive`, under flat dotted keys
 *   (META_FIELDS: "header.symbol", "session.chair.name", …). A value is a string, or a Y.Text for
 *   an editor that wants character-level merging of a field; both are read.
 * - `attendance`, `tasks`, `signers`, `recipients`: Y.Array of Y.Map, one map per row with the
 *   row's fields under their MinutesContent names.
 * - `agenda`: Y.Array of Y.Map {id, title, presenter}; each item's rich text is the top-level
 *   XmlFragment `item:<id>` (agendaFragmentName), so that an editor binds it by name and a
 *   reordering of items moves no text.
 * - `conclusions`: XmlFragment.
 *
 * Rich text is encoded exactly as @tiptap/y-tiptap (y-prosemirror) encodes ProseMirror: an
 * XmlElement per node (nodeName = node type, attrs as attributes, null attrs left out), runs of
 * text nodes as one XmlText whose formatting attributes are the marks ({ [markName]: markAttrs }),
 * so that the TipTap Collaboration extension edits the same fragments the server reads.
 *
 * The reader is defensive: the Y.Doc holds whatever clients sent, so a value of the wrong type
 * reads as the field's empty value and a row that is not a map is skipped, while every node,
 * mark and attribute of rich text (known to us or not) is kept.
 */

export const MINUTES_YDOC_ROOTS = {
	meta: 'meta',
	attendance: 'attendance',
	agenda: 'agenda',
	tasks: 'tasks',
	signers: 'signers',
	recipients: 'recipients',
	conclusions: 'conclusions',
} as const;

/** The XmlFragment holding one agenda item's content. */
export function agendaFragmentName(itemId: string): string {
	return `item:${itemId}`;
}

/** The plain fields kept in `meta`, by their dotted path into MinutesContent. */
export const META_FIELDS = [
	'header.parentBody',
	'header.issuingBody',
	'header.symbol',
	'header.place',
	'header.date',
	'header.summary',
	'session.startedAt',
	'session.endedAt',
	'session.location',
	'session.onlinePoints',
	'session.chair.name',
	'session.chair.title',
	'session.secretary.name',
	'session.secretary.title',
	'session.otherParticipants',
	'archive',
] as const;
export type MetaField = (typeof META_FIELDS)[number];

/** Row fields of each array part, in MinutesContent's order. */
export const ROW_FIELDS = {
	attendance: ['id', 'unitId', 'unitName', 'present', 'firstJoinAt', 'lastLeaveAt', 'minutesAttended', 'note'],
	agenda: ['id', 'title', 'presenter'],
	tasks: ['id', 'unitId', 'unitName', 'text', 'deadline', 'agendaItemId', 'sourceSegmentId', 'machine'],
	signers: ['role', 'title', 'name'],
	recipients: ['id', 'unitId', 'name'],
} as const;

type Row = Record<string, unknown>;
type ArrayPart = keyof typeof ROW_FIELDS;

function metaValues(content: MinutesContent): Record<MetaField, string> {
	const { header, session } = content;
	return {
		'header.parentBody': header.parentBody,
		'header.issuingBody': header.issuingBody,
		'header.symbol': header.symbol,
		'header.place': header.place,
		'header.date': header.date,
		'header.summary': header.summary,
		'session.startedAt': session.startedAt,
		'session.endedAt': session.endedAt,
		'session.location': session.location,
		'session.onlinePoints': session.onlinePoints,
		'session.chair.name': session.chair.name,
		'session.chair.title': session.chair.title,
		'session.secretary.name': session.secretary.name,
		'session.secretary.title': session.secretary.title,
		'session.otherParticipants': session.otherParticipants,
		archive: content.archive,
	};
}

// ---------------------------------------------------------------------------------------------
// Rich text

/** y-prosemirror's key for a mark that may occur more than once on a text: `name--<8 chars>`. */
const HASHED_MARK = /(.*)(--[a-zA-Z0-9+/=]{8})$/;

/** y-prosemirror's hashOfJSON: SHA-256 of lib0's encoding of the mark's JSON, folded to 6 bytes, base64. */
function hashOfJSON(json: unknown): string {
	const digest = sha256.digest(buffer.encodeAny(json));
	const size = 6;
	for (let i = size; i < digest.length; i += 1) {
		digest[i % size] = (digest[i % size] ?? 0) ^ (digest[i] ?? 0);
	}
	return buffer.toBase64(digest.slice(0, size));
}

function markJson(mark: RichMark): RichMark {
	return mark.attrs && Object.keys(mark.attrs).length > 0 ? { type: mark.type, attrs: mark.attrs } : { type: mark.type };
}

/**
 * A text run's formatting attributes. A mark type that occurs once goes under its name, as for
 * TipTap's bold/italic/underline (they exclude themselves); one that occurs several times (two
 * comments) gets y-prosemirror's hashed keys so that none overwrites another.
 */
function marksToAttributes(marks: readonly RichMark[] | undefined): Record<string, Record<string, unknown>> {
	const attributes: Record<string, Record<string, unknown>> = {};
	const counts = new Map<string, number>();
	for (const mark of marks ?? []) {
		counts.set(mark.type, (counts.get(mark.type) ?? 0) + 1);
	}
	for (const mark of marks ?? []) {
		const key = (counts.get(mark.type) ?? 0) > 1 ? `${mark.type}--${hashOfJSON(markJson(mark))}` : mark.type;
		attributes[key] = { ...(mark.attrs ?? {}) };
	}
	return attributes;
}

function attributesToMarks(attributes: Record<string, unknown>): RichMark[] {
	return Object.entries(attributes).map(([key, value]) => {
		const type = HASHED_MARK.exec(key)?.[1] ?? key;
		const attrs = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 ? (value as Record<string, unknown>) : null;
		return attrs ? { type, attrs: { ...attrs } } : { type };
	});
}

function elementOf(node: RichNode): Y.XmlElement {
	const element = new Y.XmlElement(node.type);
	for (const [key, value] of Object.entries(node.attrs ?? {})) {
		// y-prosemirror stores no null attribute (ProseMirror's "not set"), so neither do we.
		if (value !== null && value !== undefined) {
			element.setAttribute(key, value as string);
		}
	}
	const children = childTypes(node.content ?? []);
	if (children.length > 0) {
		element.insert(0, children);
	}
	return element;
}

/**
 * Shared types for a node list: adjacent text nodes share one XmlText (as y-prosemirror's
 * normalizePNodeContent does), every other node is an element. Empty text is dropped: ProseMirror
 * has no empty text node.
 */
function childTypes(nodes: readonly RichNode[]): (Y.XmlElement | Y.XmlText)[] {
	const types: (Y.XmlElement | Y.XmlText)[] = [];
	let run: RichNode[] | null = null;
	const flush = (): void => {
		if (run && run.length > 0) {
			const text = new Y.XmlText();
			text.applyDelta(run.map((n) => ({ insert: n.text ?? '', attributes: marksToAttributes(n.marks) })));
			types.push(text);
		}
		run = null;
	};
	for (const node of nodes) {
		if (node.type === 'text') {
			if ((node.text ?? '') !== '') {
				(run ??= []).push(node);
			}
			continue;
		}
		flush();
		types.push(elementOf(node));
	}
	flush();
	return types;
}

/** Replaces a fragment's children with the blocks of `doc` (a bare non-doc node becomes the only block). */
export function writeRichText(fragment: Y.XmlFragment, doc: RichNode): void {
	const blocks = doc.type === 'doc' ? (doc.content ?? []) : [doc];
	if (fragment.length > 0) {
		fragment.delete(0, fragment.length);
	}
	const children = childTypes(blocks);
	if (children.length > 0) {
		fragment.insert(0, children);
	}
}

function nodesOf(type: Y.XmlElement | Y.XmlText | Y.XmlHook): RichNode[] {
	if (type instanceof Y.XmlText) {
		const delta = type.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[];
		const nodes: RichNode[] = [];
		for (const op of delta) {
			// An embed is not something ProseMirror writes; text is all a run can hold.
			if (typeof op.insert !== 'string' || op.insert === '') {
				continue;
			}
			const marks = op.attributes ? attributesToMarks(op.attributes) : [];
			nodes.push(marks.length > 0 ? { type: 'text', text: op.insert, marks } : { type: 'text', text: op.insert });
		}
		return nodes;
	}
	if (type instanceof Y.XmlElement) {
		const node: RichNode = { type: type.nodeName };
		const attrs = Object.fromEntries(Object.entries(type.getAttributes() as Record<string, unknown>).filter(([, value]) => value !== null && value !== undefined));
		if (Object.keys(attrs).length > 0) {
			node.attrs = attrs;
		}
		const content = type.toArray().flatMap(nodesOf);
		if (content.length > 0) {
			node.content = content;
		}
		return [node];
	}
	return [];
}

/** The fragment as a ProseMirror `doc` (what y-tiptap's yXmlFragmentToProsemirrorJSON gives, without empty parts). */
export function readRichText(fragment: Y.XmlFragment): RichNode {
	return { type: 'doc', content: fragment.toArray().flatMap(nodesOf) };
}

/**
 * The form `readRichText(writeRichText(node))` gives: a `doc` root, no empty `attrs`/`content`,
 * no null attribute, no empty text, adjacent text runs with equal marks merged. Content in this
 * form round-trips through the Y.Doc unchanged.
 */
export function normalizeRichText(node: RichNode): RichNode {
	const doc = new Y.Doc();
	const fragment = doc.getXmlFragment('normalize');
	writeRichText(fragment, node);
	const result = readRichText(fragment);
	doc.destroy();
	return result;
}

// ---------------------------------------------------------------------------------------------
// Plain values

function str(value: unknown): string {
	if (typeof value === 'string') {
		return value;
	}
	return value instanceof Y.Text ? value.toJSON() : '';
}

/** A nullable reference (unit id, segment id): a string (or Y.Text) as it is, anything else null. */
function strOrNull(value: unknown): string | null {
	return typeof value === 'string' || value instanceof Y.Text ? str(value) : null;
}

function bool(value: unknown): boolean {
	return value === true;
}

function count(value: unknown): number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/** Sets `key` to `value` unless it already holds it; a Y.Text field is edited in place. */
function setValue(map: Y.Map<unknown>, key: string, value: unknown): void {
	const current = map.get(key);
	if (current instanceof Y.Text && typeof value === 'string') {
		if (current.toJSON() !== value) {
			current.delete(0, current.length);
			current.insert(0, value);
		}
		return;
	}
	if (current !== value || !map.has(key)) {
		map.set(key, value);
	}
}

function rowMap(row: Row, fields: readonly string[]): Y.Map<unknown> {
	const map = new Y.Map<unknown>();
	for (const field of fields) {
		map.set(field, row[field] ?? null);
	}
	return map;
}

function rowsOf(array: Y.Array<unknown>): Y.Map<unknown>[] {
	return array.toArray().filter((item): item is Y.Map<unknown> => item instanceof Y.Map);
}

function readAttendance(map: Y.Map<unknown>, index: number): AttendanceLine {
	return {
		id: str(map.get('id')) || `attendance-${index + 1}`,
		unitId: strOrNull(map.get('unitId')),
		unitName: str(map.get('unitName')),
		present: bool(map.get('present')),
		firstJoinAt: str(map.get('firstJoinAt')),
		lastLeaveAt: str(map.get('lastLeaveAt')),
		minutesAttended: count(map.get('minutesAttended')),
		note: str(map.get('note')),
	};
}

function readTask(map: Y.Map<unknown>, index: number): MinutesTask {
	return {
		id: str(map.get('id')) || `task-${index + 1}`,
		unitId: strOrNull(map.get('unitId')),
		unitName: str(map.get('unitName')),
		text: str(map.get('text')),
		deadline: str(map.get('deadline')),
		agendaItemId: str(map.get('agendaItemId')),
		sourceSegmentId: strOrNull(map.get('sourceSegmentId')),
		machine: bool(map.get('machine')),
	};
}

function readSigner(map: Y.Map<unknown>): MinutesSigner {
	return { role: map.get('role') === 'chair' ? 'chair' : 'secretary', title: str(map.get('title')), name: str(map.get('name')) };
}

function readRecipient(map: Y.Map<unknown>, index: number): MinutesRecipient {
	return { id: str(map.get('id')) || `recipient-${index + 1}`, unitId: strOrNull(map.get('unitId')), name: str(map.get('name')) };
}

function rowValues(part: ArrayPart, content: MinutesContent): Row[] {
	switch (part) {
		case 'attendance': {
			return content.attendance;
		}
		case 'agenda': {
			return content.agenda.map(({ id, title, presenter }) => ({ id, title, presenter }));
		}
		case 'tasks': {
			return content.tasks;
		}
		case 'signers': {
			return content.signers;
		}
		case 'recipients': {
			return content.recipients;
		}
	}
}

function readRows(part: ArrayPart, doc: Y.Doc): Row[] {
	const rows = rowsOf(doc.getArray<unknown>(MINUTES_YDOC_ROOTS[part]));
	switch (part) {
		case 'attendance': {
			return rows.map(readAttendance);
		}
		case 'agenda': {
			return rows.map((map, index) => ({ id: str(map.get('id')) || `item-${index + 1}`, title: str(map.get('title')), presenter: str(map.get('presenter')) }));
		}
		case 'tasks': {
			return rows.map(readTask);
		}
		case 'signers': {
			return rows.map(readSigner);
		}
		case 'recipients': {
			return rows.map(readRecipient);
		}
	}
}

function sameRow(a: Row, b: Row, fields: readonly string[]): boolean {
	return fields.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

function sameRich(a: RichNode, b: RichNode): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// The whole document

/**
 * Makes `doc` hold `content`, in one transaction (so one update). Only the parts that differ are
 * rewritten: a field, the rows of a table, a rich-text section. A restore or a first draft thus
 * leaves untouched sections (and the cursors in them) alone, and its update stays small.
 */
export function writeContentToYDoc(doc: Y.Doc, content: MinutesContent, origin: unknown = null): void {
	doc.transact(() => {
		const meta = doc.getMap<unknown>(MINUTES_YDOC_ROOTS.meta);
		setValue(meta, 'schemaVersion', MINUTES_SCHEMA_VERSION);
		for (const [key, value] of Object.entries(metaValues(content))) {
			setValue(meta, key, value);
		}
		for (const part of Object.keys(ROW_FIELDS) as ArrayPart[]) {
			const fields = ROW_FIELDS[part];
			const array = doc.getArray<unknown>(MINUTES_YDOC_ROOTS[part]);
			const wanted = rowValues(part, content);
			const current = readRows(part, doc);
			const unchanged = array.length === wanted.length && current.length === wanted.length && wanted.every((row, i) => sameRow(row, current[i] ?? {}, fields));
			if (!unchanged) {
				// Rows are short: a table that changed is written anew rather than diffed cell by cell.
				if (array.length > 0) {
					array.delete(0, array.length);
				}
				array.insert(
					0,
					wanted.map((row) => rowMap(row, fields))
				);
			}
		}
		for (const item of content.agenda) {
			writeRichIfChanged(doc.getXmlFragment(agendaFragmentName(item.id)), item.content);
		}
		writeRichIfChanged(doc.getXmlFragment(MINUTES_YDOC_ROOTS.conclusions), content.conclusions);
	}, origin);
}

function writeRichIfChanged(fragment: Y.XmlFragment, node: RichNode): void {
	if (!sameRich(readRichText(fragment), normalizeRichText(node))) {
		writeRichText(fragment, node);
	}
}

/** The canonical MinutesContent the Y.Doc holds now. */
export function readContentFromYDoc(doc: Y.Doc): MinutesContent {
	const meta = doc.getMap<unknown>(MINUTES_YDOC_ROOTS.meta);
	const field = (key: MetaField): string => str(meta.get(key));
	const agenda: MinutesAgendaItem[] = (readRows('agenda', doc) as Omit<MinutesAgendaItem, 'content'>[]).map((item) => ({
		...item,
		content: readRichText(doc.getXmlFragment(agendaFragmentName(item.id))),
	}));
	return {
		schemaVersion: MINUTES_SCHEMA_VERSION,
		header: {
			parentBody: field('header.parentBody'),
			issuingBody: field('header.issuingBody'),
			symbol: field('header.symbol'),
			place: field('header.place'),
			date: field('header.date'),
			summary: field('header.summary'),
		},
		session: {
			startedAt: field('session.startedAt'),
			endedAt: field('session.endedAt'),
			location: field('session.location'),
			onlinePoints: field('session.onlinePoints'),
			chair: { name: field('session.chair.name'), title: field('session.chair.title') },
			secretary: { name: field('session.secretary.name'), title: field('session.secretary.title') },
			otherParticipants: field('session.otherParticipants'),
		},
		attendance: readRows('attendance', doc) as AttendanceLine[],
		agenda,
		conclusions: readRichText(doc.getXmlFragment(MINUTES_YDOC_ROOTS.conclusions)),
		tasks: readRows('tasks', doc) as MinutesTask[],
		signers: readRows('signers', doc) as MinutesSigner[],
		recipients: readRows('recipients', doc) as MinutesRecipient[],
		archive: field('archive'),
	};
}
