import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedAccounts, type Signed } from '../../helpers/accounts.ts';
import { startApp, type RunningApp } from '../../helpers/start-app.ts';

/** An iCalendar body with its folded lines joined again (RFC 5545 3.1). */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe('calendar export (.ics) of hostile text', () => {
	let running: RunningApp;
	let admin: Signed;
	let commune: Signed;
	let chairId = '';
	beforeAll(async () => {
		running = await startApp({ MEDIASOUP_WORKERS: '1' });
		const accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		commune = await login(running.app, accounts, 'dongthinh');
		chairId = (await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers })).json<{ id: string }[]>()[0]!.id;
	});
	afterAll(async () => {
		await running?.close();
	});

	const schedule = async (fields: { title: string; location?: string; agenda?: { title: string; presenter: string; durationMinutes: number }[] }) => {
		const response = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: admin.headers,
			payload: {
				description: '',
				location: '',
				startsAt: '2026-12-05T01:00:00.000Z',
				endsAt: '2026-12-05T02:00:00.000Z',
				chairId,
				agenda: [],
				invitedUnitIds: ['dong-thinh'],
				...fields,
			},
		});
		expect(response.statusCode, response.body).toBe(201);
		return response.json<{ meeting: { id: string } }>().meeting.id;
	};

	it('keeps CR, LF, CRLF and other controls from starting a property of their own', async () => {
		const id = await schedule({
			title: 'a\rX-INJECT:1',
			location: 'Hội trường\r\nX-LOCATION:2\nX-LF:3\u000bX-VT:4\u0085X-NEL:5\u2028X-LS:6',
			agenda: [{ title: 'Mục\r\nBEGIN:VALARM', presenter: 'Phòng\u0007 Nội vụ\u001b', durationMinutes: 10 }],
		});
		for (const url of [`/api/meetings/${id}/calendar.ics`, '/api/calendar.ics?from=2026-12-01T00:00:00.000Z']) {
			const response = await running.app.inject({ url, headers: commune.headers });
			expect(response.statusCode).toBe(200);
			// Only CRLF ends a line, every folded line starts with a space, and no control but those.
			// eslint-disable-next-line no-control-regex -- control characters are what is looked for
			expect(response.body.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/);
			const lines = unfold(response.body).split('\r\n');
			for (const name of ['X-INJECT', 'X-LOCATION', 'X-LF', 'X-VT', 'X-NEL', 'X-LS']) {
				expect(lines.some((line) => line.startsWith(name)), name).toBe(false);
			}
			expect(lines.filter((line) => line.startsWith('BEGIN:') && line !== 'BEGIN:VCALENDAR' && line !== 'BEGIN:VEVENT')).toEqual([]);
			expect(lines).toContain('SUMMARY:a\\nX-INJECT:1');
			expect(lines).toContain('LOCATION:Hội trường\\nX-LOCATION:2\\nX-LF:3X-VT:4\\nX-NEL:5\\nX-LS:6');
			expect(lines.find((line) => line.startsWith('DESCRIPTION:'))).toMatch(/^DESCRIPTION:.*Phòng Nội vụ/);
		}
	});

	it('folds long Vietnamese lines at 75 octets without splitting a character', async () => {
		const title = 'Hội nghị trực tuyến triển khai nhiệm vụ phát triển kinh tế – xã hội, quốc phòng – an ninh năm 2027 của huyện Sông Lô';
		const id = await schedule({ title });
		const response = await running.app.inject({ url: `/api/meetings/${id}/calendar.ics`, headers: commune.headers });
		const raw = response.rawPayload;
		// Every physical line is at most 75 octets and valid UTF-8 on its own.
		let start = 0;
		for (let end = raw.indexOf('\r\n'); end !== -1; start = end + 2, end = raw.indexOf('\r\n', start)) {
			const line = raw.subarray(start, end);
			expect(line.length).toBeLessThanOrEqual(75);
			expect(() => new TextDecoder('utf-8', { fatal: true }).decode(line)).not.toThrow();
		}
		expect(unfold(response.body)).toContain(`SUMMARY:${title.replace(/,/g, '\\,')}\r\n`);
	});
});
