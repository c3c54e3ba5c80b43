import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type * as Y from 'yjs';
import type { RichNode } from '#shared/api/minutes.ts';
import { readRichText } from '#shared/minutes/minutes-ydoc.ts';
import { useI18n } from '../i18n/index.tsx';
import { RELABEL, type MachineLabels } from './machine-paragraphs.ts';
import type { MinutesProvider } from './minutes-provider.ts';
import type { PresenceUser } from './presence.ts';
import { MachineParagraphs, fragmentProblem, richBaseExtensions, type SchemaProblem } from './rich-schema.ts';
import { useYVersion } from './y-hooks.ts';

type Props = {
	provider: MinutesProvider;
	/** The XmlFragment: "item:<id>" or "conclusions". */
	fragmentName: string;
	/** Presence key of the section. */
	presence: string;
	label: string;
	editable: boolean;
	user: PresenceUser;
	segmentHref: (segmentId: string) => string | null;
	testId: string;
};

/**
 * One rich-text part of the minutes (an agenda item's content, the conclusions) with TipTap on
 * its shared fragment. Shared content the editor's schema cannot hold is never given to TipTap:
 * y-tiptap would drop it and sync the deletion. Such a part is shown read-only with a note; so
 * is a part whose content TipTap itself reports invalid (enableContentCheck → onContentError).
 */
export function RichTextSection(props: Props) {
	const { t } = useI18n();
	const fragment = props.provider.doc.getXmlFragment(props.fragmentName);
	const version = useYVersion(fragment as Y.AbstractType<unknown>);
	// `version` stands for the fragment's content: the check runs again on every change.
	const problem = useMemo(() => fragmentProblem(fragment), [fragment, version]);
	const [contentError, setContentError] = useState<Error | null>(null);
	if (problem !== null || contentError !== null) {
		const detail = problem ? problemText(problem, t) : t('minutesEditor.unsupported.structure');
		return (
			<div className="rich-section read-only" data-testid={props.testId} data-unsupported="true">
				<div className="unsupported-note" role="note" data-testid="unsupported-note">
					<strong>{t('minutesEditor.unsupported.title')}</strong> {t('minutesEditor.unsupported.body', { detail })}
				</div>
				<div className="rich-readonly" aria-label={props.label}>
					<RichView node={readRichText(fragment)} machineLabel={t('minutesEditor.machine.badge')} />
				</div>
			</div>
		);
	}
	return <LiveEditor {...props} fragment={fragment} onContentError={setContentError} />;
}

function problemText(problem: SchemaProblem, t: ReturnType<typeof useI18n>['t']): string {
	switch (problem.kind) {
		case 'node': {
			return t('minutesEditor.unsupported.node', { name: problem.name });
		}
		case 'mark': {
			return t('minutesEditor.unsupported.mark', { name: problem.name });
		}
		case 'attribute': {
			return t('minutesEditor.unsupported.attribute', { name: problem.name, node: problem.node });
		}
		case 'structure': {
			return t('minutesEditor.unsupported.structure');
		}
	}
}

function LiveEditor({ provider, fragmentName, fragment, presence, label, editable, user, segmentHref, testId, onContentError }: Props & { fragment: Y.XmlFragment; onContentError: (error: Error) => void }) {
	const { t } = useI18n();
	const labels = useRef<MachineLabels>({ badge: '', source: '', href: segmentHref });
	labels.current = { badge: t('minutesEditor.machine.badge'), source: t('minutesEditor.machine.source'), href: segmentHref };
	const editor = useEditor(
		{
			extensions: [
				...richBaseExtensions().filter((extension) => extension.name !== MachineParagraphs.name),
				MachineParagraphs.configure({ labels: () => labels.current }),
				Collaboration.configure({ document: provider.doc, field: fragmentName }),
				CollaborationCaret.configure({ provider, user }),
			],
			// With the check on, y-tiptap keeps shared content the schema rejects (pausing the editor)
			// instead of deleting it. The offered disableCollaboration() is NOT called: it destroys
			// the Y.Doc, which every part of the minutes shares. The part goes read-only instead.
			enableContentCheck: true,
			onContentError: ({ editor: failed, error }) => {
				failed.setEditable(false);
				onContentError(error);
			},
			editable,
			editorProps: { attributes: { 'aria-label': label, 'data-field': presence, class: 'rich-text' } },
			onFocus: () => provider.awareness.setLocalStateField('field', presence),
			onBlur: () => {
				if ((provider.awareness.getLocalState() as { field?: unknown } | null)?.field === presence) {
					provider.awareness.setLocalStateField('field', null);
				}
			},
		},
		[provider, fragmentName]
	);

	useEffect(() => {
		if (!editor.isDestroyed && editor.isEditable !== editable) {
			editor.setEditable(editable);
		}
	}, [editor, editable]);

	// Redraw the machine labels in the new language.
	useEffect(() => {
		if (!editor.isDestroyed) {
			editor.view.dispatch(editor.state.tr.setMeta(RELABEL, true));
		}
	}, [editor, t]);

	// A remote change that brings content the editor cannot hold: stop typing at once (the section
	// turns read-only on the next render), so no keystroke rewrites what the editor dropped.
	useEffect(() => {
		const guard = (): void => {
			if (!editor.isDestroyed && fragmentProblem(fragment) !== null) {
				editor.setEditable(false);
			}
		};
		fragment.observeDeep(guard);
		return () => fragment.unobserveDeep(guard);
	}, [editor, fragment]);

	return (
		<div className="rich-section" data-testid={testId}>
			{editable && <Toolbar editor={editor} />}
			<EditorContent editor={editor} />
		</div>
	);
}

function Toolbar({ editor }: { editor: Editor }) {
	const { t } = useI18n();
	const active = useEditorState({
		editor,
		selector: ({ editor: e }) => ({
			bold: e.isActive('bold'),
			italic: e.isActive('italic'),
			underline: e.isActive('underline'),
			bulletList: e.isActive('bulletList'),
			orderedList: e.isActive('orderedList'),
		}),
	});
	const button = (key: keyof typeof active, text: string, run: () => boolean, content: ReactNode) => (
		<button type="button" aria-pressed={active[key]} title={text} aria-label={text} onMouseDown={(e) => e.preventDefault()} onClick={() => run()}>
			{content}
		</button>
	);
	return (
		<div className="rich-toolbar" role="toolbar" aria-label={t('minutesEditor.toolbar.label')}>
			{button('bold', t('minutesEditor.toolbar.bold'), () => editor.chain().focus().toggleBold().run(), <b>B</b>)}
			{button('italic', t('minutesEditor.toolbar.italic'), () => editor.chain().focus().toggleItalic().run(), <i>I</i>)}
			{button('underline', t('minutesEditor.toolbar.underline'), () => editor.chain().focus().toggleUnderline().run(), <u>U</u>)}
			{button('bulletList', t('minutesEditor.toolbar.bulletList'), () => editor.chain().focus().toggleBulletList().run(), '•')}
			{button('orderedList', t('minutesEditor.toolbar.orderedList'), () => editor.chain().focus().toggleOrderedList().run(), '1.')}
			<button type="button" title={t('minutesEditor.toolbar.undo')} aria-label={t('minutesEditor.toolbar.undo')} onMouseDown={(e) => e.preventDefault()} onClick={() => editor.chain().focus().undo().run()}>
				↶
			</button>
			<button type="button" title={t('minutesEditor.toolbar.redo')} aria-label={t('minutesEditor.toolbar.redo')} onMouseDown={(e) => e.preventDefault()} onClick={() => editor.chain().focus().redo().run()}>
				↷
			</button>
		</div>
	);
}

const MARK_TAGS: Record<string, 'strong' | 'em' | 'u'> = { bold: 'strong', italic: 'em', underline: 'u' };

/**
 * Rich text shown without an editor, for a part the editor cannot hold: every node is shown — a
 * known one as itself, an unknown one as a box with its text — so nothing is hidden either.
 */
export function RichView({ node, machineLabel }: { node: RichNode; machineLabel: string }): ReactNode {
	const children = (node.content ?? []).map((child, index) => <RichView key={index} node={child} machineLabel={machineLabel} />);
	switch (node.type) {
		case 'doc': {
			return <>{children}</>;
		}
		case 'text': {
			let content: ReactNode = node.text ?? '';
			for (const mark of node.marks ?? []) {
				const Tag = MARK_TAGS[mark.type];
				content = Tag ? <Tag>{content}</Tag> : <span data-mark={mark.type}>{content}</span>;
			}
			return content;
		}
		case 'hardBreak': {
			return <br />;
		}
		case 'paragraph': {
			return (
				<p className={node.attrs?.['machine'] === true ? 'machine-paragraph' : undefined}>
					{node.attrs?.['machine'] === true && <span className="machine-badge">{machineLabel}</span>}
					{children}
				</p>
			);
		}
		case 'heading': {
			return <h4>{children}</h4>;
		}
		case 'blockquote': {
			return <blockquote>{children}</blockquote>;
		}
		case 'bulletList': {
			return <ul>{children}</ul>;
		}
		case 'orderedList': {
			return <ol>{children}</ol>;
		}
		case 'listItem': {
			return <li>{children}</li>;
		}
		default: {
			return (
				<div className="unknown-node" data-node-type={node.type}>
					{node.text ?? null}
					{children}
				</div>
			);
		}
	}
}
