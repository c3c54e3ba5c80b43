import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMinutesDocx } from '../../../server/src/features/minutes-render/index.ts';
import {
	contentWithUnknownNodes,
	expectInOrder,
	firstLine,
	fixtureContent,
	fixtureNeedles,
	pdfInfo,
	pdfText,
	squash,
	tempDir,
	UNKNOWN_BLOCK_TEXT,
	UNKNOWN_INLINE_TEXT,
	UNKNOWN_MARK_TEXT,
} from './render-tools.ts';

const run = promisify(execFile);

/** One part of the .docx package (a zip), as text. */
async function part(docx: Buffer, name: string): Promise<string> {
	const { dir, remove } = tempDir('giaoban-docx-');
	try {
		writeFileSync(join(dir, 'm.docx'), docx);
		const { stdout } = await run('unzip', ['-p', join(dir, 'm.docx'), name], { maxBuffer: 32 * 1024 * 1024 });
		return stdout;
	} finally {
		remove();
	}
}

describe('minutes DOCX (docx 9)', () => {
	// LibreOffice keeps its profile apart from any other soffice on the machine.
	const work = tempDir('giaoban-soffice-');

	/** Word file → PDF with LibreOffice, as a unit opening the file would see it. */
	async function toPdf(docx: Buffer, name: string): Promise<Buffer> {
		const input = join(work.dir, `${name}.docx`);
		writeFileSync(input, docx);
		await run('soffice', [`-env:UserInstallation=file://${join(work.dir, 'profile')}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', work.dir, input], {
			timeout: 120_000,
		});
		return readFileSync(join(work.dir, `${name}.pdf`));
	}

	let docx: Buffer;
	let pdf: Buffer;

	beforeAll(async () => {
		docx = await renderMinutesDocx(fixtureContent(), { reference: '05/BB-UBND' });
		pdf = await toPdf(docx, 'fixture');
	}, 180_000);

	afterAll(() => {
		work.remove();
	});

	it('sets A4, the Decree 30 margins, a different first page and Times New Roman 14 pt', async () => {
		expect(docx.subarray(0, 2).toString()).toBe('PK');
		const document = await part(docx, 'word/document.xml');
		expect(document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
		const margins = /<w:pgMar ([^>]*)\/>/.exec(document)?.[1] ?? '';
		expect(margins).toContain('w:top="1134"');
		expect(margins).toContain('w:bottom="1134"');
		expect(margins).toContain('w:left="1701"');
		expect(margins).toContain('w:right="850"');
		expect(document).toContain('<w:titlePg/>');
		const styles = await part(docx, 'word/styles.xml');
		const defaults = /<w:docDefaults>([\s\S]*?)<\/w:docDefaults>/.exec(styles)?.[1] ?? '';
		expect(defaults).toMatch(/<w:rFonts w:ascii="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman" w:hAnsi="Times New Roman"\/>/);
		expect(defaults).toContain('<w:sz w:val="28"/>');
		// The header lines are 13 pt.
		expect(document).toMatch(/<w:sz w:val="26"\/>[\s\S]*?UBND HUYỆN SÔNG LÔ/);
	});

	it('numbers pages in the header, except on the first page', async () => {
		const document = await part(docx, 'word/document.xml');
		const first = /<w:headerReference w:type="first" r:id="(rId\d+)"\/>/.exec(document)?.[1];
		const other = /<w:headerReference w:type="default" r:id="(rId\d+)"\/>/.exec(document)?.[1];
		expect(first).toBeDefined();
		expect(other).toBeDefined();
		const rels = await part(docx, 'word/_rels/document.xml.rels');
		const target = (id: string | undefined) => new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${id}"`).exec(rels)?.[1];
		const firstHeader = await part(docx, `word/${target(first)}`);
		const otherHeader = await part(docx, `word/${target(other)}`);
		expect(firstHeader).not.toContain('PAGE');
		expect(otherHeader).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
		expect(otherHeader).toContain('<w:jc w:val="center"/>');
	});

	it('opens in LibreOffice with every part in print order', async () => {
		const text = await pdfText(pdf);
		expectInOrder(text, ['UBND TỈNH TUYÊN QUANG', 'UBND HUYỆN SÔNG LÔ', 'Số: 05/BB-UBND']);
		expectInOrder(text, ['Sông Lô, ngày 03 tháng 12 năm 2026', 'BIÊN BẢN']);
		expectInOrder(text, fixtureNeedles(fixtureContent()));
		expectInOrder(text, ['THƯ KÝ', 'Phạm Thị Lan']);
		expectInOrder(text, ['CHỦ TỌA', 'Nguyễn Văn Bình']);
		// Lists keep their markers as text: "1." for the conclusions, "-" for bullets.
		expectInOrder(text, ['1. Các xã, thị trấn tập trung', '2. Đẩy nhanh giải ngân', '3. Tăng cường chuyển đổi số']);
		expectInOrder(text, ['- Hạ tầng mạng tại 4 xã', '- Tỷ lệ người dân']);
	});

	it('is A4 in LibreOffice, page 1 unnumbered, later pages numbered at the top', async () => {
		const info = await pdfInfo(pdf);
		expect(info['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)$|^594\.\d+ x 841\.\d+ pts \(A4\)$/);
		const pages = Number(info['Pages']);
		expect(pages).toBeGreaterThanOrEqual(2);
		expect(firstLine(await pdfText(pdf, { first: 1, last: 1 }))).toBe('UBND TỈNH TUYÊN QUANG');
		for (let page = 2; page <= pages; page += 1) {
			expect(firstLine(await pdfText(pdf, { first: page, last: page }))).toBe(String(page));
		}
	});

	it('keeps the text of nodes and marks it does not know', async () => {
		const unknown = await renderMinutesDocx(contentWithUnknownNodes());
		const text = squash(await pdfText(await toPdf(unknown, 'unknown')));
		expect(text).toContain(UNKNOWN_BLOCK_TEXT);
		expect(text).toContain(UNKNOWN_INLINE_TEXT);
		expect(text).toContain(UNKNOWN_MARK_TEXT);
		expect(text).toMatch(/Số: +\/BB-UBND/);
	}, 120_000);

	it('says DỰ THẢO at the top of every page of a draft, and only of a draft', async () => {
		const draft = await toPdf(await renderMinutesDocx(fixtureContent(), { watermark: 'draft' }), 'draft');
		const pages = Number((await pdfInfo(draft))['Pages']);
		for (let page = 1; page <= pages; page += 1) {
			expect(squash(await pdfText(draft, { first: page, last: page })), `page ${page}`).toContain('DỰ THẢO');
		}
		expect(squash(await pdfText(pdf))).not.toContain('DỰ THẢO');
	}, 120_000);
});
