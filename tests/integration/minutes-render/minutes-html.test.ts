import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { renderMinutesHtml } from '../../../server/src/features/minutes-render/index.ts';
import { MinutesContent } from '../../../shared/src/api/minutes.ts';
import { minutesParts, minutesPlainText } from '../../../shared/src/minutes/minutes-text.ts';
import { validateMinutes } from '../../../shared/src/minutes/minutes-validate.ts';
import {
	contentWithUnknownNodes,
	expectInOrder,
	fixtureContent,
	fixtureNeedles,
	UNKNOWN_BLOCK_TEXT,
	UNKNOWN_INLINE_TEXT,
	UNKNOWN_MARK_TEXT,
} from './render-tools.ts';

/** The visible text of an HTML document: no head, no tags, entities decoded. */
function visibleText(html: string): string {
	return html
		.replace(/<head>[\s\S]*<\/head>/, '')
		.replace(/<[^>]+>/g, ' ')
		.replaceAll('&nbsp;', ' ')
		.replaceAll('&lt;', '<')
		.replaceAll('&gt;', '>')
		.replaceAll('&quot;', '"')
		.replaceAll('&#39;', "'")
		.replaceAll('&amp;', '&')
		// Tags became spaces; runs of them (not the number's non-breaking blank) are one space.
		.replace(/[ \t\r\n]+/g, ' ');
}

describe('the minutes fixture', () => {
	it('is valid MinutesContent that passes the approval check', () => {
		const content = fixtureContent();
		expect([...Value.Errors(MinutesContent, content)]).toEqual([]);
		expect(validateMinutes(content)).toEqual([]);
		expect(content.attendance.length).toBeGreaterThanOrEqual(12);
		expect(content.agenda).toHaveLength(3);
		expect(content.tasks).toHaveLength(4);
	});
});

describe('renderMinutesHtml', () => {
	it('is one self-contained document with the Decree 30 page set-up', () => {
		const html = renderMinutesHtml(fixtureContent(), { reference: '12/BB-UBND' });
		expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
		expect(html).toContain('<html lang="vi">');
		expect(html).toContain('<meta charset="utf-8">');
		expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
		expect(html).toMatch(/@page \{\s*size: A4;\s*margin: 20mm 15mm 20mm 30mm;/);
		expect(html).toMatch(/@top-center \{ content: counter\(page\);/);
		expect(html).toMatch(/@page :first \{ @top-center \{ content: none; \} \}/);
		expect(html).toContain("font-family: 'Times New Roman'");
		// Nothing to load: no script, no link, no URL.
		expect(html).not.toMatch(/<script|<link|<img|url\(|https?:/i);
	});

	it('shows every part in print order, with the number once issued', () => {
		const content = fixtureContent();
		const text = visibleText(renderMinutesHtml(content, { reference: '12/BB-UBND' }));
		expectInOrder(text, ['UBND TỈNH TUYÊN QUANG', 'UBND HUYỆN SÔNG LÔ', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Số: 12/BB-UBND', 'Sông Lô, ngày 03 tháng 12 năm 2026']);
		expectInOrder(text, fixtureNeedles(content));
	});

	it('leaves the number blank before issuance and marks drafts only when asked', () => {
		const blank = renderMinutesHtml(fixtureContent());
		expect(visibleText(blank)).toMatch(/Số: \u00a0{7}\/BB-UBND/);
		expect(blank).not.toContain('DỰ THẢO');
		expect(renderMinutesHtml(fixtureContent(), { watermark: 'draft' })).toContain('<div class="watermark" aria-hidden="true">DỰ THẢO</div>');
	});

	it('escapes everything a person typed', () => {
		const content = fixtureContent();
		content.header.summary = '<script>alert(1)</script> & "x"';
		content.attendance[0]!.unitName = '<img src=x onerror=alert(1)>';
		content.tasks[0]!.text = "</td></tr></table><b>'";
		content.agenda[0]!.content = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '<iframe src="http://evil">', marks: [{ type: 'bold' }] }] }] };
		content.recipients[0]!.name = '<style>body{display:none}</style>';
		const html = renderMinutesHtml(content);
		expect(html).not.toContain('<script>alert');
		expect(html).not.toContain('<img');
		expect(html).not.toContain('<iframe');
		expect(html).not.toContain('</td></tr></table><b>');
		expect(html).not.toContain('<style>body');
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
		expect(html).toContain('<strong>&lt;iframe src=&quot;http://evil&quot;&gt;</strong>');
		const text = visibleText(html);
		expect(text).toContain('<img src=x onerror=alert(1)>');
		expect(text).toContain("</td></tr></table><b>'");
	});

	it('renders marks and lists, and never prints the machine mark or other attributes', () => {
		const html = renderMinutesHtml(fixtureContent());
		expect(html).toContain('<strong>Xã Đồng Thịnh (08:12): </strong>');
		expect(html).toContain('<em>tập trung thu ngân sách');
		expect(html).toContain('<u>và báo cáo tại phiên họp giao ban tháng 12</u>');
		expect(html).toMatch(/<ol><li><p>Các xã, thị trấn tập trung/);
		expect(html).toMatch(/<ul><li><p>Hạ tầng mạng tại 4 xã/);
		expect(html).not.toMatch(/machine|segment|seg-0812/);
	});

	it('keeps the text of unknown nodes and marks', () => {
		const text = visibleText(renderMinutesHtml(contentWithUnknownNodes()));
		expectInOrder(text, ['Kết luận của chủ tọa', UNKNOWN_BLOCK_TEXT, 'Ghi chú:', UNKNOWN_INLINE_TEXT, UNKNOWN_MARK_TEXT, 'Giao nhiệm vụ']);
	});

	it('formats times in Vietnam time (UTC+7) whatever the server zone, and a meeting past midnight', () => {
		const content = fixtureContent();
		content.session.startedAt = '2026-12-03T16:30:00.000Z';
		content.session.endedAt = '2026-12-03T17:05:00.000Z';
		const text = visibleText(renderMinutesHtml(content));
		expect(text).toContain('Thời gian bắt đầu: 23 giờ 30 phút, ngày 03 tháng 12 năm 2026.');
		expect(text).toContain('Cuộc họp kết thúc vào lúc 00 giờ 05 phút, ngày 04 tháng 12 năm 2026./.');
	});

	it('writes dates as Decree 30 asks: 0 before days under 10 and months 1–2', () => {
		const content = fixtureContent();
		content.header.date = '2027-02-05';
		expect(minutesParts(content).placeDate).toBe('Sông Lô, ngày 05 tháng 02 năm 2027');
		content.header.date = '2027-03-05';
		expect(minutesParts(content).placeDate).toBe('Sông Lô, ngày 05 tháng 3 năm 2027');
		content.header.date = '';
		expect(minutesParts(content).placeDate).toBe('Sông Lô, ngày ..... tháng ..... năm ........');
	});

	it('prints incomplete minutes without failing (the preview of a draft)', () => {
		const content = fixtureContent();
		content.session.startedAt = '';
		content.session.endedAt = '';
		content.signers = [];
		content.recipients = [];
		content.archive = '';
		content.attendance = [];
		content.tasks = [];
		const text = visibleText(renderMinutesHtml(content));
		expectInOrder(text, ['Thời gian bắt đầu:', 'Cuộc họp kết thúc vào lúc ..... giờ', 'THƯ KÝ', 'CHỦ TỌA', 'Nơi nhận:', '- Lưu: VT.']);
	});
});

describe('minutesPlainText', () => {
	it('holds the whole minutes in print order, for the search index', () => {
		const content = fixtureContent();
		const text = minutesPlainText(content, '12/BB-UBND');
		expectInOrder(text, ['UBND HUYỆN SÔNG LÔ', 'Số: 12/BB-UBND', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Sông Lô, ngày 03 tháng 12 năm 2026']);
		// Table cells are joined by " | " in the text; the print shows them side by side.
		expectInOrder(text.replaceAll(' | ', ' '), fixtureNeedles(content));
		expectInOrder(text, ['Giao nhiệm vụ', 'STT | Đơn vị thực hiện | Nội dung nhiệm vụ | Thời hạn', '1 | UBND xã Đồng Thịnh | Hoàn thành báo cáo chuyển đổi số năm 2026, gửi Phòng Văn hóa và Thông tin | 15/12/2026']);
		expect(text).toContain('4 | Xã Bạch Lưu | Có mặt | 08:02 | 10:45 | Mất kết nối 1 lần (09:25–09:27)');
		expect(text).not.toContain('\u00a0');
		expect(text).toBe(text.normalize('NFC'));
	});

	it('has the text of unknown nodes and marks', () => {
		const text = minutesPlainText(contentWithUnknownNodes());
		expectInOrder(text, [UNKNOWN_BLOCK_TEXT, UNKNOWN_INLINE_TEXT, UNKNOWN_MARK_TEXT]);
	});

	it('is the same for the same content (the search index and the issued file agree)', () => {
		expect(minutesPlainText(fixtureContent(), '12/BB-UBND')).toBe(minutesPlainText(structuredClone(fixtureContent()), '12/BB-UBND'));
		// NFD input (as some keyboards type it) gives the same text as NFC.
		const decomposed = fixtureContent();
		decomposed.header.summary = decomposed.header.summary.normalize('NFD');
		expect(minutesPlainText(decomposed)).toBe(minutesPlainText(fixtureContent()));
	});
});
