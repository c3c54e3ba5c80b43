import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsVi } from '../../client/src/i18n/areas/errors.ts';
import { vi as viCatalog } from '../../client/src/i18n/vi.ts';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts, type Signed } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { signIn } from '../helpers/room-pages.ts';
import { ask, startApp, type RunningApp } from '../helpers/start-app.ts';

type ErrorBody = { code: string; message: string; reason?: string; field?: string };

/**
 * English fragments of the server's messages: none may reach a Vietnamese screen, whatever the
 * exact message (the tests also compare with the message the server actually sent).
 */
const ENGLISH = [/must be/i, /\bThe meeting\b/, /not valid/i, /Wrong username/i, /\bjoin link\b/i, /Not an accepted/i, /\bconnected\b/, /Có lỗi:/];

/**
 * The user-facing errors, triggered from the screens in Chromium with the Vietnamese interface:
 * each shows the Vietnamese sentence for its reason, and never the English message the server sent
 * (which stays in the API for logs and API users).
 */
describe('errors in Vietnamese', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	let admin: Signed;
	let chairId = '';
	let page: Page;
	const files = mkdtempSync(join(tmpdir(), 'giaoban-errors-'));

	/** Schedules through the API (not the form under test); returns the meeting id and the link token per unit. */
	async function schedule(title: string, startsAt: Date, endsAt: Date, invitedUnitIds: string[]): Promise<{ id: string; tokens: Map<string, string> }> {
		const response = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: { ...admin.headers, host: new URL(running.url).host },
			payload: { title, description: '', location: '', startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), chairId, agenda: [], invitedUnitIds },
		});
		expect(response.statusCode, response.body).toBe(201);
		const body = response.json<{ meeting: { id: string }; joinLinks: { unitId: string; url: string }[] }>();
		return { id: body.meeting.id, tokens: new Map(body.joinLinks.map((l) => [l.unitId, l.url.split('/join/')[1]!])) };
	}

	/** The page's visible text holds none of these server messages and no English fragment. */
	async function expectNoEnglish(serverMessages: string[]): Promise<void> {
		const text = await page.evaluate(() => document.body.innerText);
		expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
		for (const message of serverMessages) {
			expect(message.length).toBeGreaterThan(5);
			expect(text, `server message "${message}" shown`).not.toContain(message);
		}
		for (const fragment of ENGLISH) {
			expect(text, `English ${fragment} shown`).not.toMatch(fragment);
		}
	}

	/** Sets a controlled input's value as typing would (datetime-local takes no typed text reliably). */
	async function setValue(selector: string, value: string): Promise<void> {
		await page.$eval(
			selector,
			(el, v) => {
				// React tracks the value it set: only the prototype's setter makes the change visible to onChange.
				Reflect.set(HTMLInputElement.prototype, 'value', v, el);
				el.dispatchEvent(new Event('input', { bubbles: true }));
			},
			value
		);
	}

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		chairId = (await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers })).json<{ id: string }[]>()[0]!.id;
		chromium = await launchBrowser();
		page = await (await chromium.browser.createBrowserContext()).newPage();
		await page.setViewport({ width: 1280, height: 720 });
		await page.goto(running.url, { waitUntil: 'networkidle0' });
		// Vietnamese is the default; set it anyway, so that an earlier choice cannot make this pass in English.
		await page.evaluate(() => localStorage.setItem('giaoban.locale', 'vi'));
	}, 90000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
			rmSync(files, { recursive: true, force: true });
		}
	});

	it('a wrong password at sign-in', async () => {
		const api = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'sai mật khẩu' }, remoteAddress: '10.1.2.3' });
		expect(api.json<ErrorBody>().reason).toBe('wrong_credentials');
		await page.goto(running.url, { waitUntil: 'networkidle0' });
		await page.type('input[name=username]', 'admin');
		await page.type('input[name=password]', 'sai mật khẩu');
		await page.click('form button[type=submit]');
		const alert = await page.waitForSelector('form [role=alert]');
		expect(await alert!.evaluate((el) => el.textContent)).toBe(viCatalog['login.failed']);
		await expectNoEnglish([api.json<ErrorBody>().message]);
	});

	it('the connection check says its state in Vietnamese ("Kết nối: đã kết nối", not "connected")', async () => {
		await page.goto(running.url, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=check-start]:not([disabled])', { timeout: 15000 });
		await page.click('[data-testid=check-start]');
		await page.waitForFunction(() => document.querySelector('[data-stat=connection]')?.textContent === 'đã kết nối', { timeout: 30000 });
		await expectNoEnglish([]);
		await page.click('[data-testid=check-stop]');
	});

	it('an expired join link: the Vietnamese reason, before any camera', async () => {
		const past = Date.now() - 3 * 86400_000;
		const meeting = await schedule('Giao ban đã qua', new Date(past), new Date(past + 3600_000), ['hai-luu']);
		const token = meeting.tokens.get('hai-luu')!;
		const api = await running.app.inject({ url: `/api/join/${token}` });
		expect(api.json<ErrorBody>().reason).toBe('link_invalid');
		const socket = await running.connect();
		const ack = await ask<{ ok: false; error: ErrorBody }>(socket, 'room:join', { invitationToken: token });
		socket.disconnect();
		expect(ack.error.reason).toBe('link_invalid');

		await page.goto(`${running.url}/join/${token}`, { waitUntil: 'networkidle0' });
		const refused = await page.waitForSelector('[data-testid=join-refused]', { timeout: 15000 });
		expect(await refused!.evaluate((el) => el.getAttribute('data-reason'))).toBe('link_invalid');
		expect(await refused!.evaluate((el) => (el as HTMLElement).innerText)).toContain(errorsVi['errors.reason.link_invalid']);
		await expectNoEnglish([api.json<ErrorBody>().message, ack.error.message]);
	});

	it('a renewed (revoked) join link', async () => {
		const meeting = await schedule('Giao ban cấp lại đường dẫn', new Date(Date.now() + 3600_000), new Date(Date.now() + 7200_000), ['dong-thinh']);
		const old = meeting.tokens.get('dong-thinh')!;
		const renewed = await running.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/invitations/dong-thinh/link`, headers: admin.headers });
		expect(renewed.statusCode, renewed.body).toBe(200);
		const api = await running.app.inject({ url: `/api/join/${old}` });
		await page.goto(`${running.url}/join/${old}`, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=join-refused][data-reason=link_invalid]', { timeout: 15000 });
		expect(await page.evaluate(() => document.body.innerText)).toContain(errorsVi['errors.reason.link_invalid']);
		await expectNoEnglish([api.json<ErrorBody>().message]);
	});

	it('a join link to a meeting that has ended', async () => {
		const meeting = await schedule('Giao ban đã kết thúc', new Date(), new Date(Date.now() + 3600_000), ['hai-luu']);
		const chair = await login(running.app, accounts, 'chutri');
		const socket = await running.connect(undefined, { cookie: chair.cookie });
		expect((await ask<{ ok: boolean }>(socket, 'room:join', { meetingId: meeting.id })).ok).toBe(true);
		expect((await ask<{ ok: boolean }>(socket, 'chair:end', {})).ok).toBe(true);
		socket.disconnect();
		await expect
			.poll(async () => (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: admin.headers })).json<{ status: string }>().status, { timeout: 10000 })
			.toBe('ended');
		const token = meeting.tokens.get('hai-luu')!;
		const api = await running.app.inject({ url: `/api/join/${token}` });
		expect(api.json<ErrorBody>().reason).toBe('meeting_ended');
		const anonymous = await running.connect();
		const ack = await ask<{ ok: false; error: ErrorBody }>(anonymous, 'room:join', { invitationToken: token });
		anonymous.disconnect();
		expect(ack.error.reason).toBe('meeting_ended');

		await page.goto(`${running.url}/join/${token}`, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=join-refused][data-reason=meeting_ended]', { timeout: 15000 });
		expect(await page.evaluate(() => document.body.innerText)).toContain(errorsVi['errors.reason.meeting_ended']);
		await expectNoEnglish([api.json<ErrorBody>().message, ack.error.message]);
	});

	it('the meeting form: end before start beside "Kết thúc", a year out of range from the server beside "Bắt đầu"; nothing stored', async () => {
		await signIn(page, running.url, 'admin', accounts.get('admin')!.password);
		const listed = async () => (await running.app.inject({ url: '/api/meetings?from=2000-01-01T00:00:00.000Z&to=2031-01-01T00:00:00.000Z', headers: admin.headers })).json<unknown[]>().length;
		const before = await listed();
		await page.goto(`${running.url}/meetings/new`, { waitUntil: 'networkidle0' });
		await page.waitForSelector('input[name=invited][value=hai-luu]');
		await page.type('input[name=title]', 'Giao ban giờ sai');
		await page.click('input[name=invited][value=hai-luu]');
		await setValue('input[name=startsAt]', '2027-03-10T14:00');
		await setValue('input[name=endsAt]', '2027-03-10T13:00');
		await page.click('form button[type=submit]');

		// Beside its field, inside the label that says "Kết thúc", and the focus on that field.
		const endError = await page.waitForSelector('[data-testid=field-error-endsAt]');
		expect(await endError!.evaluate((el) => el.textContent)).toBe(errorsVi['errors.reason.ends_before_start']);
		expect(await endError!.evaluate((el) => el.closest('label')?.firstChild?.textContent)).toBe(viCatalog['schedule.end']);
		expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('endsAt');
		expect(await page.$eval('input[name=endsAt]', (el) => el.getAttribute('aria-invalid'))).toBe('true');
		const serverSays = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: admin.headers,
			payload: { title: 'x', description: '', location: '', startsAt: '2027-03-10T07:00:00.000Z', endsAt: '2027-03-10T06:00:00.000Z', chairId, agenda: [], invitedUnitIds: [] },
		});
		expect(serverSays.json<ErrorBody>()).toMatchObject({ reason: 'ends_before_start', field: 'endsAt' });
		await expectNoEnglish([serverSays.json<ErrorBody>().message]);

		// Fixed, the end's message goes; a start in 1999 only the server refuses: its field comes back beside "Bắt đầu".
		await setValue('input[name=endsAt]', '1999-03-10T15:00');
		await setValue('input[name=startsAt]', '1999-03-10T14:00');
		await page.waitForSelector('[data-testid=field-error-endsAt]', { hidden: true, timeout: 10000 });
		await page.click('form button[type=submit]');
		const startError = await page.waitForSelector('[data-testid=field-error-startsAt]');
		expect(await startError!.evaluate((el) => el.textContent)).toBe(errorsVi['errors.reason.date_out_of_range']);
		expect(await startError!.evaluate((el) => el.closest('label')?.firstChild?.textContent)).toBe(viCatalog['schedule.start']);
		expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('startsAt');
		const outOfRange = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: admin.headers,
			payload: { title: 'x', description: '', location: '', startsAt: '1999-03-10T07:00:00.000Z', endsAt: '1999-03-10T08:00:00.000Z', chairId, agenda: [], invitedUnitIds: [] },
		});
		expect(outOfRange.json<ErrorBody>()).toMatchObject({ reason: 'date_out_of_range', field: 'startsAt' });
		await expectNoEnglish([outOfRange.json<ErrorBody>().message]);
		// Still on the form with what was typed; nothing was stored.
		expect(await page.$eval('input[name=title]', (el) => el.value)).toBe('Giao ban giờ sai');
		expect(await listed()).toBe(before);
	});

	it('a document of a forbidden type on the meeting page: a Vietnamese message, the page kept', async () => {
		const meeting = await schedule('Giao ban có tài liệu', new Date(Date.now() + 86400_000), new Date(Date.now() + 90000_000), ['hai-luu']);
		const exe = join(files, 'setup.exe');
		writeFileSync(exe, Buffer.from('MZ\x90\x00 this is a program'));
		await page.goto(`${running.url}/meetings/${meeting.id}`, { waitUntil: 'networkidle0' });
		const input = await page.waitForSelector('input[type=file][name=document]');
		await (input as unknown as { uploadFile: (path: string) => Promise<void> }).uploadFile(exe);
		await page.waitForSelector('[data-testid=attachments-message][data-kind=error]', { timeout: 15000 });
		const shown = await page.$eval('[data-testid=attachments-message]', (el) => el.textContent ?? '');
		expect(shown).toContain('setup.exe');
		// The meeting page is still there around the message.
		expect(await page.evaluate(() => document.body.innerText)).toContain('Giao ban có tài liệu');
		const boundary = '----e2e';
		const api = await running.app.inject({
			method: 'POST',
			url: `/api/meetings/${meeting.id}/attachments`,
			headers: { ...admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
			payload: Buffer.concat([
				Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="setup.exe"\r\nContent-Type: application/octet-stream\r\n\r\n`),
				Buffer.from('MZ\x90\x00 this is a program'),
				Buffer.from(`\r\n--${boundary}--\r\n`),
			]),
		});
		expect(api.json<ErrorBody>()).toMatchObject({ reason: 'file_type_not_accepted', field: 'file' });
		await expectNoEnglish([api.json<ErrorBody>().message]);
	});
});
