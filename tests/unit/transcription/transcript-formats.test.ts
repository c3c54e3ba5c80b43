import { describe, expect, it } from 'vitest';
import { toSrt, toWebVtt, type TranscriptCue } from '../../../server/src/features/transcription/transcript-formats.ts';

const cues: TranscriptCue[] = [
	{ startMs: 1500, endMs: 4250, unitName: 'UBND xã Sông Lô', text: 'Báo cáo tình hình sản xuất nông nghiệp của xã.' },
	{ startMs: 3_723_004, endMs: 3_725_999.6, unitName: 'Huyện Đoan Hùng', text: 'Đề nghị các đồng chí phát biểu ý kiến.' },
];

/** The cues of a subtitle file: its blocks between blank lines. */
const blocksOf = (file: string): string[] => file.trim().split(/\n\n/);

describe('toWebVtt', () => {
	it('writes a header, numbered cues with hh:mm:ss.mmm times and the unit as the voice', () => {
		expect(toWebVtt(cues)).toBe(
			[
				'WEBVTT',
				'',
				'1',
				'00:00:01.500 --> 00:00:04.250',
				'<v UBND xã Sông Lô>Báo cáo tình hình sản xuất nông nghiệp của xã.',
				'',
				'2',
				'01:02:03.004 --> 01:02:06.000',
				'<v Huyện Đoan Hùng>Đề nghị các đồng chí phát biểu ý kiến.',
				'',
			].join('\n')
		);
	});

	it('escapes markup and arrows in the text and in the unit name', () => {
		const file = toWebVtt([{ startMs: 0, endMs: 1000, unitName: 'A&B <xã>', text: 'x < y & z --> <b>w</b>' }]);
		expect(file).toContain('<v A&amp;B &lt;xã&gt;>x &lt; y &amp; z --&gt; &lt;b&gt;w&lt;/b&gt;');
		expect(blocksOf(file)[1]!.split('\n').filter((line) => line.includes('-->'))).toHaveLength(1);
	});

	it('never lets a blank line into a cue, and drops cues with no words', () => {
		const file = toWebVtt([
			{ startMs: 0, endMs: 1000, unitName: 'Xã A', text: 'dòng một\n\n  \r\ndòng\thai\r\n' },
			{ startMs: 1000, endMs: 2000, unitName: 'Xã B', text: ' \n ' },
		]);
		expect(blocksOf(file)).toEqual(['WEBVTT', '1\n00:00:00.000 --> 00:00:01.000\n<v Xã A>dòng một\ndòng hai']);
	});

	it('orders cues by time and keeps every cue at least 1 ms long', () => {
		const file = toWebVtt([
			{ startMs: 5000, endMs: 6000, unitName: 'B', text: 'sau' },
			{ startMs: -20, endMs: -10, unitName: 'A', text: 'trước' },
		]);
		expect(blocksOf(file).slice(1)).toEqual(['1\n00:00:00.000 --> 00:00:00.001\n<v A>trước', '2\n00:00:05.000 --> 00:00:06.000\n<v B>sau']);
	});

	it('writes no voice tag for a cue without a unit, and just the header for no cues', () => {
		expect(toWebVtt([{ startMs: 0, endMs: 10, unitName: ' ', text: 'chào' }])).toBe('WEBVTT\n\n1\n00:00:00.000 --> 00:00:00.010\nchào\n');
		expect(toWebVtt([])).toBe('WEBVTT\n');
	});

	it('keeps Vietnamese as UTF-8, composed', () => {
		const decomposed = 'Ủy ban'.normalize('NFD');
		const file = toWebVtt([{ startMs: 0, endMs: 10, unitName: 'Xã', text: decomposed }]);
		expect(file).toContain('Ủy ban'.normalize('NFC'));
		expect(Buffer.from(file, 'utf8').toString('utf8')).toBe(file);
	});
});

describe('toSrt', () => {
	it('writes numbered cues with hh:mm:ss,mmm times and the unit before the words', () => {
		expect(toSrt(cues)).toBe(
			[
				'1',
				'00:00:01,500 --> 00:00:04,250',
				'UBND xã Sông Lô: Báo cáo tình hình sản xuất nông nghiệp của xã.',
				'',
				'2',
				'01:02:03,004 --> 01:02:06,000',
				'Huyện Đoan Hùng: Đề nghị các đồng chí phát biểu ý kiến.',
				'',
			].join('\n')
		);
	});

	it('keeps text from being read as markup or as a timing line', () => {
		const file = toSrt([{ startMs: 0, endMs: 1000, unitName: 'Xã <i>', text: 'a < b & c --> <b>d</b>' }]);
		expect(file).toContain('Xã ‹i>: a < b & c -> ‹b>d‹/b>');
		expect(file.split('\n').filter((line) => line.includes('-->'))).toHaveLength(1);
	});

	it('puts the unit on the first line only and leaves no blank line inside a cue', () => {
		const file = toSrt([{ startMs: 0, endMs: 1000, unitName: 'Xã A', text: 'một\n\nhai' }]);
		expect(file).toBe('1\n00:00:00,000 --> 00:00:01,000\nXã A: một\nhai\n');
		expect(toSrt([])).toBe('');
	});

	it('writes hours past 99 in full', () => {
		expect(toSrt([{ startMs: 100 * 3_600_000, endMs: 100 * 3_600_000 + 1, unitName: '', text: 'x' }])).toContain('100:00:00,000 --> 100:00:00,001\nx');
	});
});
