import type { ReactNode } from 'react';
import type { RichMark, RichNode } from '#shared/api/minutes.ts';

/** Text with its marks; a mark this view does not know leaves the text as it is (never dropped). */
function marked(text: string, marks: RichMark[] | undefined, key: string): ReactNode {
	let out: ReactNode = text;
	for (const mark of marks ?? []) {
		if (mark.type === 'bold') {
			out = <strong>{out}</strong>;
		} else if (mark.type === 'italic') {
			out = <em>{out}</em>;
		} else if (mark.type === 'underline') {
			out = <u>{out}</u>;
		}
	}
	return <span key={key}>{out}</span>;
}

function children(node: RichNode, key: string): ReactNode[] {
	return (node.content ?? []).map((child, index) => renderNode(child, `${key}.${index}`));
}

/**
 * ProseMirror JSON as read-only React: the nodes the editor makes, and for any other node its
 * content (or text), so that a version made by a newer editor still shows everything it holds.
 */
function renderNode(node: RichNode, key: string): ReactNode {
	switch (node.type) {
		case 'text':
			return marked(node.text ?? '', node.marks, key);
		case 'hardBreak':
			return <br key={key} />;
		case 'doc':
			return <div key={key}>{children(node, key)}</div>;
		case 'paragraph':
			return <p key={key}>{children(node, key)}</p>;
		case 'heading':
			return <h5 key={key}>{children(node, key)}</h5>;
		case 'blockquote':
			return <blockquote key={key}>{children(node, key)}</blockquote>;
		case 'bulletList':
			return <ul key={key}>{children(node, key)}</ul>;
		case 'orderedList':
			return <ol key={key}>{children(node, key)}</ol>;
		case 'listItem':
			return <li key={key}>{children(node, key)}</li>;
		default:
			return node.content ? (
				<div key={key} data-node={node.type}>
					{children(node, key)}
				</div>
			) : node.text ? (
				marked(node.text, node.marks, key)
			) : null;
	}
}

export function RichView({ node }: { node: RichNode }) {
	return <div className="rich-view">{renderNode(node, 'n')}</div>;
}
