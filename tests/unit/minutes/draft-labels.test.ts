import { describe, expect, it } from 'vitest';
import { authorityAbbreviation, bodyName, leadershipLine, minutesSymbol, placeOf } from '../../../server/src/features/minutes/draft/unit-labels.ts';
import { capitalise, FoldedText, foldVi, lowerFirstWord, sentences } from '../../../server/src/features/minutes/draft/vietnamese-text.ts';
import { vietnamClock, vietnamDate } from '../../../shared/src/time/vietnam-time.ts';

describe('unit labels', () => {
	it('takes the place from the name without its level word', () => {
		expect(placeOf('Xã Sông Lô')).toBe('Sông Lô');
		expect(placeOf('Tỉnh Tuyên Quang')).toBe('Tuyên Quang');
		expect(placeOf('Huyện Sông Lô')).toBe('Sông Lô');
		expect(placeOf('Thị trấn Tam Sơn')).toBe('Tam Sơn');
		expect(placeOf('Thị xã Phúc Yên')).toBe('Phúc Yên');
		expect(placeOf('Thành phố Vĩnh Yên')).toBe('Vĩnh Yên');
		expect(placeOf('Phường Hà Lầu')).toBe('Hà Lầu');
		// Decomposed input (typed on another system) still matches, and comes back NFC.
		expect(placeOf('Xã Đồng Thịnh'.normalize('NFD'))).toBe('Đồng Thịnh');
		expect(placeOf('Văn phòng HĐND-UBND')).toBe('Văn phòng HĐND-UBND');
		// "Xã" is not the start of "Xã hội…" unless a space follows.
		expect(placeOf('Xãhội')).toBe('Xãhội');
	});

	it('abbreviates the issuing body for the symbol', () => {
		expect(authorityAbbreviation('UBND HUYỆN SÔNG LÔ')).toBe('UBND');
		expect(authorityAbbreviation('HĐND XÃ ĐỒNG THỊNH')).toBe('HĐND');
		expect(authorityAbbreviation('ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG')).toBe('UBND');
		expect(authorityAbbreviation('ĐẢNG ỦY XÃ SÔNG LÔ')).toBe('ĐU');
		expect(authorityAbbreviation('BAN QUẢN LÝ DỰ ÁN HUYỆN SÔNG LÔ')).toBe('BQLDA');
		expect(authorityAbbreviation('')).toBe('');
		expect(minutesSymbol('UBND HUYỆN SÔNG LÔ')).toBe('BB-UBND');
		expect(minutesSymbol('')).toBe('BB-UBND');
	});

	it('names bodies as Nơi nhận lists them', () => {
		expect(bodyName({ name: 'Xã Đồng Thịnh', authority: 'UBND XÃ ĐỒNG THỊNH' })).toBe('UBND xã Đồng Thịnh');
		expect(bodyName({ name: 'Thị trấn Tam Sơn', authority: 'UBND THỊ TRẤN TAM SƠN' })).toBe('UBND thị trấn Tam Sơn');
		expect(bodyName({ name: 'Văn phòng HĐND-UBND', authority: '' })).toBe('Văn phòng HĐND-UBND');
		expect(leadershipLine({ name: 'Huyện Sông Lô', authority: 'UBND HUYỆN SÔNG LÔ' })).toBe('Lãnh đạo UBND huyện');
		expect(leadershipLine({ name: 'Tỉnh Tuyên Quang', authority: 'ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG' })).toBe('Lãnh đạo UBND tỉnh');
	});
});

describe('Vietnamese text helpers', () => {
	it('folds diacritics and đ, keeping positions to cut out the original words', () => {
		expect(foldVi('Đồng Thịnh KẾT LUẬN')).toBe('dong thinh ket luan');
		const text = new FoldedText('Giao UBND xã Đồng Thịnh 😀 làm');
		const at = text.folded.indexOf('dong thinh');
		expect(text.slice(at, at + 'dong thinh'.length)).toBe('Đồng Thịnh');
		const after = text.folded.indexOf('lam');
		expect(text.slice(after, text.folded.length)).toBe('làm');
	});

	it('splits sentences but not dates or numbers', () => {
		expect(sentences('Hạn 15.12.2026 nhé. Thu 1.500 tỷ!  Xong')).toEqual(['Hạn 15.12.2026 nhé.', 'Thu 1.500 tỷ!', 'Xong']);
	});

	it('changes the case of the first letter only where it is an ordinary word', () => {
		expect(capitalise('đề nghị')).toBe('Đề nghị');
		expect(lowerFirstWord('Tình hình kinh tế')).toBe('tình hình kinh tế');
		expect(lowerFirstWord('UBND các xã')).toBe('UBND các xã');
	});

	it('turns instants into Vietnam dates and times whatever the server zone', () => {
		expect(vietnamDate('2026-12-02T17:30:00Z')).toBe('2026-12-03');
		expect(vietnamClock('2026-12-02T17:30:00Z')).toBe('00:30');
		expect(vietnamClock(new Date('2026-12-03T01:05:00Z'))).toBe('08:05');
	});
});
