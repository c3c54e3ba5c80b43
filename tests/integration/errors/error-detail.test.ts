import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conferenceFixture } from '../../helpers/conference-fixture.ts';
import { ask, startApp, type RunningApp } from '../../helpers/start-app.ts';

type ErrorBody = { code: string; message: string; reason?: string; field?: string };
type Failed = { ok: false; error: ErrorBody };

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
	const boundary = '----giaoban-error-boundary';
	const payload = Buffer.concat([
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
		content,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	]);
	return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * HTTP error bodies and socket acks carry the machine-readable `reason` and `field` a client shows
 * in its user's language, beside the English message kept for logs and API users.
 */
describe('error reason and field', () => {
	let running: RunningApp;
	let f: Awaited<ReturnType<typeof conferenceFixture>>;
	let chairId = '';

	const meetingInput = (changes: Record<string, unknown>) => ({
		title: 'Giao ban tháng',
		description: '',
		location: '',
		startsAt: '2027-01-14T01:00:00.000Z',
		endsAt: '2027-01-14T03:00:00.000Z',
		chairId,
		agenda: [],
		invitedUnitIds: ['dong-thinh'],
		...changes,
	});
	const schedule = (changes: Record<string, unknown>) => running.app.inject({ method: 'POST', url: '/api/meetings', headers: f.admin, payload: meetingInput(changes) });

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri']);
		chairId = (await running.app.inject({ url: '/api/accounts/chairs', headers: f.admin })).json<{ id: string }[]>()[0]!.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	it('room:join with an expired link: link_invalid in the ack, the English message kept', async () => {
		const meeting = await f.schedule(['hai-luu'], { startsAt: new Date(Date.now() - 3 * 86400_000), endsAt: new Date(Date.now() - 3 * 86400_000 + 3600_000) });
		const commune = await running.connect();
		const ack = await ask<Failed>(commune, 'room:join', { invitationToken: meeting.links.get('hai-luu')! });
		expect(ack.ok).toBe(false);
		expect(ack.error).toMatchObject({ code: 'forbidden', reason: 'link_invalid' });
		expect(ack.error.message).toMatch(/join link is not valid/);
		commune.disconnect();
	});

	it('room:join of an ended meeting: meeting_ended', async () => {
		const meeting = await f.schedule(['hai-luu']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		expect((await ask<{ ok: boolean }>(chair, 'chair:end', {})).ok).toBe(true);
		await expect.poll(async () => (await f.meeting(meeting.id)).status, { timeout: 10000 }).toBe('ended');
		const commune = await running.connect();
		const ack = await ask<Failed>(commune, 'room:join', { invitationToken: meeting.links.get('hai-luu')! });
		expect(ack.error).toMatchObject({ code: 'invalid_state', reason: 'meeting_ended' });
		chair.disconnect();
		commune.disconnect();
	});

	it('a socket payload the schema refuses names its field', async () => {
		const commune = await running.connect();
		const ack = await ask<Failed>(commune, 'room:join', { meetingId: 'not-a-uuid' });
		expect(ack.error).toMatchObject({ code: 'invalid_payload', field: 'meetingId' });
		expect(ack.error.reason).toBeUndefined();
		commune.disconnect();
	});

	it('scheduling an end before the start: field endsAt, reason ends_before_start; nothing stored', async () => {
		const before = (await running.app.inject({ url: '/api/meetings?from=2027-01-01T00:00:00.000Z&to=2027-01-31T00:00:00.000Z', headers: f.admin })).json<unknown[]>();
		const response = await schedule({ title: 'Sai giờ', endsAt: '2027-01-14T00:30:00.000Z' });
		expect(response.statusCode).toBe(400);
		expect(response.json<ErrorBody>()).toEqual({ code: 'invalid_payload', message: 'endsAt must be after startsAt', reason: 'ends_before_start', field: 'endsAt' });
		const after = (await running.app.inject({ url: '/api/meetings?from=2027-01-01T00:00:00.000Z&to=2027-01-31T00:00:00.000Z', headers: f.admin })).json<unknown[]>();
		expect(after).toHaveLength(before.length);
	});

	it('the other schedule checks name their field too', async () => {
		expect((await schedule({ title: '   ' })).json<ErrorBody>()).toMatchObject({ reason: 'title_blank', field: 'title' });
		expect((await schedule({ endsAt: '2027-01-15T03:00:00.000Z' })).json<ErrorBody>()).toMatchObject({ reason: 'meeting_too_long', field: 'endsAt' });
		expect((await schedule({ startsAt: '1999-12-03T01:00:00.000Z' })).json<ErrorBody>()).toMatchObject({ reason: 'date_out_of_range', field: 'startsAt' });
		expect((await schedule({ agenda: [{ title: 'Mục 1', presenter: '', durationMinutes: 10 }, { title: ' ', presenter: '', durationMinutes: 10 }] })).json<ErrorBody>()).toMatchObject({
			reason: 'title_blank',
			field: 'agenda/1/title',
		});
	});

	it('a body the HTTP schema refuses names the failing input (format, missing property)', async () => {
		const badFormat = await schedule({ endsAt: 'tomorrow' });
		expect(badFormat.statusCode).toBe(400);
		expect(badFormat.json<ErrorBody>()).toMatchObject({ code: 'invalid_payload', field: 'endsAt' });
		const { title: _title, ...withoutTitle } = meetingInput({});
		const missing = await running.app.inject({ method: 'POST', url: '/api/meetings', headers: f.admin, payload: withoutTitle });
		expect(missing.statusCode).toBe(400);
		expect(missing.json<ErrorBody>()).toMatchObject({ code: 'invalid_payload', field: 'title' });
	});

	it('a wrong password at sign-in: wrong_credentials; a wrong current password: wrong_password on currentPassword', async () => {
		const response = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'not the password' }, remoteAddress: '10.9.8.7' });
		expect(response.statusCode).toBe(401);
		expect(response.json<ErrorBody>()).toEqual({ code: 'unauthorized', message: 'Wrong username or password', reason: 'wrong_credentials' });
		const change = await running.app.inject({
			method: 'POST',
			url: '/api/auth/password',
			headers: f.admin,
			payload: { currentPassword: 'not the password', newPassword: 'a new long password' },
		});
		expect(change.statusCode).toBe(403);
		expect(change.json<ErrorBody>()).toMatchObject({ code: 'forbidden', reason: 'wrong_password', field: 'currentPassword' });
	});

	it('a document of a refused type: file_type_not_accepted on field file; an empty one: file_empty', async () => {
		const meeting = await f.schedule(['hai-luu'], { startsAt: new Date(Date.now() + 86400_000) });
		const send = (name: string, content: Buffer) => {
			const body = multipart(name, content);
			return running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/attachments`, headers: { ...f.admin, ...body.headers }, payload: body.payload });
		};
		const exe = await send('setup.exe', Buffer.from('MZ\x90\x00 program'));
		expect(exe.statusCode).toBe(400);
		expect(exe.json<ErrorBody>()).toMatchObject({ code: 'invalid_payload', reason: 'file_type_not_accepted', field: 'file' });
		expect((await send('empty.pdf', Buffer.alloc(0))).json<ErrorBody>()).toMatchObject({ reason: 'file_empty', field: 'file' });
	});

	it('switching the recording of a live meeting: meeting_live on recordingEnabled; cancelling it: meeting_live', async () => {
		const meeting = await f.schedule(['hai-luu']);
		const chair = await f.as('chutri');
		await f.join(chair, { meetingId: meeting.id });
		const detail = (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: f.admin })).json<{ status: string; startsAt: string; endsAt: string }>();
		expect(detail.status).toBe('live');
		const response = await running.app.inject({
			method: 'PUT',
			url: `/api/meetings/${meeting.id}`,
			headers: f.admin,
			payload: meetingInput({ startsAt: detail.startsAt, endsAt: detail.endsAt, invitedUnitIds: ['hai-luu'], recordingEnabled: true }),
		});
		expect(response.statusCode).toBe(409);
		expect(response.json<ErrorBody>()).toMatchObject({ code: 'invalid_state', reason: 'meeting_live', field: 'recordingEnabled' });
		const cancel = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/cancel`, headers: f.admin });
		expect(cancel.statusCode).toBe(409);
		expect(cancel.json<ErrorBody>()).toMatchObject({ code: 'invalid_state', reason: 'meeting_live' });
		chair.disconnect();
	});
});
