import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Mapping } from '@tiptap/pm/transform';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';

export type MachineLabels = {
	badge: string;
	source: string;
	/** Where the transcript line of a paragraph is shown, or null when there is no such page. */
	href: (segmentId: string) => string | null;
};

export const machineParagraphsKey = new PluginKey<DecorationSet>('machineParagraphs');

/** Meta of our own attribute change, and of a request to redraw the labels (language changed). */
const CLEARED = 'machineParagraphs:cleared';
export const RELABEL = 'machineParagraphs:relabel';

function isMachine(node: PMNode): boolean {
	return node.type.name === 'paragraph' && node.attrs['machine'] === true;
}

function badge(labels: MachineLabels, segmentId: string | null): HTMLElement {
	const box = document.createElement('span');
	box.className = 'machine-badge';
	box.contentEditable = 'false';
	box.dataset['testid'] = 'machine-badge';
	const label = document.createElement('span');
	label.textContent = labels.badge;
	box.append(label);
	const href = segmentId ? labels.href(segmentId) : null;
	if (href) {
		const link = document.createElement('a');
		link.href = href;
		link.target = '_blank';
		link.rel = 'noopener';
		link.textContent = labels.source;
		box.append(' · ', link);
	}
	return box;
}

function decorations(doc: PMNode, labels: MachineLabels): DecorationSet {
	const found: Decoration[] = [];
	doc.descendants((node, pos) => {
		if (isMachine(node)) {
			const segmentId = typeof node.attrs['segmentId'] === 'string' ? node.attrs['segmentId'] : null;
			found.push(Decoration.node(pos, pos + node.nodeSize, { class: 'machine-paragraph' }));
			found.push(
				Decoration.widget(pos + 1, () => badge(labels, segmentId), {
					side: -1,
					ignoreSelection: true,
					key: `machine:${segmentId ?? ''}:${labels.badge}`,
					stopEvent: () => true,
				})
			);
		}
		// Paragraphs hold no paragraphs: no need to look inside.
		return node.isBlock && node.type.name !== 'paragraph';
	});
	return DecorationSet.create(doc, found);
}

/** A change typed, pasted or formatted here (not one y-tiptap applied from the shared document). */
function isPersonEdit(tr: Transaction): boolean {
	return tr.docChanged && tr.getMeta(ySyncPluginKey) === undefined && tr.getMeta(CLEARED) !== true;
}

/** Ranges of the final document that `transactions` touched. */
function touchedRanges(transactions: readonly Transaction[]): [number, number][] {
	const ranges: [number, number][] = [];
	transactions.forEach((tr, index) => {
		if (!isPersonEdit(tr)) {
			return;
		}
		const later = new Mapping();
		for (const next of transactions.slice(index + 1)) {
			later.appendMapping(next.mapping);
		}
		tr.steps.forEach((step, stepIndex) => {
			const after = tr.mapping.slice(stepIndex + 1);
			const push = (from: number, to: number): void => {
				const start = later.map(after.map(from, -1), -1);
				const end = later.map(after.map(to, 1), 1);
				ranges.push([Math.min(start, end), Math.max(start, end)]);
			};
			let mapped = false;
			step.getMap().forEach((_oldStart, _oldEnd, newStart, newEnd) => {
				mapped = true;
				push(newStart, newEnd);
			});
			// Mark steps change no positions but are an edit of the text all the same.
			const marked = step as unknown as { from?: unknown; to?: unknown };
			if (!mapped && typeof marked.from === 'number' && typeof marked.to === 'number') {
				push(marked.from, marked.to);
			}
		});
	});
	return ranges;
}

/**
 * Shows "Máy tạo — chưa duyệt" (with a link to the transcript line) on every paragraph the draft
 * generator made, and clears `machine` from a paragraph as soon as a person edits it: in the same
 * state update as the edit, so the shared document gets both in one Yjs transaction.
 */
export function machineParagraphsPlugin(labels: () => MachineLabels): Plugin<DecorationSet> {
	return new Plugin<DecorationSet>({
		key: machineParagraphsKey,
		state: {
			init: (_config, state) => decorations(state.doc, labels()),
			apply: (tr, previous, _old, state) => (tr.docChanged || tr.getMeta(RELABEL) === true ? decorations(state.doc, labels()) : previous),
		},
		props: {
			decorations: (state) => machineParagraphsKey.getState(state) ?? DecorationSet.empty,
		},
		appendTransaction: (transactions: readonly Transaction[], _old: EditorState, state: EditorState) => {
			const ranges = touchedRanges(transactions);
			if (ranges.length === 0) {
				return null;
			}
			const tr = state.tr;
			const cleared = new Set<number>();
			for (const [from, to] of ranges) {
				state.doc.nodesBetween(Math.max(0, from), Math.min(state.doc.content.size, to), (node, pos) => {
					if (isMachine(node) && !cleared.has(pos)) {
						cleared.add(pos);
						tr.setNodeAttribute(pos, 'machine', null);
					}
					return !isMachine(node);
				});
			}
			return cleared.size > 0 ? tr.setMeta(CLEARED, true) : null;
		},
	});
}
