import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfRenderer, renderMinutesHtml, renderMinutesPdf } from '../../../server/src/features/minutes-render/index.ts';
import { AppError } from '../../../server/src/lib/errors.ts';
import { CHROMIUM } from '../../helpers/browser.ts';
import { startApp } from '../../helpers/start-app.ts';
import {
	contentWithUnknownNodes,
	expectInOrder,
	firstLine,
	fixtureContent,
	fixtureNeedles,
	pdfFonts,
	pdfInfo,
	pdfText,
	squash,
	UNKNOWN_BLOCK_TEXT,
	UNKNOWN_INLINE_TEXT,
	UNKNOWN_MARK_TEXT,
	wordBoxes,
} from './render-tools.ts';

const MM = 72 / 25.4;

describe('minutes PDF through Chromium', () => {
	let renderer: PdfRenderer;
	let pdf: Buffer;

	beforeAll(async () => {
		renderer = new PdfRenderer({ executablePath: CHROMIUM });
		pdf = await renderMinutesPdf(renderer, fixtureContent(), { reference: '05/BB-UBND' });
	});

	afterAll(async () => {
		await renderer.close();
	});

	it('prints every part of Decree 30 / Mẫu 1.9 in order', async () => {
		const text = await pdfText(pdf);
		expectInOrder(text, ['UBND TỈNH TUYÊN QUANG', 'UBND HUYỆN SÔNG LÔ', 'Số: 05/BB-UBND']);
		expectInOrder(text, ['Sông Lô, ngày 03 tháng 12 năm 2026', 'BIÊN BẢN']);
		expectInOrder(text, fixtureNeedles(fixtureContent()));
		expectInOrder(text, ['THƯ KÝ', 'Phạm Thị Lan']);
		expectInOrder(text, ['CHỦ TỌA', 'Nguyễn Văn Bình']);
		// Machine-made paragraphs print as plain text: the mark is the editor's business.
		expect(text).not.toMatch(/machine|segmentId|Máy tạo/);
	});

	it('is A4 with Liberation Serif embedded (Times New Roman through fontconfig)', async () => {
		const info = await pdfInfo(pdf);
		expect(info['Page size']).toMatch(/^594\.\d+ x 841\.\d+ pts \(A4\)$/);
		expect(Number(info['Pages'])).toBeGreaterThanOrEqual(2);
		const fonts = (await pdfFonts(pdf)).split('\n').slice(2).filter((line) => line.trim() !== '');
		expect(fonts.some((line) => /\+LiberationSerif\s/.test(line))).toBe(true);
		expect(fonts.some((line) => /\+LiberationSerif-Bold\s/.test(line))).toBe(true);
		expect(fonts.some((line) => /\+LiberationSerif-Italic\s/.test(line))).toBe(true);
		for (const line of fonts) {
			// Columns: name type encoding emb sub uni; every font embedded.
			expect(line.split(/\s+/).slice(-5, -4)[0], line).toBe('yes');
		}
	});

	it('numbers pages from 2, centred in the top margin, never on page 1', async () => {
		const pages = Number((await pdfInfo(pdf))['Pages']);
		expect(firstLine(await pdfText(pdf, { first: 1, last: 1 }))).toBe('UBND TỈNH TUYÊN QUANG');
		for (let page = 2; page <= pages; page += 1) {
			expect(firstLine(await pdfText(pdf, { first: page, last: page }))).toBe(String(page));
		}
		const boxes = await wordBoxes(pdf);
		const number = boxes.find((box) => box.page === 2 && box.word === '2');
		expect(number).toBeDefined();
		// Centred on the page's text block (30 mm left, 15 mm right margin), i.e. at 7.5 mm right of the sheet's centre.
		const centre = ((number?.xMin ?? 0) + (number?.xMax ?? 0)) / 2;
		expect(Math.abs(centre - (30 * MM + (210 - 45) * MM / 2))).toBeLessThan(3 * MM);
	});

	it('keeps the margins: nothing left of 30 mm or right of 195 mm', async () => {
		const boxes = await wordBoxes(pdf);
		expect(boxes.length).toBeGreaterThan(300);
		expect(Math.min(...boxes.map((box) => box.xMin))).toBeGreaterThanOrEqual(30 * MM - 0.5);
		expect(Math.max(...boxes.map((box) => box.xMax))).toBeLessThanOrEqual(195 * MM + 0.5);
	});

	it('leaves the number blank until issuance and can mark a draft on every page', async () => {
		const draft = await renderMinutesPdf(renderer, fixtureContent(), { watermark: 'draft' });
		const text = squash(await pdfText(draft, { first: 1, last: 1 }));
		expect(text).toContain('Số: ');
		expect(text).toContain('/BB-UBND');
		expect(text).not.toMatch(/\d\s*\/BB-UBND/);
		// The diagonal "DỰ THẢO" comes out of pdftotext letter by letter; no other text of the
		// fixture has a "Ự", so its letters stand for the watermark.
		expect(squash(await pdfText(pdf))).not.toContain('Ự');
		const pages = Number((await pdfInfo(draft))['Pages']);
		for (let page = 1; page <= pages; page += 1) {
			const letters = (await pdfText(draft, { first: page, last: page })).replace(/\s+/g, '');
			expect(letters, `page ${page}`).toContain('Ự');
			expect(letters, `page ${page}`).toContain('Ả');
		}
	});

	it('prints the text of nodes and marks it does not know', async () => {
		const text = squash(await renderer.pdf(renderMinutesHtml(contentWithUnknownNodes())).then((bytes) => pdfText(bytes)));
		expect(text).toContain(UNKNOWN_BLOCK_TEXT);
		expect(text).toContain(UNKNOWN_INLINE_TEXT);
		expect(text).toContain(UNKNOWN_MARK_TEXT);
	});

	describe('isolation', () => {
		let server: Server;
		let hits: string[];
		let connections: number;
		let port = 0;

		beforeAll(async () => {
			hits = [];
			connections = 0;
			server = createServer((request, response) => {
				hits.push(request.url ?? '');
				response.end('x');
			});
			// Chromium preconnects to hosts a document names even when every request is aborted.
			server.on('connection', () => {
				connections += 1;
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			port = (server.address() as AddressInfo).port;
		});

		afterAll(async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		});

		it('runs no script and connects nowhere while printing', async () => {
			const origin = `http://127.0.0.1:${port}`;
			const html = [
				'<!DOCTYPE html><html><head><meta charset="utf-8">',
				`<link rel="preconnect" href="http://localhost:${port}">`,
				`<link rel="stylesheet" href="${origin}/style.css">`,
				`<style>@font-face { font-family: X; src: url(${origin}/font.woff2); } body { font-family: X, serif; background: url(${origin}/bg.png); }</style>`,
				'</head><body>',
				'<p>Trang thử</p>',
				`<img src="${origin}/image.png">`,
				`<iframe src="${origin}/frame.html"></iframe>`,
				'<script>document.body.append("Đoạn mã đã chạy")</script>',
				`<script src="${origin}/script.js"></script>`,
				'</body></html>',
			].join('');
			const text = squash(await pdfText(await renderer.pdf(html)));
			expect(text).toContain('Trang thử');
			expect(text).not.toContain('Đoạn mã đã chạy');
			expect(hits).toEqual([]);
			expect(connections).toBe(0);
		});
	});

	it('prints jobs side by side with one browser', async () => {
		const content = fixtureContent();
		const outputs = await Promise.all(
			['01', '02', '03', '04'].map((number) => renderMinutesPdf(renderer, content, { reference: `${number}/BB-UBND` }).then((bytes) => pdfText(bytes, { first: 1, last: 1 })))
		);
		outputs.forEach((text, index) => expect(squash(text)).toContain(`Số: 0${index + 1}/BB-UBND`));
	});

	it('refuses work after close, and close is idempotent', async () => {
		const own = new PdfRenderer({ executablePath: CHROMIUM });
		expect((await own.pdf('<p>một</p>')).subarray(0, 5).toString()).toBe('%PDF-');
		await Promise.all([own.close(), own.close()]);
		await own.close();
		const error = await own.pdf('<p>hai</p>').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(AppError);
		expect((error as AppError).code).toBe('unavailable');
	});

	it('answers a missing Chromium with a coded error naming the path', async () => {
		const broken = new PdfRenderer({ executablePath: '/nonexistent/chromium' });
		try {
			const error = await broken.pdf('<p>ba</p>').catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(AppError);
			expect((error as AppError).code).toBe('unavailable');
			expect((error as Error).message).toContain('/nonexistent/chromium');
		} finally {
			await broken.close();
		}
	});
});

describe('pdf-renderer plugin', () => {
	it('decorates fastify.pdfRenderer with the configured Chromium and closes it with the app', async () => {
		const running = await startApp({ CHROMIUM_PATH: CHROMIUM });
		let closed = false;
		try {
			const renderer = running.app.pdfRenderer;
			expect(renderer).toBeInstanceOf(PdfRenderer);
			expect(running.app.config.chromiumPath).toBe(CHROMIUM);
			const text = await pdfText(await renderMinutesPdf(renderer, fixtureContent()));
			expect(squash(text)).toContain('BIÊN BẢN');
			await running.close();
			closed = true;
			const error = await renderer.pdf('<p>bốn</p>').catch((caught: unknown) => caught);
			expect((error as AppError).code).toBe('unavailable');
		} finally {
			if (!closed) {
				await running.close();
			}
		}
	});
});
