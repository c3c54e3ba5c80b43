import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { buildMinutesDraft, type DraftSource } from '../../../server/src/features/minutes/draft/build-minutes-draft.ts';
import { agendaIndexAt } from '../../../server/src/features/minutes/draft/contributions.ts';
import { MinutesContent } from '../../../shared/src/api/minutes.ts';
import { validateMinutes } from '../../../shared/src/minutes/minutes-validate.ts';
import { richPlainText } from '../../../shared/src/minutes/rich-text.ts';

const START = '2026-12-03T01:00:00.000Z'; // 08:00 in Vietnam
const at = (minute: number): string => new Date(Date.parse(START) + minute * 60_000).toISOString();

function source(): DraftSource {
	return {
		meeting: { id: 'm1', title: 'Họp giao ban công tác tháng 11', location: 'Hội trường UBND huyện Sông Lô', startsAt: START, endsAt: at(60), startedAt: START, endedAt: at(62) },
		hostUnit: { id: 'song-lo', name: 'Huyện Sông Lô', authority: 'UBND HUYỆN SÔNG LÔ' },
		parentUnit: { id: 'phu-tho', name: 'Tỉnh Phú Thọ', authority: 'UBND TỈNH PHÚ THỌ' },
		chairName: 'Nguyễn Văn Hùng',
		secretaryName: 'Trần Thị Lan',
		agenda: [
			{ id: 'a1', title: 'Tình hình kinh tế - xã hội tháng 11', presenter: 'Phòng Tài chính - Kế hoạch', durationMinutes: 20 },
			{ id: 'a2', title: 'Công tác chuyển đổi số', presenter: 'Phòng Văn hóa và Thông tin', durationMinutes: 20 },
			{ id: 'a3', title: 'Ý kiến các xã, thị trấn', presenter: '', durationMinutes: 10 },
		],
		invited: [
			{ id: 'tam-son', name: 'Thị trấn Tam Sơn', authority: 'UBND THỊ TRẤN TAM SƠN', revoked: false },
			{ id: 'dong-thinh', name: 'Xã Đồng Thịnh', authority: 'UBND XÃ ĐỒNG THỊNH', revoked: false },
			{ id: 'bach-luu', name: 'Xã Bạch Lưu', authority: 'UBND XÃ BẠCH LƯU', revoked: false },
			{ id: 'yen-thach', name: 'Xã Yên Thạch', authority: 'UBND XÃ YÊN THẠCH', revoked: false },
			{ id: 'cao-phong', name: 'Xã Cao Phong', authority: 'UBND XÃ CAO PHONG', revoked: true },
			{ id: 'hai-luu', name: 'Xã Hải Lựu', authority: 'UBND XÃ HẢI LỰU', revoked: true },
		],
		attendance: [
			{ unitId: 'song-lo', kind: 'join', reason: '', at: at(0) },
			{ unitId: 'dong-thinh', kind: 'join', reason: '', at: at(0) },
			{ unitId: 'tam-son', kind: 'join', reason: '', at: at(1) },
			{ unitId: 'bach-luu', kind: 'join', reason: '', at: at(2) },
			{ unitId: 'hai-luu', kind: 'join', reason: '', at: at(3) },
			{ unitId: 'bach-luu', kind: 'leave', reason: 'disconnected', at: at(25) },
			{ unitId: 'bach-luu', kind: 'join', reason: '', at: at(27) },
			{ unitId: 'hai-luu', kind: 'leave', reason: 'left', at: at(10) },
			{ unitId: 'song-lo', kind: 'leave', reason: 'ended', at: at(62) },
			{ unitId: 'dong-thinh', kind: 'leave', reason: 'ended', at: at(62) },
			{ unitId: 'tam-son', kind: 'leave', reason: 'ended', at: at(62) },
			{ unitId: 'bach-luu', kind: 'leave', reason: 'ended', at: at(62) },
		],
		transcript: [
			{ id: 's1', unitId: 'song-lo', unitName: 'Huyện Sông Lô', startMs: 60_000, text: 'Hôm nay chúng ta họp giao ban để đánh giá tình hình tháng 11.' },
			{ id: 's2', unitId: 'song-lo', unitName: 'Huyện Sông Lô', startMs: 5 * 60_000, text: 'Tổng thu ngân sách tháng 11 đạt 90% kế hoạch.' },
			{ id: 's3', unitId: 'dong-thinh', unitName: 'Xã Đồng Thịnh', startMs: 12 * 60_000, text: 'Xã Đồng Thịnh đã hoàn thành thu hoạch lúa mùa.' },
			{ id: 's4', unitId: 'dong-thinh', unitName: 'Xã Đồng Thịnh', startMs: 12 * 60_000 + 9000, text: '  Sản lượng đạt  5.200 tấn. ' },
			{ id: 'empty', unitId: 'tam-son', unitName: 'Thị trấn Tam Sơn', startMs: 13 * 60_000, text: '' },
			{ id: 's5', unitId: 'song-lo', unitName: 'Huyện Sông Lô', startMs: 25 * 60_000, text: 'Công tác chuyển đổi số cần đẩy nhanh ở cấp xã.' },
			{ id: 's6', unitId: 'tam-son', unitName: 'Thị trấn Tam Sơn', startMs: 33 * 60_000, text: 'Thị trấn Tam Sơn đề nghị bổ sung kinh phí cho hệ thống camera.' },
			{ id: 's7', unitId: 'song-lo', unitName: 'Huyện Sông Lô', startMs: 50 * 60_000, text: 'Kết luận: các xã tập trung hoàn thành kế hoạch thu ngân sách năm 2026.' },
			{ id: 's8', unitId: 'song-lo', unitName: 'Huyện Sông Lô', startMs: 52 * 60_000, text: 'Giao UBND xã Đồng Thịnh hoàn thành báo cáo chuyển đổi số trước ngày 15/12/2026.' },
			{ id: 's9', unitId: 'song-lo', unitName: 'Huyện Sông Lô', startMs: 54 * 60_000, text: 'Yeu cau thi tran Tam Son hoan thanh lap dat camera truoc ngay 20 thang 12.' },
		],
		otherUnits: [{ id: 'quang-yen', name: 'Xã Quang Yên', authority: 'UBND XÃ QUANG YÊN' }],
	};
}

describe('buildMinutesDraft', () => {
	it('is deterministic and fits the MinutesContent schema', () => {
		const first = buildMinutesDraft(source());
		expect(JSON.stringify(buildMinutesDraft(source()))).toBe(JSON.stringify(first));
		expect(Value.Check(MinutesContent, first)).toBe(true);
	});

	it('fills the header from the host unit and the meeting', () => {
		expect(buildMinutesDraft(source()).header).toEqual({
			parentBody: 'UBND TỈNH PHÚ THỌ',
			issuingBody: 'UBND HUYỆN SÔNG LÔ',
			symbol: 'BB-UBND',
			place: 'Sông Lô',
			date: '2026-12-03',
			summary: 'Họp giao ban công tác tháng 11',
		});
		const top = { ...source(), parentUnit: null, hostUnit: { id: 'tq', name: 'Tỉnh Tuyên Quang', authority: 'ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG' } };
		expect(buildMinutesDraft(top).header).toMatchObject({ parentBody: '', symbol: 'BB-UBND', place: 'Tuyên Quang' });
	});

	it('dates the minutes by the day in Vietnam, not in UTC', () => {
		const late = source();
		late.meeting = { ...late.meeting, startedAt: '2026-12-02T23:30:00.000Z', endedAt: '2026-12-03T00:30:00.000Z' };
		expect(buildMinutesDraft(late).header.date).toBe('2026-12-03');
	});

	it('fills the session: actual times, place, sites online, chair and secretary', () => {
		const { session } = buildMinutesDraft(source());
		expect(session).toEqual({
			startedAt: START,
			endedAt: at(62),
			location: 'Hội trường UBND huyện Sông Lô',
			onlinePoints: 'Trực tuyến đến 4 điểm cầu: xã Bạch Lưu, xã Đồng Thịnh, xã Hải Lựu, thị trấn Tam Sơn.',
			chair: { name: 'Nguyễn Văn Hùng', title: '' },
			secretary: { name: 'Trần Thị Lan', title: '' },
			otherParticipants: 'Đại diện các cơ quan, đơn vị trình bày báo cáo: Phòng Tài chính - Kế hoạch; Phòng Văn hóa và Thông tin.',
		});
		const live = source();
		live.meeting = { ...live.meeting, endedAt: null };
		expect(buildMinutesDraft(live).session.endedAt).toBe('');
	});

	it('lists attendance: host first, then invited units by place name; a withdrawn unit only if it came', () => {
		const { attendance } = buildMinutesDraft(source());
		expect(attendance.map((a) => [a.unitName, a.present, a.minutesAttended, a.note])).toEqual([
			['Huyện Sông Lô', true, 62, ''],
			['Xã Bạch Lưu', true, 58, 'Mất kết nối 1 lần'],
			['Xã Đồng Thịnh', true, 62, ''],
			['Xã Hải Lựu', true, 7, ''],
			['Thị trấn Tam Sơn', true, 61, ''],
			['Xã Yên Thạch', false, 0, ''],
		]);
		expect(attendance[1]).toMatchObject({ id: 'bach-luu', unitId: 'bach-luu', firstJoinAt: at(2), lastLeaveAt: at(62) });
		expect(attendance[5]).toMatchObject({ firstJoinAt: '', lastLeaveAt: '' });
	});

	it('puts what each site said under the agenda item of its time, one paragraph per turn, Vietnam time', () => {
		const { agenda } = buildMinutesDraft(source());
		expect(agenda.map((a) => [a.id, a.title, a.presenter])).toEqual([
			['a1', 'Tình hình kinh tế - xã hội tháng 11', 'Phòng Tài chính - Kế hoạch'],
			['a2', 'Công tác chuyển đổi số', 'Phòng Văn hóa và Thông tin'],
			['a3', 'Ý kiến các xã, thị trấn', ''],
		]);
		expect(agenda[0]?.content).toEqual({
			type: 'doc',
			content: [
				{ type: 'paragraph', attrs: { machine: true }, content: [{ type: 'text', text: 'Phòng Tài chính - Kế hoạch trình bày tình hình kinh tế - xã hội tháng 11.' }] },
				{ type: 'paragraph', attrs: { machine: true, segmentId: 's1' }, content: [{ type: 'text', text: 'Huyện Sông Lô (08:01): Hôm nay chúng ta họp giao ban để đánh giá tình hình tháng 11. Tổng thu ngân sách tháng 11 đạt 90% kế hoạch.' }] },
				{ type: 'paragraph', attrs: { machine: true, segmentId: 's3' }, content: [{ type: 'text', text: 'Xã Đồng Thịnh (08:12): Xã Đồng Thịnh đã hoàn thành thu hoạch lúa mùa. Sản lượng đạt 5.200 tấn.' }] },
			],
		});
		expect(richPlainText(agenda[1]!.content)).toBe(
			'Phòng Văn hóa và Thông tin trình bày công tác chuyển đổi số.\nHuyện Sông Lô (08:25): Công tác chuyển đổi số cần đẩy nhanh ở cấp xã.\nThị trấn Tam Sơn (08:33): Thị trấn Tam Sơn đề nghị bổ sung kinh phí cho hệ thống camera.'
		);
		// The last item takes the time after the plan (50 min planned, lines at 50–54 min).
		expect(richPlainText(agenda[2]!.content).split('\n').map((l) => l.slice(0, 20))).toEqual(['Huyện Sông Lô (08:50']);
	});

	it('proposes conclusions and tasks from the transcript, marked as the machine\'s', () => {
		const draft = buildMinutesDraft(source());
		expect(draft.conclusions).toEqual({
			type: 'doc',
			content: [{ type: 'paragraph', attrs: { machine: true, segmentId: 's7' }, content: [{ type: 'text', text: 'Các xã tập trung hoàn thành kế hoạch thu ngân sách năm 2026.' }] }],
		});
		expect(draft.tasks).toEqual([
			{ id: 's8:1', unitId: 'dong-thinh', unitName: 'UBND xã Đồng Thịnh', text: 'Hoàn thành báo cáo chuyển đổi số', deadline: '2026-12-15', agendaItemId: 'a3', sourceSegmentId: 's8', machine: true },
			{ id: 's9:1', unitId: 'tam-son', unitName: 'UBND thị trấn Tam Sơn', text: 'Hoan thanh lap dat camera', deadline: '2026-12-20', agendaItemId: 'a3', sourceSegmentId: 's9', machine: true },
		]);
	});

	it('names signers, recipients and the archive line', () => {
		const draft = buildMinutesDraft(source());
		expect(draft.signers).toEqual([
			{ role: 'secretary', title: 'THƯ KÝ', name: 'Trần Thị Lan' },
			{ role: 'chair', title: 'CHỦ TỌA', name: 'Nguyễn Văn Hùng' },
		]);
		expect(draft.recipients.map((r) => [r.id, r.name])).toEqual([
			['song-lo:lanh-dao', 'Lãnh đạo UBND huyện'],
			['bach-luu', 'UBND xã Bạch Lưu'],
			['dong-thinh', 'UBND xã Đồng Thịnh'],
			['tam-son', 'UBND thị trấn Tam Sơn'],
			['yen-thach', 'UBND xã Yên Thạch'],
		]);
		expect(draft.archive).toBe('VT, Hồ sơ');
	});

	it('passes the approval check when the meeting gave every part', () => {
		expect(validateMinutes(buildMinutesDraft(source()))).toEqual([]);
	});

	it('drafts a meeting without agenda, chair or transcript, leaving the gaps for people to fill', () => {
		const bare: DraftSource = { ...source(), agenda: [], chairName: '', transcript: [], attendance: [], invited: [], meeting: { ...source().meeting, location: '', startedAt: null, endedAt: null } };
		const draft = buildMinutesDraft(bare);
		expect(Value.Check(MinutesContent, draft)).toBe(true);
		expect(draft.agenda).toEqual([{ id: 'm1:noi-dung', title: 'Nội dung cuộc họp', presenter: '', content: { type: 'doc', content: [{ type: 'paragraph' }] } }]);
		expect(draft.session.startedAt).toBe(START);
		expect(validateMinutes(draft).map((p) => `${p.path}:${p.rule}`)).toEqual([
			'session.endedAt:required',
			'session.location:required',
			'session.chair.name:required',
			'conclusions:empty_section',
			'signers.chair.name:required',
		]);
		expect(draft.recipients.map((r) => r.name)).toEqual(['Lãnh đạo UBND huyện']);
	});
});

describe('agendaIndexAt', () => {
	it('follows the planned durations and gives the rest to the last item', () => {
		expect([0, 9.99, 10, 29.99, 30, 500].map((m) => agendaIndexAt([10, 20, 5], m * 60_000))).toEqual([0, 0, 1, 1, 2, 2]);
		expect(agendaIndexAt([], 1000)).toBe(0);
	});
});
