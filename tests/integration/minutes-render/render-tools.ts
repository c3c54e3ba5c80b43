import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { MinutesContent, RichNode } from '../../../shared/src/api/minutes.ts';

const run = promisify(execFile);

const FIXTURE = join(import.meta.dirname, '../../fixtures/minutes/giao-ban-song-lo.json');

/** A fresh copy of the Sông Lô fixture (tests may change it). */
export function fixtureContent(): MinutesContent {
	return JSON.parse(readFileSync(FIXTURE, 'utf8')) as MinutesContent;
}

/** Text no renderer knows how to style: an unknown block, an unknown inline leaf and an unknown mark. */
export const UNKNOWN_BLOCK_TEXT = 'Khối lạ Quýt Ngọt';
export const UNKNOWN_INLINE_TEXT = 'Nhắc tên Đào Mận';
export const UNKNOWN_MARK_TEXT = 'chữ tô sáng Vải Thiều';

/** The fixture with unknown nodes and marks added to the conclusions, as a newer editor might store them. */
export function contentWithUnknownNodes(): MinutesContent {
	const content = fixtureContent();
	const extra: RichNode[] = [
		{ type: 'callout', attrs: { tone: 'warning' }, content: [{ type: 'paragraph', content: [{ type: 'text', text: UNKNOWN_BLOCK_TEXT }] }] },
		{
			type: 'paragraph',
			content: [
				{ type: 'text', text: 'Ghi chú: ' },
				{ type: 'mention', attrs: { id: 'u1' }, text: UNKNOWN_INLINE_TEXT },
				{ type: 'text', text: ' và ' },
				{ type: 'text', text: UNKNOWN_MARK_TEXT, marks: [{ type: 'highlight', attrs: { color: '#ff0' } }] },
			],
		},
	];
	content.conclusions = { ...content.conclusions, content: [...(content.conclusions.content ?? []), ...extra] };
	return content;
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function poppler(program: string, args: string[], pdf: Buffer): Promise<string> {
	const { dir, remove } = tempDir('giaoban-poppler-');
	try {
		const file = join(dir, 'in.pdf');
		writeFileSync(file, pdf);
		const { stdout } = await run(program, [...args, file, ...(program === 'pdftotext' ? ['-'] : [])], { maxBuffer: 32 * 1024 * 1024 });
		return stdout;
	} finally {
		remove();
	}
}

/**
 * poppler's pdftotext in content-stream order (`-raw`), optionally of some pages only. Its default
 * reading order guesses columns, and reads the left signature cell and "Nơi nhận" below it as one
 * column; the order things are drawn in is the document's order in both Chromium and LibreOffice.
 */
export function pdfText(pdf: Buffer, pages?: { first: number; last: number }): Promise<string> {
	return poppler('pdftotext', ['-raw', '-enc', 'UTF-8', ...(pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [])], pdf);
}

export function pdfFonts(pdf: Buffer): Promise<string> {
	return poppler('pdffonts', [], pdf);
}

export async function pdfInfo(pdf: Buffer): Promise<Record<string, string>> {
	const out = await poppler('pdfinfo', [], pdf);
	return Object.fromEntries(out.split('\n').flatMap((line) => {
		const at = line.indexOf(':');
		return at > 0 ? [[line.slice(0, at).trim(), line.slice(at + 1).trim()]] : [];
	}));
}

/** `pdftotext -bbox-layout` words with their left edge (points), for margin checks. */
export async function wordBoxes(pdf: Buffer): Promise<{ word: string; xMin: number; xMax: number; page: number }[]> {
	const html = await poppler('pdftotext', ['-bbox'], pdf);
	const words: { word: string; xMin: number; xMax: number; page: number }[] = [];
	let page = 0;
	for (const line of html.split('\n')) {
		if (line.includes('<page ')) {
			page += 1;
		}
		const match = /<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/.exec(line);
		if (match) {
			words.push({ xMin: Number(match[1]), xMax: Number(match[2]), word: match[3] ?? '', page });
		}
	}
	return words;
}

/** Whitespace runs (line and column breaks of the extracted text) as one space. */
export function squash(text: string): string {
	return text.normalize('NFC').replace(/\s+/g, ' ');
}

/** Every needle occurs in `text`, each after the previous one. */
export function expectInOrder(text: string, needles: readonly string[]): void {
	const haystack = squash(text);
	let from = 0;
	for (const needle of needles) {
		const at = haystack.indexOf(squash(needle), from);
		expect(at, `"${needle}" after position ${from} in:\n${haystack.slice(from, from + 400)}`).toBeGreaterThanOrEqual(0);
		from = at + squash(needle).length;
	}
}

/** The rows of the tasks table, cell by cell, and the closing line after it. */
const FIXTURE_TASK_NEEDLES = [
	'1 UBND xã Đồng Thịnh',
	'Hoàn thành báo cáo chuyển đổi số năm 2026, gửi Phòng Văn hóa và Thông tin',
	'15/12/2026',
	'2 UBND thị trấn Tam Sơn',
	'Hoàn thành lắp đặt hệ thống camera an ninh tại các khu dân cư',
	'20/12/2026',
	'3 Phòng Tài chính - Kế hoạch huyện',
	'Tham mưu phân bổ kinh phí sửa chữa phòng học Trường Tiểu học Đôn Nhân',
	'25/12/2026',
	'4 UBND xã Bạch Lưu',
	'Giải ngân 100% vốn đầu tư công được giao năm 2026',
	'31/12/2026',
	'Cuộc họp kết thúc vào lúc 10 giờ 45 phút cùng ngày./.',
];

/** The parts the printed minutes of the fixture must show, in print order. */
export function fixtureNeedles(content: MinutesContent): string[] {
	return [
		'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
		'Độc lập - Tự do - Hạnh phúc',
		'BIÊN BẢN',
		content.header.summary,
		'Thời gian bắt đầu: 08 giờ 00 phút, ngày 03 tháng 12 năm 2026.',
		...content.attendance.map((line) => line.unitName),
		'Có mặt 13/15 điểm cầu; vắng: Xã Yên Thạch, Xã Như Thụy.',
		'Nội dung cuộc họp',
		'Công tác chuyển đổi số và cải cách hành chính',
		'Ý kiến thảo luận của các xã, thị trấn',
		'Kết luận của chủ tọa',
		'Các xã, thị trấn tập trung hoàn thành kế hoạch thu ngân sách năm 2026',
		'Giao nhiệm vụ',
		...FIXTURE_TASK_NEEDLES,
		'THƯ KÝ',
		'CHỦ TỌA',
		'Nơi nhận:',
		'- Thường trực Huyện ủy;',
		'- Lưu: VT, Hồ sơ.',
	];
}

/** The first non-empty line of a text. */
export function firstLine(text: string): string {
	return (
		text
			.split('\n')
			.map((line) => line.trim())
			.find((line) => line !== '') ?? ''
	);
}
