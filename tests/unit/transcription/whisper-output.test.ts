import { describe, expect, it } from 'vitest';
import { parseWhisperJson } from '../../../server/src/features/transcription/whisper-output.ts';

/** whisper-cli's escape_double_quotes_and_backslashes: nothing else is escaped. */
function escape(bytes: Buffer): Buffer {
	return Buffer.from(bytes.toString('latin1').replace(/["\\]/g, (c) => `\\${c}`), 'latin1');
}

/** A result file laid out as whisper-cli 1.9.1 writes it: tabs, raw bytes, only `"` and `\` escaped. */
function whisperJson(segments: { from: number; to: number; text: Buffer; tokens: { text: Buffer; id: number; p: string }[] }[]): Buffer {
	const parts: Buffer[] = [Buffer.from('{\n\t"systeminfo": "AVX2 = 1",\n\t"model": {\n\t\t"type": "tiny",\n\t\t"multilingual": true,\n\t\t"vocab": 51865\n\t},\n\t"transcription": [\n')];
	segments.forEach((segment, i) => {
		parts.push(Buffer.from(`\t\t{\n\t\t\t"offsets": {\n\t\t\t\t"from": ${segment.from},\n\t\t\t\t"to": ${segment.to}\n\t\t\t},\n\t\t\t"text": "`), escape(segment.text), Buffer.from('",\n\t\t\t"tokens": [\n'));
		segment.tokens.forEach((token, j) => {
			parts.push(Buffer.from('\t\t\t\t{\n\t\t\t\t\t"text": "'), escape(token.text), Buffer.from(`",\n\t\t\t\t\t"id": ${token.id},\n\t\t\t\t\t"p": ${token.p},\n\t\t\t\t\t"t_dtw": -1\n\t\t\t\t}${j === segment.tokens.length - 1 ? '' : ','}\n`));
		});
		parts.push(Buffer.from(`\t\t\t]\n\t\t}${i === segments.length - 1 ? '' : ','}\n`));
	});
	parts.push(Buffer.from('\t]\n}\n'));
	return Buffer.concat(parts);
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('parseWhisperJson', () => {
	it('joins a Vietnamese letter split across two segments before decoding it', () => {
		const a = utf8('â'); // 0xC3 0xA2
		const file = whisperJson([
			{ from: 0, to: 1200, text: Buffer.concat([utf8(' Ủy ban nh'), a.subarray(0, 1)]), tokens: [{ text: utf8(' Ủy'), id: 300, p: '0.5' }] },
			{ from: 1200, to: 2500, text: Buffer.concat([a.subarray(1), utf8('n dân xã')]), tokens: [{ text: utf8('n'), id: 301, p: '0.25' }] },
		]);
		const segments = parseWhisperJson(file);
		expect(segments.map((s) => s.text)).toEqual(['Ủy ban nh', 'ân dân xã']);
		expect(segments.every((s) => !s.text.includes('\uFFFD'))).toBe(true);
	});

	it('reads raw control bytes and nan probabilities, and averages the text tokens only', () => {
		const file = whisperJson([
			{
				from: 0,
				to: 900,
				text: utf8(' họp\u0001 "giao" ban\\'),
				tokens: [
					{ text: utf8('[_BEG_]'), id: 50364, p: '0.99' },
					{ text: utf8(' họp\u0001'), id: 400, p: '0.2' },
					{ text: utf8(' "giao"'), id: 401, p: '0.6' },
					{ text: utf8(' ban'), id: 402, p: 'nan' },
					{ text: utf8('[_TT_45]'), id: 50409, p: '0.9' },
				],
			},
		]);
		const [segment] = parseWhisperJson(file);
		expect(segment?.text).toBe('họp\u0001 "giao" ban\\');
		expect(segment?.confidence).toBeCloseTo(0.4, 6);
	});

	it('keeps times inside the audio: ends clamped, segments in the padding dropped, at least 10 ms long', () => {
		const token = (id: number) => [{ text: utf8(' x'), id, p: '0.5' }];
		const file = whisperJson([
			{ from: 420, to: 28_980, text: utf8(' một'), tokens: token(1) },
			{ from: 3000, to: 3000, text: utf8(' hai'), tokens: token(2) },
			{ from: 6200, to: 9000, text: utf8(' ba'), tokens: token(3) },
		]);
		expect(parseWhisperJson(file, { durationMs: 6112.5, offsetMs: 1000 }).map(({ startMs, endMs, text }) => ({ startMs, endMs, text }))).toEqual([
			{ startMs: 1420, endMs: 7112.5, text: 'một' },
			{ startMs: 4000, endMs: 4010, text: 'hai' },
		]);
	});

	it('puts times on the caller clock, drops empty segments, and refuses a file without a transcription', () => {
		const file = whisperJson([
			{ from: 0, to: 500, text: utf8(' '), tokens: [] },
			{ from: 500, to: 1500, text: utf8(' xã'), tokens: [{ text: utf8(' xã'), id: 12, p: '1' }] },
		]);
		expect(parseWhisperJson(file, { offsetMs: 60_000 })).toEqual([{ startMs: 60_500, endMs: 61_500, text: 'xã', confidence: 1 }]);
		expect(() => parseWhisperJson(utf8('{"model": {}}'))).toThrow(/no "transcription" list/);
		expect(() => parseWhisperJson(utf8('{"transcription": [{"text": "x"}]}'))).toThrow(/segment 0 lacks offsets/);
	});
});
