import { describe, expect, it } from 'vitest';
import { findDeadline } from '../../../server/src/features/minutes/draft/deadline.ts';
import { FoldedText } from '../../../server/src/features/minutes/draft/vietnamese-text.ts';

const deadline = (text: string, meetingDate = '2026-12-03'): string | null => findDeadline(new FoldedText(text), meetingDate)?.date ?? null;

describe('findDeadline', () => {
	it('reads day/month/year in the forms people write, with or without diacritics', () => {
		expect(deadline('hoàn thành trước ngày 15/12/2026')).toBe('2026-12-15');
		expect(deadline('hoan thanh truoc ngay 15/12/2026')).toBe('2026-12-15');
		expect(deadline('trước ngày 15 tháng 12 năm 2026')).toBe('2026-12-15');
		expect(deadline('truoc ngay 15 thang 12 nam 2026')).toBe('2026-12-15');
		expect(deadline('chậm nhất là ngày 20 tháng 12')).toBe('2026-12-20');
		expect(deadline('CHẬM NHẤT NGÀY 5-1-2027')).toBe('2027-01-05');
		expect(deadline('hạn chót 18.12.2026')).toBe('2026-12-18');
		expect(deadline('trước 9/12')).toBe('2026-12-09');
		expect(deadline('xong trước mùng 7 tháng 12')).toBe('2026-12-07');
	});

	it('reads spoken numbers as recognition writes them', () => {
		expect(deadline('trước ngày mười lăm tháng mười hai')).toBe('2026-12-15');
		expect(deadline('chậm nhất ngày hai mươi lăm tháng mười hai năm 2026')).toBe('2026-12-25');
		expect(deadline('trước ngày ba mươi mốt tháng một')).toBe('2027-01-31');
	});

	it('takes the meeting year, or the next when the date has passed', () => {
		expect(deadline('trước ngày 15/12', '2026-12-03')).toBe('2026-12-15');
		expect(deadline('trước ngày 10/1', '2026-12-20')).toBe('2027-01-10');
		expect(deadline('trước ngày 3/12', '2026-12-03')).toBe('2026-12-03');
		expect(deadline('trước ngày 2/12', '2026-12-03')).toBe('2027-12-02');
	});

	it('gives the last day of a month for "trong tháng"', () => {
		expect(deadline('hoàn thành trong tháng 12')).toBe('2026-12-31');
		expect(deadline('hoan thanh trong thang 2 nam 2028')).toBe('2028-02-29');
		expect(deadline('trong tháng 11', '2026-12-03')).toBe('2027-11-30');
	});

	it('refuses dates that do not exist and text without a deadline', () => {
		expect(deadline('trước ngày 31/2/2027')).toBeNull();
		expect(deadline('trước ngày 15/13')).toBeNull();
		expect(deadline('từ ngày 1/12 đến ngày 15/12 tổ chức kiểm tra')).toBeNull();
		expect(deadline('năm 2026 thu ngân sách đạt 90%')).toBeNull();
		expect(deadline('')).toBeNull();
	});

	it('gives the extent of the phrase in the folded text', () => {
		const text = new FoldedText('Nộp báo cáo trước ngày 15/12/2026 tại Văn phòng.');
		const found = findDeadline(text, '2026-12-03');
		expect(found && text.slice(found.from, found.to)).toBe('trước ngày 15/12/2026');
	});
});
