import type { MinutesContent } from '#shared/api/minutes.ts';
import { minutesParts, type MinutesLabelled, type MinutesSignatureBlock } from '#shared/minutes/minutes-text.ts';
import { escapeHtml, richHtml } from './rich-html.ts';

export type MinutesRenderOptions = {
	/** "12/BB-UBND" once issued; without it the number is left blank. */
	reference?: string | null;
	/** 'draft' marks every page "DỰ THẢO" (previews of unapproved minutes): across the page in the PDF, at the top in the DOCX. */
	watermark?: 'draft' | null;
};

/**
 * Decree 30/2020/NĐ-CP, Appendix I, for Chromium's print: A4, margins 20/15/20/30 mm, Times New
 * Roman (fontconfig gives the metric-compatible Liberation Serif), page numbers centred in the top
 * margin from page 2 on (CSS margin boxes: puppeteer's headerTemplate cannot skip page 1).
 * On screen (the preview iframe) the same sheet is drawn as a page.
 */
const STYLE = `
@page {
	size: A4;
	margin: 20mm 15mm 20mm 30mm;
	@top-center { content: counter(page); font-family: 'Times New Roman', 'Liberation Serif', serif; font-size: 13pt; }
}
@page :first { @top-center { content: none; } }
html { font-family: 'Times New Roman', 'Liberation Serif', serif; font-size: 14pt; color: #000; }
body { margin: 0; line-height: 1.25; }
@media screen {
	html { background: #d9d9d9; }
	body { box-sizing: border-box; width: 210mm; max-width: 100%; min-height: 297mm; margin: 12px auto; padding: 20mm 15mm 20mm 30mm; background: #fff; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3); }
}
p { margin: 0 0 6pt; text-align: justify; text-indent: 1cm; }
table { border-collapse: collapse; width: 100%; }
.heading-table td { vertical-align: top; text-align: center; padding: 0; font-size: 13pt; }
.heading-table p, .signatures p, .recipients p, .center p { text-indent: 0; text-align: center; margin: 0; }
.heading-left { width: 40%; }
.parent-body { text-transform: uppercase; }
.issuing-body { font-weight: bold; text-transform: uppercase; }
.national-title { font-weight: bold; white-space: nowrap; }
.national-motto { font-weight: bold; font-size: 14pt; }
.national-motto span { display: inline-block; padding-bottom: 1pt; border-bottom: 1px solid #000; }
.rule-short { width: 33%; margin: 1pt auto 0; border-top: 1px solid #000; height: 0; }
.heading-table .number-row td { padding-top: 8pt; }
.place-date { font-style: italic; font-size: 14pt; }
.title { margin-top: 20pt; text-align: center; }
.title p { text-indent: 0; text-align: center; font-weight: bold; margin: 0; }
.title .rule-short { margin: 2pt auto 14pt; }
.label { font-weight: bold; }
.section { margin-top: 6pt; }
.section-label { text-indent: 1cm; font-weight: bold; margin-bottom: 4pt; }
.agenda-heading { font-weight: bold; }
.presenter { font-style: italic; }
.heading { font-weight: bold; }
.pre { white-space: pre-wrap; text-align: left; }
ul, ol { margin: 0 0 6pt; padding-left: 1.6cm; }
ul { list-style-type: '- '; }
li p { text-indent: 0; }
blockquote { margin: 0 0 6pt 1cm; font-style: italic; }
.grid { font-size: 13pt; margin: 4pt 0 8pt; table-layout: fixed; }
.grid thead { display: table-header-group; }
.grid tr { break-inside: avoid; }
.grid th, .grid td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
.grid th { font-weight: bold; text-align: center; }
.grid td.num, .grid td.time { text-align: center; white-space: nowrap; }
.ending { break-inside: avoid; }
.closing { margin-top: 8pt; }
.signatures { margin-top: 12pt; break-inside: avoid; }
.signatures td { width: 50%; vertical-align: top; text-align: center; }
.signer-title { font-weight: bold; text-transform: uppercase; }
.signer-space { height: 26mm; }
.signer-name { font-weight: bold; }
.recipients { margin-top: 14pt; break-inside: avoid; }
.recipients p { text-align: left; }
.recipients-label { font-size: 12pt; font-weight: bold; font-style: italic; }
.recipients-line { font-size: 11pt; }
.watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 80pt; font-weight: bold; color: rgba(190, 0, 0, 0.12); transform: rotate(-30deg); pointer-events: none; }
`;

/** Only inline styles: the document loads nothing, in Chromium's print or in the sandboxed preview. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'";

function labelled(line: MinutesLabelled): string {
	return `<p><span class="label">${escapeHtml(line.label)}:</span> ${escapeHtml(line.text)}</p>`;
}

function grid(columns: readonly string[], rows: readonly string[][], classes: readonly string[], widths: readonly number[]): string {
	const cols = `<colgroup>${widths.map((width) => `<col style="width: ${width}%">`).join('')}</colgroup>`;
	const head = `${cols}<thead><tr>${columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('')}</tr></thead>`;
	const body = rows.map((row) => `<tr>${row.map((cell, index) => `<td${classes[index] ? ` class="${classes[index]}"` : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
	return `<table class="grid">${head}<tbody>${body}</tbody></table>`;
}

function signature(block: MinutesSignatureBlock): string {
	return `<td><p class="signer-title">${escapeHtml(block.title)}</p><div class="signer-space"></div><p class="signer-name">${escapeHtml(block.name) || '&nbsp;'}</p></td>`;
}

/** The minutes as one self-contained HTML document: print source for the PDF and the on-screen preview. */
export function renderMinutesHtml(content: MinutesContent, options: MinutesRenderOptions = {}): string {
	const parts = minutesParts(content, options.reference ?? null);
	const { participants, tasks } = parts;
	const agenda = parts.content.items
		.map(
			(item) =>
				`<p class="agenda-heading">${escapeHtml(item.heading)}</p>${item.presenter ? `<p class="presenter">${escapeHtml(item.presenter)}</p>` : ''}${richHtml(item.body)}`
		)
		.join('');
	const body = [
		'<table class="heading-table"><tbody>',
		'<tr>',
		`<td class="heading-left">${parts.parentBody ? `<p class="parent-body">${escapeHtml(parts.parentBody)}</p>` : ''}<p class="issuing-body">${escapeHtml(parts.issuingBody) || '&nbsp;'}</p><div class="rule-short"></div></td>`,
		`<td><p class="national-title">${escapeHtml(parts.nationalTitle)}</p><p class="national-motto"><span>${escapeHtml(parts.nationalMotto)}</span></p></td>`,
		'</tr>',
		'<tr class="number-row">',
		`<td><p class="number">${escapeHtml(parts.numberLine)}</p></td>`,
		`<td><p class="place-date">${escapeHtml(parts.placeDate)}</p></td>`,
		'</tr>',
		'</tbody></table>',
		`<div class="title"><p>${escapeHtml(parts.title)}</p><p>${escapeHtml(parts.summary)}</p><div class="rule-short"></div></div>`,
		parts.session.map(labelled).join(''),
		`<div class="section"><p><span class="label">${escapeHtml(participants.label)}:</span> ${escapeHtml(participants.text)}</p>`,
		participants.rows.length > 0 ? grid(participants.columns, participants.rows, ['num', '', '', 'time', 'time', ''], [8, 30, 12, 10, 10, 30]) : '',
		participants.summary ? `<p>${escapeHtml(participants.summary)}</p>` : '',
		'</div>',
		`<div class="section"><p class="section-label">${escapeHtml(parts.content.label)}:</p>${agenda}</div>`,
		`<div class="section"><p class="section-label">${escapeHtml(parts.conclusions.label)}:</p>${richHtml(parts.conclusions.body)}</div>`,
		`<div class="section"><p class="section-label">${escapeHtml(tasks.label)}:</p>${tasks.rows.length > 0 ? grid(tasks.columns, tasks.rows, ['num', '', '', 'time'], [8, 27, 47, 18]) : ''}</div>`,
		// The closing line goes with the signatures: a page of signatures alone is what Decree 30 practice avoids.
		`<div class="ending"><p class="closing">${escapeHtml(parts.closing)}</p>`,
		`<table class="signatures"><tbody><tr>${signature(parts.signatures.left)}${signature(parts.signatures.right)}</tr></tbody></table></div>`,
		`<div class="recipients"><p class="recipients-label">${escapeHtml(parts.recipients.label)}</p>${parts.recipients.lines.map((line) => `<p class="recipients-line">${escapeHtml(line)}</p>`).join('')}</div>`,
	].join('\n');
	const watermark = options.watermark === 'draft' ? '<div class="watermark" aria-hidden="true">DỰ THẢO</div>\n' : '';
	return [
		'<!DOCTYPE html>',
		'<html lang="vi">',
		'<head>',
		'<meta charset="utf-8">',
		`<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
		`<title>${escapeHtml(`${parts.title} ${parts.summary}`.trim())}</title>`,
		`<style>${STYLE}</style>`,
		'</head>',
		'<body>',
		watermark + body,
		'</body>',
		'</html>',
		'',
	].join('\n');
}
