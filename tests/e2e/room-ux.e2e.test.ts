import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { answerConfirm, enterRoom, inViewport, ownState, scheduleMeeting, signIn, siteAction, snapshot, until, waitForParticipants } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

const UNITS = { dongThinh: 'Xã Đồng Thịnh', haiLuu: 'Xã Hải Lựu', tanLap: 'Xã Tân Lập' } as const;
/** A laptop once the browser's bars and the taskbar have taken their share of the screen. */
const LAPTOP = { width: 1280, height: 600 };

/**
 * The conference screen as chairs and commune operators live it, in Chromium at 1280×600: the
 * controls stay in view, destructive actions ask first, the floor queue and the roll call. Every
 * test schedules its own meeting (for Đồng Thịnh and Hải Lựu, who come with their join links, and
 * Tân Lập, who never comes), so that each passes alone.
 */
describe('the conference screen at laptop size', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	let adminHeaders: Record<string, string>;
	const contexts: BrowserContext[] = [];
	let chair: Page;
	let dongThinh: Page;
	let haiLuu: Page;

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		adminHeaders = (await login(running.app, accounts, 'admin')).headers;
		chromium = await launchBrowser();
		for (let i = 0; i < 3; i += 1) {
			contexts.push(await chromium.browser.createBrowserContext());
		}
		[chair, dongThinh, haiLuu] = await Promise.all(contexts.map((c) => c.newPage())) as [Page, Page, Page];
		for (const page of [chair, dongThinh, haiLuu]) {
			await page.setViewport(LAPTOP);
		}
		await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
	}, 90000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	type Room = { id: string; links: Map<string, string> };

	/** A new meeting with the chair and both communes in its room, every page seeing the three. */
	async function freshRoom(): Promise<Room> {
		const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, 'Giao ban tuần', ['dong-thinh', 'hai-luu', 'tan-lap']);
		await chair.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await enterRoom(chair);
		for (const [page, unit] of [
			[dongThinh, 'dong-thinh'],
			[haiLuu, 'hai-luu'],
		] as const) {
			await page.goto(joinLinks.get(unit)!, { waitUntil: 'networkidle0' });
			await enterRoom(page);
		}
		const ids = await Promise.all([chair, dongThinh, haiLuu].map(async (p) => (await ownState(p))!.participantId!));
		for (const page of [chair, dongThinh, haiLuu]) {
			await waitForParticipants(page, ids);
		}
		return { id: meetingId, links: joinLinks };
	}

	const meetingStatus = async (id: string) => (await running.app.inject({ url: `/api/meetings/${id}`, headers: adminHeaders })).json<{ status: string }>().status;
	const closed = (page: Page, reason: string) => page.waitForSelector(`[data-testid=room-state][data-state=closed][data-reason=${reason}]`, { timeout: 15000 });

	/** The buttons of the page's control bar that must always be reachable. */
	async function barInView(page: Page, commune: boolean): Promise<Record<string, boolean>> {
		const result: Record<string, boolean> = {};
		for (const id of ['toggle-mic', 'toggle-audio-only', 'toggle-screen', 'leave', ...(commune ? ['floor-request'] : [])]) {
			result[id] = await inViewport(page, `[data-testid=control-bar] [data-testid=${id}]`);
		}
		return result;
	}
	const allTrue = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, true]));
	const CHAIR_BAR = allTrue(['toggle-mic', 'toggle-audio-only', 'toggle-screen', 'leave']);
	const COMMUNE_BAR = allTrue(['toggle-mic', 'toggle-audio-only', 'toggle-screen', 'leave', 'floor-request']);

	it('keeps the control bar inside the window for the chair and a commune, also with a notice over the video', async () => {
		await freshRoom();
		expect(await barInView(chair, false)).toEqual(CHAIR_BAR);
		expect(await barInView(dongThinh, true)).toEqual(COMMUNE_BAR);
		// The operator's own tile says the microphone's state in words.
		await dongThinh.waitForSelector('[data-testid=self-tile] [data-testid=self-mic][data-muted=false]');
		expect(await dongThinh.$eval('[data-testid=self-mic]', (el) => el.textContent)).toBe('Micro đang bật');

		await siteAction(chair, UNITS.dongThinh, 'mute');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=muted]', { timeout: 10000 });
		await dongThinh.waitForSelector('[data-testid=self-mic][data-muted=true]', { timeout: 10000 });
		expect(await dongThinh.$eval('[data-testid=self-mic]', (el) => el.textContent)).toBe('Micro đang tắt');
		expect(await dongThinh.$eval('[data-testid=toggle-mic]', (el) => el.textContent)).toBe('Micro đang tắt. Bấm để bật');
		// The notice lies over the video: the bar did not move and the notice ends above it.
		expect(await barInView(dongThinh, true)).toEqual(COMMUNE_BAR);
		const { noticeBottom, barTop } = await dongThinh.evaluate(() => ({
			noticeBottom: document.querySelector('[data-testid=room-notice]')!.getBoundingClientRect().bottom,
			barTop: document.querySelector('[data-testid=control-bar]')!.getBoundingClientRect().top,
		}));
		expect(noticeBottom).toBeLessThan(barTop);
		// The chair's toast about a site asking for the floor does not move its bar either.
		await dongThinh.click('[data-testid=floor-request]');
		await chair.waitForSelector('[data-testid=room-toast][data-kind=floor]', { timeout: 10000 });
		expect(await chair.$eval('[data-testid=room-toast][data-kind=floor]', (el) => el.textContent)).toContain(`${UNITS.dongThinh} xin phát biểu`);
		expect(await barInView(chair, false)).toEqual(CHAIR_BAR);

		// A projector-less office laptop: 1366×650.
		await dongThinh.setViewport({ width: 1366, height: 650 });
		expect(await barInView(dongThinh, true)).toEqual(COMMUNE_BAR);
		await dongThinh.setViewport(LAPTOP);
	});

	it('the floor: a hand on the tile and in the queue, skip, decline with a notice, and a lasting "Đang phát biểu" for everyone', async () => {
		await freshRoom();
		await dongThinh.click('[data-testid=floor-request]');
		await chair.waitForSelector(`[data-testid=floor-queue] li[data-unit="${UNITS.dongThinh}"]`, { timeout: 10000 });
		await chair.waitForSelector(`[data-tile="${UNITS.dongThinh}"] [data-testid=hand-raised]`);
		expect(await dongThinh.$eval('[data-testid=floor-request]', (el) => el.getAttribute('data-state'))).toBe('queued');
		await haiLuu.click('[data-testid=floor-request]');
		await chair.waitForSelector(`[data-testid=floor-queue] li[data-unit="${UNITS.haiLuu}"]`, { timeout: 10000 });
		const queue = () => chair.$$eval('[data-testid=floor-queue] li', (items) => items.map((li) => li.getAttribute('data-unit')));
		expect(await queue()).toEqual([UNITS.dongThinh, UNITS.haiLuu]);
		expect(await chair.$eval(`[data-testid=floor-queue] li[data-unit="${UNITS.dongThinh}"]`, (el) => el.textContent)).toContain('vừa xin');

		// "Để sau" moves Đồng Thịnh to the end of the queue.
		await chair.click(`[data-testid=floor-queue] li[data-unit="${UNITS.dongThinh}"] [data-testid=skip]`);
		await until(async () => JSON.stringify(await queue()) === JSON.stringify([UNITS.haiLuu, UNITS.dongThinh]), 10000, 'Đồng Thịnh moved to the end');

		// Declined: off the queue, and the commune is told.
		await chair.click(`[data-testid=floor-queue] li[data-unit="${UNITS.haiLuu}"] [data-testid=decline]`);
		await haiLuu.waitForSelector('[data-testid=room-notice][data-notice=floor-declined]', { timeout: 10000 });
		expect(await haiLuu.$eval('[data-testid=room-notice]', (el) => el.textContent)).toContain('Chủ trì chưa cho phát biểu');
		await until(async () => JSON.stringify(await queue()) === JSON.stringify([UNITS.dongThinh]), 10000, 'Hải Lựu off the queue');
		expect(await haiLuu.$eval('[data-testid=floor-request]', (el) => el.getAttribute('data-state'))).toBe('none');

		// Granted: the badge shows on Đồng Thịnh's tile on another commune's screen, and stays.
		await chair.click(`[data-testid=floor-queue] li[data-unit="${UNITS.dongThinh}"] [data-testid=grant]`);
		await haiLuu.waitForSelector(`[data-tile="${UNITS.dongThinh}"] [data-testid=floor-badge]`, { visible: true, timeout: 10000 });
		expect(await haiLuu.$eval(`[data-tile="${UNITS.dongThinh}"] [data-testid=floor-badge]`, (el) => el.textContent)).toBe('Đang phát biểu');
		expect(await haiLuu.$eval('[data-testid=floor-holder]', (el) => el.getAttribute('data-unit'))).toBe(UNITS.dongThinh);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(await haiLuu.$(`[data-tile="${UNITS.dongThinh}"] [data-testid=floor-badge]`), 'the badge lasts').not.toBeNull();
		expect(await chair.$(`[data-participant="${UNITS.dongThinh}"] [data-testid=floor-badge]`), 'and shows in the chair’s list').not.toBeNull();
	});

	it('removing a site and leaving as chair ask first: cancel keeps everything, confirm acts; the communes are told the chair left', async () => {
		const room = await freshRoom();
		await siteAction(chair, UNITS.haiLuu, 'remove');
		await chair.waitForSelector('dialog[data-testid=confirm-dialog][open]', { visible: true });
		expect(await chair.$eval('dialog[data-testid=confirm-dialog]', (el) => el.textContent)).toContain(`Mời ${UNITS.haiLuu} ra khỏi cuộc họp?`);
		await answerConfirm(chair, 'confirm-cancel');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect((await ownState(haiLuu))?.state).toBe('joined');
		expect((await snapshot(chair)).participants.map((p) => p.unitName)).toContain(UNITS.haiLuu);

		await siteAction(chair, UNITS.haiLuu, 'remove');
		await answerConfirm(chair, 'confirm-remove');
		await closed(haiLuu, 'removed');

		// Leaving as chair: cancel stays in the room.
		await chair.click('[data-testid=control-bar] [data-testid=leave]');
		await chair.waitForSelector('dialog[data-testid=confirm-dialog][open] [data-testid=confirm-end]', { visible: true });
		expect(await chair.$eval('dialog[data-testid=confirm-dialog] [data-testid=confirm-leave]', (el) => el.textContent)).toBe('Rời phòng (cuộc họp tiếp tục)');
		expect(await chair.$eval('dialog[data-testid=confirm-dialog] [data-testid=confirm-end]', (el) => el.textContent)).toBe('Kết thúc cho tất cả');
		await answerConfirm(chair, 'confirm-cancel');
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect((await ownState(chair))?.state).toBe('joined');

		// "Rời phòng": the meeting goes on, and the commune left alone is told, until the chair is back.
		expect(await dongThinh.$('[data-testid=chair-away]')).toBeNull();
		await chair.click('[data-testid=control-bar] [data-testid=leave]');
		await answerConfirm(chair, 'confirm-leave');
		await closed(chair, 'left');
		await dongThinh.waitForSelector('[data-testid=chair-away]', { visible: true, timeout: 10000 });
		expect(await dongThinh.$eval('[data-testid=chair-away]', (el) => el.textContent)).toContain('Chủ trì đã rời phòng họp');
		expect(await meetingStatus(room.id)).toBe('live');
		await chair.goto(`${running.url}/meetings/${room.id}/room`, { waitUntil: 'networkidle0' });
		await enterRoom(chair);
		await dongThinh.waitForSelector('[data-testid=chair-away]', { hidden: true, timeout: 10000 });

		// "Kết thúc cho tất cả" ends the meeting for every site.
		await chair.click('[data-testid=control-bar] [data-testid=leave]');
		await answerConfirm(chair, 'confirm-end');
		await Promise.all([closed(chair, 'ended'), closed(dongThinh, 'ended')]);
		expect(await meetingStatus(room.id)).toBe('ended');
	});

	it('the chair’s roll call: a commune that drops shows as lost and, in a locked room, comes back without waiting', async () => {
		const room = await freshRoom();
		const row = (unit: string) => `[data-testid=roster] li[data-unit="${unit}"]`;
		await chair.waitForSelector(`${row(UNITS.haiLuu)}[data-state=present]`, { timeout: 10000 });
		expect(await chair.$eval(`${row(UNITS.tanLap)} [data-testid=roster-state]`, (el) => el.textContent)).toBe('chưa vào');
		expect(await chair.$eval('[data-testid=roster-counts]', (el) => el.textContent)).toBe('Có mặt 3/4 · Mất kết nối 0 · Đang chờ 0');

		await chair.click('[data-testid=toggle-lock]');
		await until(async () => (await snapshot(chair)).locked, 10000, 'the room locked');

		// The commune's page closes (power cut, browser closed): the chair sees it, hears it, and when.
		await haiLuu.close();
		await chair.waitForSelector(`${row(UNITS.haiLuu)}[data-state=lost]`, { timeout: 20000 });
		expect(await chair.$eval(`${row(UNITS.haiLuu)} [data-testid=roster-state]`, (el) => el.textContent)).toBe('mất kết nối');
		expect(await chair.$eval(row(UNITS.haiLuu), (el) => el.textContent)).toMatch(/từ \d\d:\d\d \(vừa xong\)/);
		await chair.waitForSelector('[data-testid=room-toast][data-kind=lost]', { timeout: 5000 });
		expect(await chair.$eval('[data-testid=roster-counts]', (el) => el.textContent)).toBe('Có mặt 2/4 · Mất kết nối 1 · Đang chờ 0');

		// The filter and the search find it among the others.
		await chair.select('[data-testid=roster-filter]', 'lost');
		expect(await chair.$$eval('[data-testid=roster] li', (items) => items.map((li) => li.getAttribute('data-unit')))).toEqual([UNITS.haiLuu]);
		await chair.select('[data-testid=roster-filter]', 'all');
		await chair.type('[data-testid=roster-search]', 'tan lap');
		expect(await chair.$$eval('[data-testid=roster] li', (items) => items.map((li) => li.getAttribute('data-unit')))).toEqual([UNITS.tanLap]);
		await chair.click('[data-testid=roster-search]', { clickCount: 3 });
		await chair.keyboard.press('Backspace');

		// Back with the same link in a new page: straight into the locked room, no waiting room.
		haiLuu = await contexts[2]!.newPage();
		await haiLuu.setViewport(LAPTOP);
		await haiLuu.goto(room.links.get('hai-luu')!, { waitUntil: 'networkidle0' });
		await enterRoom(haiLuu);
		await chair.waitForSelector(`${row(UNITS.haiLuu)}[data-state=present]`, { timeout: 10000 });
		expect(await chair.$eval(row(UNITS.haiLuu), (el) => el.textContent)).toContain('mất kết nối 1 lần');
		expect((await snapshot(chair)).waiting).toEqual([]);
	});
});
