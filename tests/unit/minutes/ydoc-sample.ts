import type { MinutesContent, RichNode } from '../../../shared/src/api/minutes.ts';

const text = (value: string, marks?: RichNode['marks']): RichNode => (marks ? { type: 'text', text: value, marks } : { type: 'text', text: value });

/**
 * Minutes shaped as the draft generator and the editor leave them (canonical rich text: no empty
 * attrs, merged runs), with every kind of rich content the editor makes plus nodes and marks no
 * editor of ours knows, which must survive the Y.Doc as they are.
 */
export function sampleMinutes(): MinutesContent {
	return {
		schemaVersion: 1,
		header: {
			parentBody: 'UBND TỈNH TUYÊN QUANG',
			issuingBody: 'UBND HUYỆN SÔNG LÔ',
			symbol: 'BB-UBND',
			place: 'Sông Lô',
			date: '2026-12-03',
			summary: 'Họp giao ban công tác tháng 11',
		},
		session: {
			startedAt: '2026-12-03T01:00:00.000Z',
			endedAt: '2026-12-03T02:00:00.000Z',
			location: 'Hội trường UBND huyện Sông Lô',
			onlinePoints: 'Trực tuyến đến 5 điểm cầu các xã, thị trấn',
			chair: { name: 'Nguyễn Văn Chủ trì', title: 'Chủ tịch UBND huyện' },
			secretary: { name: 'Trần Thị Lan', title: 'Chuyên viên Văn phòng' },
			otherParticipants: 'Lãnh đạo các phòng chuyên môn',
		},
		attendance: [
			{ id: 'dong-thinh', unitId: 'dong-thinh', unitName: 'UBND xã Đồng Thịnh', present: true, firstJoinAt: '2026-12-03T01:00:00.000Z', lastLeaveAt: '2026-12-03T02:00:00.000Z', minutesAttended: 60, note: '' },
			{ id: 'bach-luu', unitId: 'bach-luu', unitName: 'UBND xã Bạch Lưu', present: true, firstJoinAt: '2026-12-03T01:02:00.000Z', lastLeaveAt: '2026-12-03T02:00:00.000Z', minutesAttended: 56, note: 'mất kết nối 1 lần' },
			{ id: 'yen-thach', unitId: 'yen-thach', unitName: 'UBND xã Yên Thạch', present: false, firstJoinAt: '', lastLeaveAt: '', minutesAttended: 0, note: 'vắng' },
			{ id: 'guest', unitId: null, unitName: 'Công an huyện', present: true, firstJoinAt: '', lastLeaveAt: '', minutesAttended: 0, note: '' },
		],
		agenda: [
			{
				id: 'item-1',
				title: 'Tình hình kinh tế - xã hội tháng 11',
				presenter: 'Phòng Tài chính - Kế hoạch',
				content: {
					type: 'doc',
					content: [
						{ type: 'paragraph', attrs: { machine: true, segmentId: 'seg-1' }, content: [text('Xã Đồng Thịnh (08:05): thu ngân sách đạt 92% kế hoạch.')] },
						{ type: 'paragraph', content: [text('Đồng chí '), text('Chủ tịch', [{ type: 'bold' }]), text(' nhấn mạnh: '), text('phải', [{ type: 'bold' }, { type: 'italic' }]), { type: 'hardBreak' }, text('hoàn thành', [{ type: 'underline' }])] },
						{ type: 'heading', attrs: { level: 3 }, content: [text('Ý kiến thảo luận')] },
						{
							type: 'bulletList',
							content: [
								{ type: 'listItem', content: [{ type: 'paragraph', content: [text('Giải ngân vốn đầu tư công')] }] },
								{ type: 'listItem', content: [{ type: 'paragraph', content: [text('Chuyển đổi số')] }] },
							],
						},
						{ type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [text('Mục ba')] }] }] },
						{ type: 'blockquote', content: [{ type: 'paragraph', content: [text('Trích dẫn')] }] },
					],
				},
			},
			{
				id: 'item-2',
				title: 'Công tác chuyển đổi số',
				presenter: '',
				content: {
					type: 'doc',
					content: [
						// Nothing of ours knows these: they must come back exactly.
						{ type: 'callout', attrs: { tone: 'warning', nested: { a: [1, 2] } }, content: [{ type: 'paragraph', content: [text('Lưu ý: '), text('đỏ', [{ type: 'textColor', attrs: { color: '#c00' } }])] }] },
						{ type: 'paragraph', content: [text('Hai ghi chú', [{ type: 'comment', attrs: { id: 'c1' } }, { type: 'comment', attrs: { id: 'c2' } }])] },
						{ type: 'signatureImage', attrs: { src: 'x.png' } },
					],
				},
			},
			{ id: 'item-3', title: 'Ý kiến các xã, thị trấn', presenter: '', content: { type: 'doc', content: [{ type: 'paragraph' }] } },
		],
		conclusions: { type: 'doc', content: [{ type: 'paragraph', attrs: { machine: true, segmentId: 'seg-9' }, content: [text('Kết luận: các xã hoàn thành thu ngân sách trước ngày 15/12.')] }] },
		tasks: [
			{ id: 'task-1', unitId: 'dong-thinh', unitName: 'UBND xã Đồng Thịnh', text: 'Hoàn thành thu ngân sách', deadline: '2026-12-15', agendaItemId: 'item-1', sourceSegmentId: 'seg-3', machine: true },
			{ id: 'task-2', unitId: null, unitName: 'Phòng Văn hóa', text: 'Báo cáo chuyển đổi số', deadline: '', agendaItemId: '', sourceSegmentId: null, machine: false },
		],
		signers: [
			{ role: 'secretary', title: 'THƯ KÝ', name: 'Trần Thị Lan' },
			{ role: 'chair', title: 'CHỦ TỌA', name: 'Nguyễn Văn Chủ trì' },
		],
		recipients: [
			{ id: 'r1', unitId: 'dong-thinh', name: 'UBND xã Đồng Thịnh' },
			{ id: 'r2', unitId: null, name: 'Thường trực Huyện ủy' },
		],
		archive: 'VT, Hồ sơ',
	};
}
