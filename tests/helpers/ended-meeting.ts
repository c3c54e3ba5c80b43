import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Vietnam is UTC+7 all year: 08:00 there is 01:00 UTC. */
const VN = (day: string, time: string) => new Date(`${day}T${time}:00+07:00`);

export type EndedMeeting = { meetingId: string; segmentIds: Record<string, string> };

/**
 * A meeting of the demo district that took place (as the recorder and transcription leave it):
 * three agenda items, five communes invited (one absent, one dropped and came back), and transcript
 * lines from the hall and the communes, among them a conclusion and tasks with deadlines. Written
 * straight into the database: the live conference is tested elsewhere.
 */
export async function seedEndedMeeting(app: FastifyInstance, options: { day?: string; title?: string } = {}): Promise<EndedMeeting> {
	const day = options.day ?? '2026-12-03';
	const db = app.db;
	const chair = await db.user.findUniqueOrThrow({ where: { username: 'chutri' } });
	const creator = await db.user.findUniqueOrThrow({ where: { username: 'admin' } });
	const startedAt = VN(day, '08:00');
	const endedAt = VN(day, '09:00');
	const meeting = await db.meeting.create({
		data: {
			title: options.title ?? 'Họp giao ban công tác tháng 11',
			description: 'Giao ban trực tuyến với các xã, thị trấn',
			location: 'Hội trường UBND huyện Sông Lô',
			hostUnitId: 'song-lo',
			chairId: chair.id,
			createdById: creator.id,
			startsAt: startedAt,
			endsAt: endedAt,
			startedAt,
			endedAt,
			status: 'ended',
			agendaItems: {
				create: [
					{ position: 0, title: 'Tình hình kinh tế - xã hội tháng 11', presenter: 'Phòng Tài chính - Kế hoạch', durationMinutes: 20 },
					{ position: 1, title: 'Công tác chuyển đổi số', presenter: 'Phòng Văn hóa và Thông tin', durationMinutes: 20 },
					{ position: 2, title: 'Ý kiến các xã, thị trấn', presenter: '', durationMinutes: 20 },
				],
			},
			invitations: {
				create: ['dong-thinh', 'tam-son', 'bach-luu', 'cao-phong', 'yen-thach'].map((unitId) => ({ unitId, tokenHash: randomUUID(), expiresAt: endedAt })),
			},
		},
	});
	const at = (minute: number, second = 0) => new Date(startedAt.getTime() + minute * 60_000 + second * 1000);
	const attendance: [string, 'join' | 'leave', number, string?][] = [
		['song-lo', 'join', 0],
		['dong-thinh', 'join', 0],
		['tam-son', 'join', 1],
		['bach-luu', 'join', 2],
		['bach-luu', 'leave', 25, 'disconnected'],
		['bach-luu', 'join', 27],
		['cao-phong', 'join', 3],
		['song-lo', 'leave', 60, 'ended'],
		['dong-thinh', 'leave', 60, 'ended'],
		['tam-son', 'leave', 60, 'ended'],
		['bach-luu', 'leave', 60, 'ended'],
		['cao-phong', 'leave', 60, 'ended'],
	];
	await db.attendanceEvent.createMany({
		data: attendance.map(([unitId, kind, minute, reason]) => ({ meetingId: meeting.id, unitId, kind, reason: reason ?? (kind === 'leave' ? 'left' : ''), at: at(minute) })),
	});
	const lines: [key: string, unitId: string, minute: number, text: string][] = [
		['open', 'song-lo', 1, 'Hôm nay chúng ta họp giao ban Sông Lô để đánh giá tình hình tháng 11.'],
		['econ', 'song-lo', 5, 'Tổng thu ngân sách tháng 11 đạt chín mươi phần trăm kế hoạch.'],
		['dongthinh', 'dong-thinh', 12, 'Xã Đồng Thịnh đã hoàn thành thu hoạch lúa mùa.'],
		['digital', 'song-lo', 25, 'Công tác chuyển đổi số cần đẩy nhanh ở cấp xã.'],
		['tamson', 'tam-son', 33, 'Thị trấn Tam Sơn đề xuất bổ sung kinh phí cho hệ thống camera.'],
		['conclusion', 'song-lo', 50, 'Kết luận: các xã tập trung hoàn thành kế hoạch thu ngân sách năm 2026.'],
		['task', 'song-lo', 52, 'Giao UBND xã Đồng Thịnh hoàn thành báo cáo chuyển đổi số trước ngày 15/12/2026.'],
		['task2', 'song-lo', 54, 'Yeu cau thi tran Tam Son hoan thanh lap dat camera truoc ngay 20 thang 12.'],
	];
	const segmentIds: Record<string, string> = {};
	for (const [key, unitId, minute, text] of lines) {
		const row = await db.transcriptSegment.create({
			data: { meetingId: meeting.id, unitId, regionKey: `${meeting.id}:${key}`, position: 0, startMs: minute * 60_000, endMs: minute * 60_000 + 8000, machineText: text, confidence: 0.9 },
		});
		segmentIds[key] = row.id;
	}
	return { meetingId: meeting.id, segmentIds };
}
