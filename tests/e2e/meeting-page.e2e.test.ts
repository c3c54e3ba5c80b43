import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { conferenceFixture, type Ack } from '../helpers/conference-fixture.ts';
import { signIn, until } from '../helpers/room-pages.ts';
import { ask, startApp, type RunningApp, type TestClient } from '../helpers/start-app.ts';

type Fixture = Awaited<ReturnType<typeof conferenceFixture>>;

/** Whole minutes are rounded: a site in the room this long counts at least one. */
const ONE_MINUTE_ROUNDED_MS = 31_000;

/**
 * The meetings list and the meeting page in Chromium, against the real server: the list grouped by
 * day with "Vào họp ngay", the roll call following a live meeting and after it (table and CSV), the
 * action log for the secretary, join links to copy and print, the confirmations of destructive
 * actions, and a rejected upload that keeps the page.
 */
describe('the meetings list and the meeting page', () => {
	let running: RunningApp;
	let f: Fixture;
	let chromium: TestBrowser;
	const contexts: BrowserContext[] = [];
	const sockets: TestClient[] = [];
	let admin: Page;
	let secretary: Page;
	let commune: Page;
	/** The admin's second tab, left open on the live meeting's page while the admin works elsewhere. */
	let watcher: Page;
	let files: string;
	/** The meeting of the roll-call tests: live with the chair and Hải Lựu in it, Đồng Thịnh absent. */
	let live: { id: string; chair: TestClient; haiLuu: TestClient; joinedAt: number } | null = null;

	beforeAll(async () => {
		running = await startApp();
		f = await conferenceFixture(running, ['chutri']);
		chromium = await launchBrowser();
		for (let i = 0; i < 3; i += 1) {
			contexts.push(await chromium.browser.createBrowserContext());
		}
		const pages = await Promise.all(contexts.map((c) => c.newPage()));
		[admin, secretary, commune] = [pages[0]!, pages[1]!, pages[2]!];
		await contexts[0]!.overridePermissions(running.url, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
		await signIn(admin, running.url, 'admin', f.accounts.get('admin')!.password);
		await signIn(secretary, running.url, 'thuky', f.accounts.get('thuky')!.password);
		await signIn(commune, running.url, 'dongthinh', f.accounts.get('dongthinh')!.password);
		// Opened after signing in: a second tab of the context would leave the first one in the background.
		watcher = await contexts[0]!.newPage();
		await admin.bringToFront();
		files = mkdtempSync(join(tmpdir(), 'giaoban-docs-'));
	}, 90000);

	afterAll(async () => {
		for (const socket of sockets) {
			socket.disconnect();
		}
		try {
			await chromium?.close();
		} finally {
			await running?.close();
			if (files) {
				rmSync(files, { recursive: true, force: true });
			}
		}
	});

	async function socketOf(username: string | null): Promise<TestClient> {
		const socket = username ? await running.connect(undefined, { cookie: f.signed.get(username)!.cookie }) : await running.connect();
		sockets.push(socket);
		return socket;
	}

	async function meetingPage(page: Page, id: string): Promise<void> {
		await page.goto(`${running.url}/meetings/${id}`, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=meeting-page]');
	}

	const text = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? '');

	/** The action codes logged for a meeting, as the API lists them. */
	async function loggedActions(id: string): Promise<string[]> {
		const response = await running.app.inject({ url: `/api/meetings/${id}/actions`, headers: f.admin });
		return response.json<{ action: string }[]>().map((a) => a.action);
	}

	async function statusOf(id: string): Promise<string> {
		return (await f.meeting(id)).status;
	}

	/** Answers the confirmation dialog that the last click opened; returns its message. */
	/** `choice`: 'cancel' (the dialog's own "Hủy") or the test id of a choice. */
	async function answer(page: Page, choice: string): Promise<string> {
		await page.waitForSelector('[data-testid=confirm-dialog][open]');
		const message = await text(page, '#confirm-message');
		await page.click(choice === 'cancel' ? '[data-testid=confirm-cancel]' : `[data-testid=${choice}]`);
		await page.waitForSelector('[data-testid=confirm-dialog]:not([open])');
		return message;
	}

	/** The roll-call row of a unit, by name: [present?, cells by data-cell]. */
	async function rollCallRow(page: Page, unitName: string): Promise<{ present: string | null; cells: Record<string, string> }> {
		return page.$eval(`[data-testid=roll-call] tr[data-unit="${unitName}"]`, (row) => ({
			present: row.getAttribute('data-present'),
			cells: Object.fromEntries([...row.querySelectorAll('td[data-cell]')].map((td): [string, string] => [td.getAttribute('data-cell') ?? '', td.textContent ?? ''])),
		}));
	}

	/** The chair and Hải Lựu (by its link) in a live meeting for Đồng Thịnh and Hải Lựu, the admin's page open on it. */
	async function liveMeeting(): Promise<NonNullable<typeof live>> {
		if (live) {
			return live;
		}
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		// A tab in the background gets no animation frames, which puppeteer's waits poll on.
		await watcher.bringToFront();
		await meetingPage(watcher, meeting.id);
		expect(await watcher.$('[data-testid=roll-call]')).toBeNull();
		const chair = await socketOf('chutri');
		expect((await ask<Ack>(chair, 'room:join', { meetingId: meeting.id })).ok).toBe(true);
		// The page follows the meeting by itself: it turns live and shows the roll call.
		await watcher.waitForSelector('[data-testid=meeting-page][data-status=live]', { timeout: 20000 });
		await watcher.waitForSelector('[data-testid=roll-call] tr[data-unit="Xã Hải Lựu"][data-present=false]', { timeout: 20000 });
		const haiLuu = await socketOf(null);
		const joined = await ask<Ack<{ status: string }>>(haiLuu, 'room:join', { invitationToken: meeting.links.get('hai-luu') });
		expect(joined.ok, JSON.stringify(joined.error)).toBe(true);
		expect(joined.data.status).toBe('joined');
		live = { id: meeting.id, chair, haiLuu, joinedAt: Date.now() };
		return live;
	}

	it('groups the list by day and gives a signed-in commune "Vào họp ngay" for today’s meeting', async () => {
		const today = await f.schedule(['dong-thinh', 'hai-luu']);
		const tomorrowStart = new Date(Date.now() + 86_400_000);
		tomorrowStart.setHours(9, 0, 0, 0);
		const tomorrow = await f.schedule(['dong-thinh'], { startsAt: tomorrowStart });

		await commune.goto(running.url, { waitUntil: 'networkidle0' });
		await commune.waitForSelector(`[data-testid=meeting-list] li[data-meeting="${tomorrow.id}"]`);
		const groupOf = (id: string) => commune.$eval(`li[data-meeting="${id}"]`, (li) => li.closest('[data-group]')?.getAttribute('data-group'));
		expect(await groupOf(today.id)).toBe('today');
		expect(await groupOf(tomorrow.id)).toBe('upcoming');
		expect(await text(commune, '[data-group=today] h3')).toBe('Hôm nay');
		expect(await text(commune, '[data-group=upcoming] h3')).toBe('Sắp tới');
		// Dates as staff write them: the day of an upcoming meeting as 03/12/2026, times as 09:00.
		const day = `${String(tomorrowStart.getDate()).padStart(2, '0')}/${String(tomorrowStart.getMonth() + 1).padStart(2, '0')}/${tomorrowStart.getFullYear()}`;
		expect(await text(commune, `li[data-meeting="${tomorrow.id}"] .when`)).toContain(`09:00 – 10:00, ${day}`);
		expect(await commune.$(`li[data-meeting="${tomorrow.id}"] [data-testid=join-now]`)).toBeNull();

		const join = (await commune.$(`li[data-meeting="${today.id}"] [data-testid=join-now]`))!;
		expect(join).not.toBeNull();
		expect(await join.evaluate((a) => a.textContent)).toBe('Vào họp ngay');
		await join.click();
		await until(() => new URL(commune.url()).pathname === `/meetings/${today.id}/room`, 10000, 'the room page');
	});

	it('follows a live meeting by itself: a site that joins shows as present in the roll call', async () => {
		const m = await liveMeeting();
		await watcher.bringToFront();
		await watcher.waitForSelector('[data-testid=roll-call] tr[data-unit="Xã Hải Lựu"][data-present=true]', { timeout: 20000 });
		const haiLuu = await rollCallRow(watcher, 'Xã Hải Lựu');
		expect(haiLuu.cells['state']).toBe('Có mặt');
		expect(haiLuu.cells['first-joined']).toMatch(/^\d{2}:\d{2}$/);
		expect(haiLuu.cells['last-left']).toBe('Đang trong phòng');
		expect((await rollCallRow(watcher, 'Xã Đồng Thịnh')).cells['state']).toBe('Vắng');
		expect(await statusOf(m.id)).toBe('live');
	});

	it('asks before renewing a link, then offers the links to copy one by one, all at once and printed', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		await admin.bringToFront();
		await meetingPage(admin, meeting.id);
		// Scheduled through the API: this tab never saw the links, and says so.
		await admin.waitForSelector('[data-testid=links-only-once]');
		expect(await admin.$$eval('[data-testid=join-links] li', (items) => items.map((li) => [li.getAttribute('data-unit'), li.getAttribute('data-has-link')]))).toEqual([
			['dong-thinh', 'false'],
			['hai-luu', 'false'],
		]);

		await admin.click('li[data-unit=dong-thinh] [data-testid=renew-link]');
		expect(await answer(admin, 'cancel')).toContain('Đường dẫn cũ của Xã Đồng Thịnh sẽ không dùng được nữa');
		expect(await admin.$('li[data-unit=dong-thinh] input')).toBeNull();
		expect(await loggedActions(meeting.id)).not.toContain('invitation.renewed');

		for (const unit of ['dong-thinh', 'hai-luu']) {
			await admin.click(`li[data-unit=${unit}] [data-testid=renew-link]`);
			await answer(admin, 'confirm-renew-link');
			await admin.waitForSelector(`li[data-unit=${unit}] input`);
		}
		expect((await loggedActions(meeting.id)).filter((a) => a === 'invitation.renewed')).toHaveLength(2);

		// A reload in the same tab keeps them (the server cannot show them again).
		await meetingPage(admin, meeting.id);
		await admin.waitForSelector('li[data-unit=hai-luu] input');
		const links: Record<string, string> = Object.fromEntries(
			await admin.$$eval('[data-testid=join-links] li', (items) => items.map((li): [string, string] => [li.getAttribute('data-unit') ?? '', li.querySelector('input')?.value ?? '']))
		);
		for (const link of Object.values(links)) {
			expect(link).toMatch(/^http:\/\/.+\/join\/[A-Za-z0-9_-]+$/);
		}
		// The old link no longer opens the meeting; the new one does.
		const oldLink = await socketOf(null);
		expect((await ask<Ack>(oldLink, 'room:join', { invitationToken: meeting.links.get('hai-luu') })).ok).toBe(false);

		await admin.bringToFront();
		await admin.click('li[data-unit=dong-thinh] [data-testid=copy-link]');
		await admin.waitForFunction(() => document.querySelector('li[data-unit=dong-thinh] [data-testid=copy-link]')?.textContent?.includes('Đã sao chép'));
		expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(links['dong-thinh']);

		await admin.click('[data-testid=copy-all-links]');
		await admin.waitForFunction(() => document.querySelector('[data-testid=copy-all-links]')?.textContent?.includes('Đã sao chép'));
		const lines = (await admin.evaluate(() => navigator.clipboard.readText())).split('\n');
		expect(lines[0]).toContain('Giao ban tuần');
		expect(lines.slice(1)).toEqual([`Xã Đồng Thịnh: ${links['dong-thinh']}`, `Xã Hải Lựu: ${links['hai-luu']}`]);

		// "In danh sách" prints only the list: under print media, the list shows and the rest of the page does not.
		await admin.evaluate(() => {
			window.print = () => undefined;
		});
		await admin.click('[data-testid=print-links]');
		await admin.emulateMediaType('print');
		const printed = await admin.evaluate(() => ({
			list: getComputedStyle(document.querySelector('.print-links')!).display,
			title: getComputedStyle(document.querySelector('#meeting-title')!).visibility,
			rows: [...document.querySelectorAll('.print-links tbody tr')].map((tr) => tr.textContent),
		}));
		await admin.emulateMediaType();
		expect(printed.list).toBe('block');
		expect(printed.title).toBe('hidden');
		expect(printed.rows).toEqual([`Xã Đồng Thịnh${links['dong-thinh']}`, `Xã Hải Lựu${links['hai-luu']}`]);
	});

	it('keeps the page on a rejected upload, and asks before deleting a document and cancelling the meeting', async () => {
		const meeting = await f.schedule(['dong-thinh', 'hai-luu']);
		await admin.bringToFront();
		await meetingPage(admin, meeting.id);
		const input = (await admin.$('input[type=file][name=document]'))!;

		// A "PDF" that is not one: refused by the server, said in Vietnamese next to the control.
		const fake = join(files, 'bao-cao.pdf');
		writeFileSync(fake, 'this is not a PDF');
		await input.uploadFile(fake);
		await admin.waitForSelector('[data-testid=attachments-message][data-kind=error]');
		const refused = await text(admin, '[data-testid=attachments-message]');
		expect(refused).toContain('Không nhận tệp «bao-cao.pdf»');
		expect(refused).toContain('chỉ nhận PDF');
		expect(refused).not.toMatch(/accepted|content|match/i);
		expect(await text(admin, '#meeting-title')).toBe('Giao ban tuần');
		expect(await admin.$('[data-testid=join-links]')).not.toBeNull();

		const good = join(files, 'chuong-trinh.txt');
		writeFileSync(good, 'Chương trình giao ban');
		await input.uploadFile(good);
		await admin.waitForSelector('[data-testid=attachments] li[data-attachment="chuong-trinh.txt"]');
		expect(await admin.$eval('[data-testid=attachments-message]', (el) => el.getAttribute('data-kind'))).toBe('done');

		await admin.click('li[data-attachment="chuong-trinh.txt"] [data-testid=delete-document]');
		expect(await answer(admin, 'cancel')).toContain('«chuong-trinh.txt» sẽ bị xóa');
		const attachments = async () => (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: f.admin })).json<{ attachments: unknown[] }>().attachments.length;
		expect(await attachments()).toBe(1);
		await admin.click('li[data-attachment="chuong-trinh.txt"] [data-testid=delete-document]');
		await answer(admin, 'confirm-delete-document');
		await admin.waitForSelector('li[data-attachment="chuong-trinh.txt"]', { hidden: true });
		expect(await attachments()).toBe(0);

		await admin.click('[data-testid=cancel-meeting]');
		const consequence = await answer(admin, 'cancel');
		expect(consequence).toContain('sẽ bị hủy');
		expect(consequence).toContain('đường dẫn tham dự');
		expect(await statusOf(meeting.id)).toBe('scheduled');
		await admin.click('[data-testid=cancel-meeting]');
		await answer(admin, 'confirm-cancel-meeting');
		await admin.waitForSelector('[data-testid=meeting-page][data-status=cancelled]');
		expect(await text(admin, '[data-testid=meeting-status]')).toBe('Đã hủy');
		expect(await statusOf(meeting.id)).toBe('cancelled');
	});

	it('after the meeting: the roll call per unit with minutes attended, as a table and as CSV, and the action log for the secretary', async () => {
		const m = await liveMeeting();
		// At least half a minute in the room, so that the rounded minutes are not 0.
		const wait = m.joinedAt + ONE_MINUTE_ROUNDED_MS - Date.now();
		if (wait > 0) {
			await new Promise((resolve) => setTimeout(resolve, wait));
		}
		expect((await ask<Ack>(m.haiLuu, 'room:leave', {})).ok).toBe(true);
		expect((await ask<Ack>(m.chair, 'chair:end', {})).ok).toBe(true);
		live = null;

		// The admin's second tab, open on the meeting all along, turns "ended" by itself.
		await watcher.bringToFront();
		await watcher.waitForSelector('[data-testid=meeting-page][data-status=ended]', { timeout: 20000 });
		await watcher.waitForFunction(() => document.querySelector('[data-testid=roll-call] tr[data-unit="Xã Hải Lựu"] [data-cell=last-left]')?.textContent?.match(/^\d{2}:\d{2}$/), {
			timeout: 20000,
		});
		const haiLuu = await rollCallRow(watcher, 'Xã Hải Lựu');
		expect(haiLuu.present).toBe('true');
		expect(haiLuu.cells['state']).toBe('Có mặt');
		expect(Number(haiLuu.cells['minutes'])).toBeGreaterThanOrEqual(1);
		expect(haiLuu.cells['disconnections']).toBe('0');
		const dongThinh = await rollCallRow(watcher, 'Xã Đồng Thịnh');
		expect(dongThinh.present).toBe('false');
		expect(dongThinh.cells).toMatchObject({ state: 'Vắng', 'first-joined': '–', 'last-left': '–', minutes: '0' });
		expect(await text(watcher, '[data-testid=roll-call-summary]')).toBe('Có mặt 1/2 điểm cầu được mời.');
		// The raw joins and leaves stay at hand, folded.
		expect(await watcher.$eval('[data-testid=attendance]', (el) => el.closest('details')?.open)).toBe(false);
		expect(await text(watcher, '[data-testid=attendance]')).toContain('Xã Hải Lựu');

		const csvHref = await watcher.$eval('[data-testid=roll-call-csv]', (a) => a.getAttribute('href'));
		expect(csvHref).toBe(`/api/meetings/${m.id}/roll-call.csv`);
		const csv = await watcher.evaluate(async (href) => {
			const response = await fetch(href!);
			return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
		}, csvHref);
		expect(csv.status).toBe(200);
		expect(csv.type).toMatch(/^text\/csv/);
		const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
		expect(rows.find((r) => r.startsWith('"Xã Hải Lựu"'))).toContain('"Có mặt"');
		expect(rows.find((r) => r.startsWith('"Xã Đồng Thịnh"'))).toContain('"Vắng"');

		// The secretary, who writes the minutes, reads the roll call and the action log.
		await meetingPage(secretary, m.id);
		await secretary.waitForSelector('[data-testid=actions]');
		const log = await text(secretary, '[data-testid=actions]');
		expect(log).toContain('Lên lịch cuộc họp');
		expect(log).toContain('Kết thúc cuộc họp');
		expect((await rollCallRow(secretary, 'Xã Hải Lựu')).present).toBe('true');
		// Not the administrator: no links to hand out, no renewing.
		expect(await secretary.$('[data-testid=renew-link]')).toBeNull();
	}, 120000);
});
