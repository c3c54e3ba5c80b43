import {
	AlignmentType,
	BorderStyle,
	Document,
	Header,
	Packer,
	PageNumber,
	Paragraph,
	Table,
	TableBorders,
	TableCell,
	TableLayoutType,
	TableRow,
	TextRun,
	VerticalAlignTable,
	WidthType,
	type IBorderOptions,
	type IParagraphOptions,
	type IRunOptions,
} from 'docx';
import type { MinutesContent, RichMark, RichNode } from '#shared/api/minutes.ts';
import { minutesParts, type MinutesSignatureBlock } from '#shared/minutes/minutes-text.ts';
import type { MinutesRenderOptions } from './minutes-html.ts';

/**
 * The minutes as a Word file (docx 9), from the same parts as the PDF, for units that keep
 * editing or filing in Word. Decree 30 layout: A4, margins 20/15/20/30 mm (docx's default is one
 * inch), Times New Roman 14 pt body, 13 pt header lines, page numbers in the top margin from page
 * 2 (`titlePage` with an empty first-page header).
 */

const FONT = 'Times New Roman';
/** Half-points. */
const PT = (points: number) => points * 2;
/** A4 width 11906 twips minus the left (1701) and right (850) margins. */
const TEXT_WIDTH = 11906 - 1701 - 850;
const INDENT = 567;
const RULE: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 };
const LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;
const GRID_BORDERS = { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE };

type RunStyle = Pick<IRunOptions, 'bold' | 'italics' | 'size'>;

function text(value: string, style: RunStyle = {}): TextRun {
	return new TextRun({ text: value.normalize('NFC'), ...style });
}

function centered(runs: TextRun[], extra: Partial<IParagraphOptions> = {}): Paragraph {
	return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 0, after: 0 }, children: runs, ...extra });
}

/** An empty paragraph drawn as a short centred rule of `fraction` of `width` (Decree 30: ⅓–½). */
function shortRule(width: number, fraction: number, after = 0): Paragraph {
	const side = Math.round((width * (1 - fraction)) / 2);
	return new Paragraph({ border: { top: RULE }, indent: { left: side, right: side }, spacing: { before: 20, after }, run: { size: 2 }, children: [] });
}

/** Body paragraph: justified, first-line indent 1 cm, 6 pt after. */
function bodyParagraph(children: TextRun[], extra: Partial<IParagraphOptions> = {}): Paragraph {
	return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: INDENT }, spacing: { after: 120 }, children, ...extra });
}

// ---- rich text -------------------------------------------------------------------------------

const BLOCK_TYPES: ReadonlySet<string> = new Set(['doc', 'paragraph', 'heading', 'blockquote', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'horizontalRule']);

function isInline(node: RichNode): boolean {
	return !BLOCK_TYPES.has(node.type) && node.content === undefined;
}

function markStyle(marks: readonly RichMark[] | undefined): Pick<IRunOptions, 'bold' | 'italics' | 'underline'> {
	const types = new Set((marks ?? []).map((mark) => mark.type));
	// Unknown marks add nothing: the text stays, plain.
	return { ...(types.has('bold') ? { bold: true } : {}), ...(types.has('italic') ? { italics: true } : {}), ...(types.has('underline') ? { underline: {} } : {}) };
}

function inlineRuns(children: readonly RichNode[], style: RunStyle = {}): TextRun[] {
	const runs: TextRun[] = [];
	for (const child of children) {
		if (child.type === 'hardBreak') {
			runs.push(new TextRun({ break: 1 }));
		} else if (isInline(child)) {
			if (child.text) {
				runs.push(new TextRun({ text: child.text.normalize('NFC'), ...style, ...markStyle(child.marks) }));
			}
		} else {
			// An unknown wrapper (or a block where inline content belongs): its text, never nothing.
			if (child.text) {
				runs.push(new TextRun({ text: child.text.normalize('NFC'), ...style, ...markStyle(child.marks) }));
			}
			runs.push(...inlineRuns(child.content ?? [], style));
		}
	}
	return runs;
}

type ListContext = { level: number; marker: () => string };

function listStart(node: RichNode): number {
	const start = node.attrs?.['start'];
	return typeof start === 'number' && Number.isInteger(start) && start > 0 ? start : 1;
}

/**
 * Blocks as paragraphs. List items become indented paragraphs with their marker ("- ", "1. ")
 * written out: Word's numbering definitions would restart or merge lists differently in every
 * viewer, and the text is what must match the PDF.
 */
function blockParagraphs(node: RichNode, list: ListContext | null, quote: boolean): Paragraph[] {
	const children = node.content ?? [];
	const quoteStyle: RunStyle = quote ? { italics: true } : {};
	const listIndent = list ? { left: INDENT * (list.level + 1), hanging: 283 } : undefined;
	const paragraphOf = (runs: TextRun[], extra: Partial<IParagraphOptions> = {}) =>
		listIndent ? new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: listIndent, spacing: { after: 60 }, children: runs, ...extra }) : bodyParagraph(runs, { ...(quote ? { indent: { left: INDENT } } : {}), ...extra });
	switch (node.type) {
		case 'doc':
		case 'listItem':
			return blockChildren(children, list, quote, node.type === 'listItem');
		case 'paragraph':
		case 'codeBlock':
			return [paragraphOf(inlineRuns(children, quoteStyle))];
		case 'heading':
			return [paragraphOf(inlineRuns(children, { ...quoteStyle, bold: true }), { keepNext: true })];
		case 'blockquote':
			return blockChildren(children, list, true, false);
		case 'bulletList':
		case 'orderedList': {
			let next = listStart(node);
			const ordered = node.type === 'orderedList';
			const context: ListContext = { level: list ? list.level + 1 : 0, marker: () => (ordered ? `${next++}. ` : '- ') };
			return children.flatMap((child) => blockParagraphs(child, context, quote));
		}
		case 'horizontalRule':
			return [new Paragraph({ border: { bottom: RULE }, children: [] })];
		default: {
			const own = node.text ? [paragraphOf([new TextRun({ text: node.text.normalize('NFC'), ...quoteStyle, ...markStyle(node.marks) })])] : [];
			return [...own, ...blockChildren(children, list, quote, false)];
		}
	}
}

/** A container's children; stray inline runs get a paragraph; a list item's first paragraph gets its marker. */
function blockChildren(children: readonly RichNode[], list: ListContext | null, quote: boolean, isItem: boolean): Paragraph[] {
	const out: Paragraph[] = [];
	let marker = isItem && list ? list.marker() : null;
	const withMarker = (node: RichNode): RichNode => {
		if (marker === null) {
			return node;
		}
		const content = [{ type: 'text', text: marker }, ...(node.content ?? [])];
		marker = null;
		return { ...node, content };
	};
	let run: RichNode[] = [];
	const flush = () => {
		if (run.length > 0) {
			out.push(...blockParagraphs(withMarker({ type: 'paragraph', content: run }), list, quote));
			run = [];
		}
	};
	for (const child of children) {
		if (isInline(child)) {
			run.push(child);
			continue;
		}
		flush();
		const inItem = child.type === 'paragraph' || child.type === 'heading' || child.type === 'codeBlock';
		out.push(...blockParagraphs(inItem ? withMarker(child) : child, list, quote));
	}
	flush();
	if (marker !== null) {
		// An empty list item still shows its marker.
		out.push(...blockParagraphs(withMarker({ type: 'paragraph' }), list, quote));
	}
	return out;
}

function richParagraphs(node: RichNode): Paragraph[] {
	const paragraphs = isInline(node) ? [bodyParagraph(inlineRuns([node]))] : blockParagraphs(node, null, false);
	return paragraphs.length > 0 ? paragraphs : [bodyParagraph([])];
}

// ---- parts -----------------------------------------------------------------------------------

function cell(children: Paragraph[], width: number, extra: { borders?: typeof TableBorders.NONE } = {}): TableCell {
	return new TableCell({ children: children.length > 0 ? children : [new Paragraph({ children: [] })], width: { size: width, type: WidthType.DXA }, ...extra });
}

function borderless(columnWidths: number[], rows: TableCell[][]): Table {
	return new Table({
		width: { size: TEXT_WIDTH, type: WidthType.DXA },
		columnWidths,
		layout: TableLayoutType.FIXED,
		borders: TableBorders.NONE,
		// No cell padding: the header lines need the whole column (a 13 pt body name fills it).
		margins: { left: 0, right: 0, top: 0, bottom: 0 },
		rows: rows.map((cells) => new TableRow({ children: cells, cantSplit: true })),
	});
}

/** A bordered table with a header row repeated on every page. */
function grid(columns: readonly string[], rows: readonly string[][], widths: readonly number[], centeredColumns: ReadonlySet<number>): Table {
	const total = widths.reduce((sum, width) => sum + width, 0);
	const columnWidths = widths.map((width) => Math.round((width / total) * TEXT_WIDTH));
	const line = (value: string, index: number, bold: boolean) =>
		new Paragraph({
			alignment: bold || centeredColumns.has(index) ? AlignmentType.CENTER : AlignmentType.LEFT,
			spacing: { before: 20, after: 20 },
			children: [text(value, { size: PT(13), bold })],
		});
	const row = (cells: readonly string[], header: boolean) =>
		new TableRow({
			tableHeader: header,
			cantSplit: true,
			children: cells.map((value, index) =>
				new TableCell({ children: [line(value, index, header)], width: { size: columnWidths[index] ?? 0, type: WidthType.DXA }, verticalAlign: VerticalAlignTable.TOP, margins: { left: 80, right: 80 } })
			),
		});
	return new Table({
		width: { size: TEXT_WIDTH, type: WidthType.DXA },
		columnWidths,
		layout: TableLayoutType.FIXED,
		borders: GRID_BORDERS,
		rows: [row(columns, true), ...rows.map((cells) => row(cells, false))],
	});
}

function labelled(label: string, value: string): Paragraph {
	return bodyParagraph([text(`${label}:`, { bold: true }), text(value ? ` ${value}` : '')]);
}

function sectionLabel(label: string): Paragraph {
	return bodyParagraph([text(`${label}:`, { bold: true })], { keepNext: true });
}

function signatureCell(block: MinutesSignatureBlock, width: number): TableCell {
	return cell(
		[
			centered([text(block.title, { bold: true })]),
			...Array.from({ length: 4 }, () => centered([text('')])),
			centered([text(block.name, { bold: true })]),
		],
		width,
		{ borders: TableBorders.NONE }
	);
}

/** Rough width of a bold 14 pt line in twips, for a rule as long as the motto (Decree 30). */
function mottoRuleIndent(cellWidth: number, line: string): number {
	const estimated = line.length * 150;
	return Math.max(0, Math.round((cellWidth - estimated) / 2));
}

/** The minutes as a .docx file. */
export async function renderMinutesDocx(content: MinutesContent, options: MinutesRenderOptions = {}): Promise<Buffer> {
	const parts = minutesParts(content, options.reference ?? null);
	const left = Math.round(TEXT_WIDTH * 0.4);
	const right = TEXT_WIDTH - left;
	const header13 = { size: PT(13) };
	const heading = borderless(
		[left, right],
		[
			[
				cell(
					[
						...(parts.parentBody ? [centered([text(parts.parentBody, header13)])] : []),
						centered([text(parts.issuingBody, { ...header13, bold: true })]),
						shortRule(left, 0.33),
					],
					left,
					{ borders: TableBorders.NONE }
				),
				cell(
					[
						centered([text(parts.nationalTitle, { ...header13, bold: true })]),
						centered([text(parts.nationalMotto, { size: PT(14), bold: true })], {
							border: { bottom: RULE },
							indent: { left: mottoRuleIndent(right, parts.nationalMotto), right: mottoRuleIndent(right, parts.nationalMotto) },
						}),
					],
					right,
					{ borders: TableBorders.NONE }
				),
			],
			[
				cell([centered([text(parts.numberLine, header13)], { spacing: { before: 160, after: 0 } })], left, { borders: TableBorders.NONE }),
				cell([centered([text(parts.placeDate, { size: PT(14), italics: true })], { spacing: { before: 160, after: 0 } })], right, { borders: TableBorders.NONE }),
			],
		]
	);
	const { participants, tasks } = parts;
	const children: (Paragraph | Table)[] = [
		heading,
		centered([text(parts.title, { bold: true })], { spacing: { before: 400, after: 0 } }),
		centered([text(parts.summary, { bold: true })]),
		shortRule(TEXT_WIDTH, 0.25, 280),
		...parts.session.map((line) => labelled(line.label, line.text)),
		labelled(participants.label, participants.text),
		...(participants.rows.length > 0 ? [grid(participants.columns, participants.rows, [8, 30, 12, 10, 10, 30], new Set([0, 3, 4])), new Paragraph({ spacing: { after: 0 }, children: [] })] : []),
		...(participants.summary ? [bodyParagraph([text(participants.summary)])] : []),
		sectionLabel(parts.content.label),
		...parts.content.items.flatMap((item) => [
			bodyParagraph([text(item.heading, { bold: true })], { keepNext: true }),
			...(item.presenter ? [bodyParagraph([text(item.presenter, { italics: true })], { keepNext: true })] : []),
			...richParagraphs(item.body),
		]),
		sectionLabel(parts.conclusions.label),
		...richParagraphs(parts.conclusions.body),
		sectionLabel(tasks.label),
		...(tasks.rows.length > 0 ? [grid(tasks.columns, tasks.rows, [8, 27, 47, 18], new Set([0, 3])), new Paragraph({ spacing: { after: 0 }, children: [] })] : []),
		bodyParagraph([text(parts.closing)], { keepNext: true, spacing: { before: 120, after: 240 } }),
		borderless([Math.round(TEXT_WIDTH / 2), TEXT_WIDTH - Math.round(TEXT_WIDTH / 2)], [[signatureCell(parts.signatures.left, Math.round(TEXT_WIDTH / 2)), signatureCell(parts.signatures.right, TEXT_WIDTH - Math.round(TEXT_WIDTH / 2))]]),
		new Paragraph({ spacing: { before: 280, after: 0 }, keepNext: true, children: [text(parts.recipients.label, { size: PT(12), bold: true, italics: true })] }),
		...parts.recipients.lines.map((line) => new Paragraph({ spacing: { after: 0 }, keepNext: true, children: [text(line, { size: PT(11) })] })),
	];
	// A Word file has no layer to write across the page; a draft says so at the top of every page.
	const draftMark = () => (options.watermark === 'draft' ? [new Paragraph({ alignment: AlignmentType.RIGHT, children: [text('DỰ THẢO', { bold: true, size: PT(13) })] })] : []);
	const document = new Document({
		creator: parts.issuingBody || 'GiaoBan',
		title: `${parts.title} ${parts.summary}`.trim(),
		styles: { default: { document: { run: { font: FONT, size: PT(14) }, paragraph: { spacing: { line: 276 } } } } },
		sections: [
			{
				properties: {
					titlePage: true,
					page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1701, right: 850, header: 567, footer: 567 } },
				},
				headers: {
					first: new Header({ children: [...draftMark(), new Paragraph({ children: [] })] }),
					default: new Header({
						children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: PT(13) })] }), ...draftMark()],
					}),
				},
				children,
			},
		],
	});
	return Packer.toBuffer(document);
}
