import { describe, expect, it } from 'vitest';
import { proposeFromTranscript, type ProposalContext, type TranscriptLine } from '../../../server/src/features/minutes/draft/transcript-proposals.ts';

const units = [
	{ id: 'song-lo', name: 'Huyện Sông Lô', authority: 'UBND HUYỆN SÔNG LÔ' },
	{ id: 'dong-thinh', name: 'Xã Đồng Thịnh', authority: 'UBND XÃ ĐỒNG THỊNH' },
	{ id: 'dong-que', name: 'Xã Đồng Quế', authority: 'UBND XÃ ĐỒNG QUẾ' },
	{ id: 'tam-son', name: 'Thị trấn Tam Sơn', authority: 'UBND THỊ TRẤN TAM SƠN' },
	{ id: 'quang-yen', name: 'Xã Quang Yên', authority: 'UBND XÃ QUANG YÊN' },
];
const context: ProposalContext = { meetingDate: '2026-12-03', units, hostUnitId: 'song-lo' };

/** Lines from the chair's site, one a minute unless said otherwise. */
function chair(...texts: string[]): TranscriptLine[] {
	return texts.map((text, i) => ({ id: `seg-${i}`, unitId: 'song-lo', startMs: i * 60_000, text }));
}

const propose = (lines: TranscriptLine[], ctx: ProposalContext = context) => proposeFromTranscript(lines, ctx);

describe('proposeFromTranscript: tasks', () => {
	it('finds "giao" with the unit, the task and the deadline, with diacritics', () => {
		const { tasks } = propose(chair('Giao UBND xã Đồng Thịnh hoàn thành báo cáo chuyển đổi số trước ngày 15/12/2026.'));
		expect(tasks).toEqual([
			{
				segmentId: 'seg-0',
				startMs: 0,
				unitId: 'dong-thinh',
				unitName: 'UBND xã Đồng Thịnh',
				text: 'Hoàn thành báo cáo chuyển đổi số',
				deadline: '2026-12-15',
				sentence: 'Giao UBND xã Đồng Thịnh hoàn thành báo cáo chuyển đổi số trước ngày 15/12/2026.',
			},
		]);
	});

	it('finds the same without diacritics, and "yêu cầu", "đề nghị", "chỉ đạo"', () => {
		const { tasks } = propose(
			chair(
				'Giao cho xa Dong Thinh chu tri to chuc le hoi truoc ngay 15 thang 12 nam 2026.',
				'Yeu cau thi tran Tam Son hoan thanh lap dat camera truoc ngay 20 thang 12.',
				'Tôi đề nghị UBND xã Quang Yên rà soát hộ nghèo, hoàn thành chậm nhất là ngày 25/12.',
				'Đồng chí Chủ tịch chỉ đạo xã Đồng Quế kiểm tra đê điều trong tháng 12.'
			)
		);
		expect(tasks.map(({ unitId, unitName, text, deadline }) => ({ unitId, unitName, text, deadline }))).toEqual([
			{ unitId: 'dong-thinh', unitName: 'UBND xã Đồng Thịnh', text: 'Chu tri to chuc le hoi', deadline: '2026-12-15' },
			{ unitId: 'tam-son', unitName: 'UBND thị trấn Tam Sơn', text: 'Hoan thanh lap dat camera', deadline: '2026-12-20' },
			{ unitId: 'quang-yen', unitName: 'UBND xã Quang Yên', text: 'Rà soát hộ nghèo', deadline: '2026-12-25' },
			{ unitId: 'dong-que', unitName: 'UBND xã Đồng Quế', text: 'Kiểm tra đê điều', deadline: '2026-12-31' },
		]);
	});

	it('keeps a group as the unit, and a task without a deadline with an empty one', () => {
		const { tasks } = propose(chair('Đề nghị các xã, thị trấn tăng cường tuyên truyền về chuyển đổi số.', 'Giao các phòng, ban chuyên môn của huyện hướng dẫn các xã.'));
		expect(tasks.map(({ unitId, unitName, text, deadline }) => ({ unitId, unitName, text, deadline }))).toEqual([
			{ unitId: null, unitName: 'Các xã, thị trấn', text: 'Tăng cường tuyên truyền về chuyển đổi số', deadline: '' },
			{ unitId: null, unitName: 'Các phòng, ban chuyên môn của huyện', text: 'Hướng dẫn các xã', deadline: '' },
		]);
	});

	it('leaves the unit empty when none is named, rather than guessing', () => {
		const { tasks } = propose(chair('Giao Phòng Nông nghiệp phối hợp với xã Đồng Thịnh và xã Đồng Quế kiểm tra trước ngày 10/12.'));
		expect(tasks).toHaveLength(1);
		expect(tasks[0]).toMatchObject({ unitId: null, unitName: '', deadline: '2026-12-10' });
		expect(tasks[0]?.text).toContain('Phòng Nông nghiệp');
	});

	it('takes the one unit named elsewhere when the verb names none', () => {
		const { tasks } = propose(chair('Về hồ sơ đất đai, đề nghị khẩn trương hoàn thiện để xã Tam Sơn trình trước ngày 12/12.'));
		expect(tasks[0]).toMatchObject({ unitId: 'tam-son', deadline: '2026-12-12' });
	});

	it('takes a sentence with a deadline from the chair as a task even without a verb', () => {
		const { tasks } = propose(chair('Các xã hoàn thành báo cáo tổng kết trước 5/1.'));
		expect(tasks).toEqual([expect.objectContaining({ unitId: null, unitName: 'Các xã', text: 'Hoàn thành báo cáo tổng kết', deadline: '2027-01-05' })]);
	});

	it('does not take other words for cues', () => {
		const { tasks, conclusions } = propose(
			chair(
				'Hôm nay chúng ta họp giao ban Sông Lô để đánh giá tình hình tháng 11.',
				'Hom nay hop giao ban, giao thong nong thon dat ket qua tot.',
				'Công tác giáo dục được quan tâm, giáo viên được giao nhiệm vụ rõ ràng.',
				'Các xã đã đáp ứng yêu cầu nhiệm vụ được giao.',
				'Thực hiện Kết luận số 12 của Huyện ủy, UBND huyện đã bàn giao mặt bằng.',
				'Đó là những đề nghị của các xã.'
			)
		);
		expect(tasks).toEqual([]);
		expect(conclusions).toEqual([]);
	});

	it('takes no task from a commune: its "đề nghị" asks the district', () => {
		const lines: TranscriptLine[] = [{ id: 'c1', unitId: 'tam-son', startMs: 0, text: 'Thị trấn Tam Sơn đề nghị huyện bổ sung kinh phí cho hệ thống camera trước ngày 30/12.' }];
		expect(propose(lines)).toEqual({ conclusions: [], tasks: [] });
		// Without a host to tell sites apart, every line counts.
		expect(propose(lines, { ...context, hostUnitId: null }).tasks).toHaveLength(1);
	});

	it('gives two tasks of one line the same segment, each with its own unit', () => {
		const { tasks } = propose(chair('Giao xã Đồng Thịnh sửa đường trước 10/12. Giao xã Đồng Quế nạo vét kênh trước 20/12.'));
		expect(tasks.map((t) => [t.segmentId, t.unitId, t.deadline])).toEqual([
			['seg-0', 'dong-thinh', '2026-12-10'],
			['seg-0', 'dong-que', '2026-12-20'],
		]);
	});
});

describe('proposeFromTranscript: conclusions', () => {
	it('takes what follows "kết luận", with or without diacritics', () => {
		const { conclusions } = propose(
			chair('Kết luận: các xã tập trung hoàn thành kế hoạch thu ngân sách năm 2026.', 'Dong chi Chu tich ket luan nhu sau: cac xa day nhanh tien do giai ngan von dau tu cong.')
		);
		expect(conclusions).toEqual([
			{ segmentId: 'seg-0', startMs: 0, unitId: 'song-lo', text: 'Các xã tập trung hoàn thành kế hoạch thu ngân sách năm 2026' },
			{ segmentId: 'seg-1', startMs: 60_000, unitId: 'song-lo', text: 'Cac xa day nhanh tien do giai ngan von dau tu cong' },
		]);
	});

	it('takes an agreement of the meeting as a whole sentence', () => {
		const { conclusions } = propose(chair('Hội nghị thống nhất tổ chức giao ban định kỳ vào thứ Hai đầu tháng.'));
		expect(conclusions.map((c) => c.text)).toEqual(['Hội nghị thống nhất tổ chức giao ban định kỳ vào thứ Hai đầu tháng']);
	});

	it('after "kết luận như sau" takes the next lines of the chair, until another site speaks or a long pause', () => {
		const lines: TranscriptLine[] = [
			{ id: 'a', unitId: 'song-lo', startMs: 0, text: 'Tôi xin kết luận như sau.' },
			{ id: 'b', unitId: 'song-lo', startMs: 20_000, text: 'Một là, tiếp tục đẩy mạnh chuyển đổi số.' },
			{ id: 'c', unitId: 'song-lo', startMs: 50_000, text: 'Hai là, giao xã Đồng Thịnh tổ chức lễ hội trước 20/12.' },
			{ id: 'd', unitId: 'dong-thinh', startMs: 80_000, text: 'Xã Đồng Thịnh xin tiếp thu.' },
			{ id: 'e', unitId: 'song-lo', startMs: 100_000, text: 'Cảm ơn các đồng chí.' },
			{ id: 'f', unitId: 'song-lo', startMs: 120_000, text: 'Tôi xin kết luận như sau.' },
			{ id: 'g', unitId: 'song-lo', startMs: 130_000, text: 'Ba là, giữ vững an ninh trật tự.' },
			{ id: 'h', unitId: 'song-lo', startMs: 400_000, text: 'Chuyển sang nội dung tiếp theo.' },
		];
		const { conclusions, tasks } = propose(lines);
		expect(conclusions.map((c) => [c.segmentId, c.text])).toEqual([
			['b', 'Một là, tiếp tục đẩy mạnh chuyển đổi số.'],
			['c', 'Hai là, giao xã Đồng Thịnh tổ chức lễ hội trước 20/12.'],
			['g', 'Ba là, giữ vững an ninh trật tự.'],
		]);
		expect(tasks.map((t) => [t.segmentId, t.unitId, t.text, t.deadline])).toEqual([['c', 'dong-thinh', 'Tổ chức lễ hội', '2026-12-20']]);
	});

	it('ignores what a commune says about conclusions', () => {
		const lines: TranscriptLine[] = [{ id: 'x', unitId: 'dong-thinh', startMs: 0, text: 'Kết luận: xã đề xuất được hỗ trợ thêm kinh phí.' }];
		expect(propose(lines).conclusions).toEqual([]);
	});

	it('is deterministic and reads decomposed Unicode like composed', () => {
		const text = 'Kết luận: tăng cường công tác phòng cháy. Giao UBND xã Đồng Thịnh kiểm tra trước ngày 15/12/2026.';
		const composed = propose(chair(text));
		const decomposed = propose(chair(text.normalize('NFD')));
		expect(decomposed).toEqual(composed);
		expect(propose(chair(text))).toEqual(composed);
		expect(composed.tasks).toHaveLength(1);
		expect(composed.conclusions).toHaveLength(1);
	});
});
