import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMinutesDraft, createDraftBuilder, loadDraftSource } from '../../../server/src/features/minutes/draft/index.ts';
import { NotFoundError } from '../../../server/src/lib/errors.ts';
import { MinutesContent } from '../../../shared/src/api/minutes.ts';
import { validateMinutes } from '../../../shared/src/minutes/minutes-validate.ts';
import { richPlainText } from '../../../shared/src/minutes/rich-text.ts';
import { seedAccounts } from '../../helpers/accounts.ts';
import { seedEndedMeeting, type EndedMeeting } from '../../helpers/ended-meeting.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

let running: RunningApp;
let meeting: EndedMeeting;

beforeAll(async () => {
	running = await startApp();
	await seedAccounts(running.app);
	meeting = await seedEndedMeeting(running.app);
}, 60_000);

afterAll(async () => {
	await running?.close();
});

describe('draft from a meeting in the database', () => {
	it('reads the meeting, its units, agenda, invitations, attendance and transcript', async () => {
		const source = await loadDraftSource(running.app.db, meeting.meetingId, { displayName: 'Trần Thị Lan' });
		expect(source.meeting).toMatchObject({ id: meeting.meetingId, title: 'Họp giao ban công tác tháng 11', location: 'Hội trường UBND huyện Sông Lô', startedAt: '2026-12-03T01:00:00.000Z', endedAt: '2026-12-03T02:00:00.000Z' });
		expect(source.hostUnit).toEqual({ id: 'song-lo', name: 'Huyện Sông Lô', authority: 'UBND HUYỆN SÔNG LÔ' });
		expect(source.parentUnit).toBeNull();
		expect(source.chairName).toBe('Chủ trì (Chủ tịch UBND huyện)');
		expect(source.secretaryName).toBe('Trần Thị Lan');
		expect(source.agenda.map((a) => [a.title, a.durationMinutes])).toEqual([
			['Tình hình kinh tế - xã hội tháng 11', 20],
			['Công tác chuyển đổi số', 20],
			['Ý kiến các xã, thị trấn', 20],
		]);
		expect(source.invited.map((u) => u.id).sort()).toEqual(['bach-luu', 'cao-phong', 'dong-thinh', 'tam-son', 'yen-thach']);
		expect(source.attendance).toHaveLength(12);
		expect(source.transcript.map((l) => l.id)).toEqual(Object.values(meeting.segmentIds));
		expect(source.otherUnits.map((u) => u.id)).toContain('quang-yen');
	});

	it('drafts minutes that fit the schema, from the stored meeting', async () => {
		const draft = await createDraftBuilder(running.app.db)(meeting.meetingId, { displayName: 'Trần Thị Lan' });
		expect(Value.Check(MinutesContent, draft)).toBe(true);
		expect(draft.header).toEqual({ parentBody: '', issuingBody: 'UBND HUYỆN SÔNG LÔ', symbol: 'BB-UBND', place: 'Sông Lô', date: '2026-12-03', summary: 'Họp giao ban công tác tháng 11' });
		expect(draft.attendance.map((a) => [a.unitId, a.present, a.note])).toEqual([
			['song-lo', true, ''],
			['bach-luu', true, 'Mất kết nối 1 lần'],
			['cao-phong', true, ''],
			['dong-thinh', true, ''],
			['tam-son', true, ''],
			['yen-thach', false, ''],
		]);
		expect(draft.session.onlinePoints).toBe('Trực tuyến đến 4 điểm cầu: xã Bạch Lưu, xã Cao Phong, xã Đồng Thịnh, thị trấn Tam Sơn.');
		expect(draft.signers).toEqual([
			{ role: 'secretary', title: 'THƯ KÝ', name: 'Trần Thị Lan' },
			{ role: 'chair', title: 'CHỦ TỌA', name: 'Chủ trì (Chủ tịch UBND huyện)' },
		]);
		expect(richPlainText(draft.agenda[0]!.content)).toContain('Xã Đồng Thịnh (08:12): Xã Đồng Thịnh đã hoàn thành thu hoạch lúa mùa.');
		expect(draft.conclusions.content?.[0]).toMatchObject({ attrs: { machine: true, segmentId: meeting.segmentIds['conclusion'] } });
		expect(draft.tasks.map((t) => [t.sourceSegmentId, t.unitId, t.deadline, t.agendaItemId])).toEqual([
			[meeting.segmentIds['task'], 'dong-thinh', '2026-12-15', draft.agenda[2]!.id],
			[meeting.segmentIds['task2'], 'tam-son', '2026-12-20', draft.agenda[2]!.id],
		]);
		expect(validateMinutes(draft)).toEqual([]);
		// Read again, the same JSON: nothing random, nothing from the clock.
		expect(JSON.stringify(await createDraftBuilder(running.app.db)(meeting.meetingId, { displayName: 'Trần Thị Lan' }))).toBe(JSON.stringify(draft));
	});

	it("uses the secretary's correction of a transcript line instead of the machine text", async () => {
		await running.app.db.transcriptSegment.update({ where: { id: meeting.segmentIds['dongthinh']! }, data: { text: 'Xã Đồng Thịnh đã thu hoạch xong 100% diện tích lúa mùa.' } });
		await running.app.db.transcriptSegment.update({ where: { id: meeting.segmentIds['task2']! }, data: { text: 'Giao thị trấn Tam Sơn lắp đặt camera trước ngày 22/12.' } });
		const draft = buildMinutesDraft(await loadDraftSource(running.app.db, meeting.meetingId, { displayName: 'Lan' }));
		const said = richPlainText(draft.agenda[0]!.content);
		expect(said).toContain('Xã Đồng Thịnh đã thu hoạch xong 100% diện tích lúa mùa.');
		expect(said).not.toContain('thu hoạch lúa mùa.');
		expect(draft.tasks.find((t) => t.sourceSegmentId === meeting.segmentIds['task2'])).toMatchObject({ unitId: 'tam-son', text: 'Lắp đặt camera', deadline: '2026-12-22' });
	});

	it('leaves out a withdrawn unit that never came and takes the parent body line', async () => {
		await running.app.db.invitation.updateMany({ where: { meetingId: meeting.meetingId, unitId: 'yen-thach' }, data: { revokedAt: new Date() } });
		const second = await seedEndedMeeting(running.app, { day: '2026-12-10', title: 'Họp giao ban tháng 12' });
		await running.app.db.unit.create({ data: { id: 'vinh-phuc', kind: 'province', name: 'Tỉnh Vĩnh Phúc', authority: 'UBND TỈNH VĨNH PHÚC' } });
		await running.app.db.unit.update({ where: { id: 'song-lo' }, data: { parentId: 'vinh-phuc' } });
		const first = buildMinutesDraft(await loadDraftSource(running.app.db, meeting.meetingId, { displayName: 'Lan' }));
		expect(first.attendance.map((a) => a.unitId)).not.toContain('yen-thach');
		expect(first.recipients.map((r) => r.unitId)).not.toContain('yen-thach');
		expect(first.header.parentBody).toBe('UBND TỈNH VĨNH PHÚC');
		const other = buildMinutesDraft(await loadDraftSource(running.app.db, second.meetingId, { displayName: 'Lan' }));
		expect(other.header).toMatchObject({ date: '2026-12-10', summary: 'Họp giao ban tháng 12' });
		expect(other.attendance.map((a) => a.unitId)).toContain('yen-thach');
	});

	it('refuses a meeting that does not exist with a coded 404 error', async () => {
		await expect(loadDraftSource(running.app.db, '00000000-0000-4000-8000-000000000000', { displayName: 'Lan' })).rejects.toBeInstanceOf(NotFoundError);
	});
});
