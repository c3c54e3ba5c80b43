import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts, type Signed } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { enterRoom, participantId, scheduleMeeting, signIn, snapshot, type Snapshot, until, waitForFlowing } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

const HAI_LUU = 'Xã Hải Lựu';
const DONG_THINH = 'Xã Đồng Thịnh';

type GumWindow = { __gumCalls: number; __gumVideoCalls: number };

/**
 * Counts getUserMedia calls; with `noCamera`, any request for video fails as on a PC with no
 * webcam (NotFoundError) and no camera is listed, while audio-only requests reach the (fake)
 * microphone.
 */
async function instrumentMedia(page: Page, noCamera: boolean): Promise<void> {
	await page.evaluateOnNewDocument((withoutCamera: boolean) => {
		const w = window as unknown as GumWindow;
		w.__gumCalls = 0;
		w.__gumVideoCalls = 0;
		const devices = navigator.mediaDevices;
		const getUserMedia = devices.getUserMedia.bind(devices);
		const enumerate = devices.enumerateDevices.bind(devices);
		devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
			w.__gumCalls += 1;
			if (constraints?.video) {
				w.__gumVideoCalls += 1;
				if (withoutCamera) {
					throw new DOMException('Requested device not found', 'NotFoundError');
				}
			}
			return getUserMedia(constraints);
		};
		if (withoutCamera) {
			devices.enumerateDevices = async () => (await enumerate()).filter((d) => d.kind !== 'videoinput');
		}
	}, noCamera);
}

const gumCalls = (page: Page) => page.evaluate(() => (window as unknown as GumWindow).__gumCalls);
const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());

describe('the way into and out of a meeting in Chromium', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	let admin: Signed;
	let chairContext: BrowserContext;
	let dongThinhContext: BrowserContext;
	let chair: Page;
	let dongThinh: Page;
	const linkContexts: BrowserContext[] = [];

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		admin = await login(running.app, accounts, 'admin');
		chromium = await launchBrowser();
		chairContext = await chromium.browser.createBrowserContext();
		dongThinhContext = await chromium.browser.createBrowserContext();
		chair = await chairContext.newPage();
		dongThinh = await dongThinhContext.newPage();
		for (const page of [chair, dongThinh]) {
			await page.setViewport({ width: 1280, height: 720 });
		}
		await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
		await signIn(dongThinh, running.url, 'dongthinh', accounts.get('dongthinh')!.password);
	}, 90000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	/** A fresh browser context (no session, no stored permissions) for a commune that has only its link. */
	async function linkPage(noCamera = false): Promise<Page> {
		const context = await chromium.browser.createBrowserContext();
		linkContexts.push(context);
		const page = await context.newPage();
		await page.setViewport({ width: 1280, height: 720 });
		await instrumentMedia(page, noCamera);
		return page;
	}

	async function chairEnters(meetingId: string): Promise<void> {
		await chair.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await enterRoom(chair);
	}

	async function chairSnapshot(): Promise<Snapshot> {
		return snapshot(chair);
	}

	it('shows the meeting card and "Bạn vào họp với tư cách" before joining, for a link and for a signed-in commune', async () => {
		const title = 'Giao ban kiểm tra thẻ cuộc họp';
		const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, title, ['dong-thinh', 'hai-luu']);
		const page = await linkPage();
		await page.goto(joinLinks.get('hai-luu')!, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=meeting-card]');
		expect(await text(page, '[data-testid=meeting-card-title]')).toBe(title);
		expect(await text(page, '[data-testid=meeting-card]')).toContain('Hội trường UBND huyện');
		expect(await text(page, '[data-testid=meeting-card]')).toContain('Huyện Sông Lô');
		expect(await text(page, '[data-testid=join-as]')).toBe(`Bạn vào họp với tư cách: ${HAI_LUU}`);
		await page.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
		// The fake devices have labels once allowed: the selects name them instead of "—".
		const micOptions = await page.$$eval('[data-testid=mic-select] option', (options) => options.map((o) => o.textContent ?? ''));
		expect(micOptions.some((label) => /fake|default|mặc định/i.test(label))).toBe(true);
		expect(await page.$('[data-testid=prejoin-preview]')).not.toBeNull();
		expect(await page.$('[data-testid=speaker-test]')).not.toBeNull();

		const session = await running.app.inject({ url: '/api/auth/session', headers: (await login(running.app, accounts, 'dongthinh')).headers });
		const me = session.json<{ user: { displayName: string } }>().user;
		await dongThinh.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await dongThinh.waitForSelector('[data-testid=join-as]');
		expect(await text(dongThinh, '[data-testid=meeting-card-title]')).toBe(title);
		expect(await text(dongThinh, '[data-testid=join-as]')).toBe(`Bạn vào họp với tư cách: ${me.displayName} (${DONG_THINH})`);
		await page.close();
	});

	it('explains a renewed or expired link in Vietnamese before asking for the camera', async () => {
		const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, 'Giao ban đường dẫn cũ', ['hai-luu']);
		const renewed = await running.app.inject({
			method: 'POST',
			url: `/api/meetings/${meetingId}/invitations/hai-luu/link`,
			headers: { ...admin.headers, host: new URL(running.url).host },
		});
		expect(renewed.statusCode, renewed.body).toBe(200);
		const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers });
		const past = await running.app.inject({
			method: 'POST',
			url: '/api/meetings',
			headers: { ...admin.headers, host: new URL(running.url).host },
			payload: {
				title: 'Giao ban tuần trước',
				description: '',
				location: '',
				startsAt: new Date(Date.now() - 4 * 86400_000).toISOString(),
				endsAt: new Date(Date.now() - 3 * 86400_000).toISOString(),
				chairId: chairs.json<{ id: string }[]>()[0]!.id,
				agenda: [],
				invitedUnitIds: ['hai-luu'],
				recordingEnabled: false,
			},
		});
		expect(past.statusCode, past.body).toBe(201);
		const expiredLink = past.json<{ joinLinks: { url: string }[] }>().joinLinks[0]!.url;

		for (const link of [joinLinks.get('hai-luu')!, expiredLink]) {
			const page = await linkPage();
			await page.goto(link, { waitUntil: 'networkidle0' });
			await page.waitForSelector('[data-testid=join-refused][data-reason=link_invalid]', { timeout: 10000 });
			expect(await text(page, '[data-testid=join-refused] [role=alert]')).toBe(
				'Đường dẫn tham dự này không còn hiệu lực (đã hết hạn, đã được cấp lại hoặc bị thu hồi). Vui lòng liên hệ đơn vị tổ chức để nhận đường dẫn mới.'
			);
			expect(await text(page, '[data-testid=refused-home]')).toBe('Về trang chủ');
			expect(await page.$('[data-testid=enter-room]')).toBeNull();
			expect(await page.$('video')).toBeNull();
			expect(await gumCalls(page)).toBe(0);
			await page.click('[data-testid=refused-home]');
			await page.waitForSelector('input[name=username]');
			await page.close();
		}
	});

	it('lets a commune with no camera join with its microphone only: the chair receives its audio and no camera', async () => {
		const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, 'Giao ban xã không có camera', ['hai-luu']);
		await chairEnters(meetingId);
		const page = await linkPage(true);
		await page.goto(joinLinks.get('hai-luu')!, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=no-camera-note]', { timeout: 20000 });
		expect(await text(page, '[data-testid=no-camera-note]')).toBe('Không tìm thấy camera. Bạn vẫn có thể vào họp chỉ với micro.');
		expect(await page.$('[data-testid=no-microphone]')).toBeNull();
		expect(await page.$('[data-testid=prejoin-preview-off]')).not.toBeNull();
		expect(await page.evaluate(() => (window as unknown as GumWindow).__gumVideoCalls)).toBeGreaterThan(0);
		// On a 1280×600 laptop screen the offer and "Vào họp" are in view without scrolling.
		await page.setViewport({ width: 1280, height: 600 });
		for (const selector of ['[data-testid=no-camera-note]', '[data-testid=enter-room]']) {
			const box = await (await page.$(selector))!.boundingBox();
			expect(box!.y + box!.height, selector).toBeLessThanOrEqual(600);
		}
		await enterRoom(page);

		await until(async () => (await chairSnapshot()).participants.some((p) => p.unitName === HAI_LUU), 15000, 'the chair to see Hải Lựu');
		const id = await participantId(chair, HAI_LUU);
		await waitForFlowing(chair, id);
		const seen = (await chairSnapshot()).participants.find((p) => p.id === id)!;
		expect(seen.producers.map((p) => p.source)).toEqual(['microphone']);
		const received = await chair.evaluate(
			async (pid) => (await (window as unknown as { __giaobanRoom: { receiveStats: () => Promise<Record<string, { videoBytes: number }>> } }).__giaobanRoom.receiveStats())[pid],
			id
		);
		expect(received?.videoBytes ?? 0).toBe(0);
		await page.close();
	});

	it('shows the title, the chair and a preview in the waiting room of a locked meeting, and "Hủy" leaves it', async () => {
		const title = 'Giao ban phòng đã khóa';
		const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, title, ['hai-luu']);
		await chairEnters(meetingId);
		await chair.waitForSelector('[data-testid=toggle-lock]', { visible: true, timeout: 10000 });
		await chair.click('[data-testid=toggle-lock]');
		await until(async () => (await chairSnapshot()).locked, 10000, 'the meeting to lock');

		const page = await linkPage();
		await page.goto(joinLinks.get('hai-luu')!, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
		await page.click('[data-testid=enter-room]');
		await page.waitForSelector('[data-testid=room-state][data-state=waiting]', { timeout: 20000 });
		await page.waitForSelector('[data-testid=waiting-room]');
		expect(await text(page, '#waiting-title')).toBe(title);
		expect(await text(page, '[data-testid=waiting-room]')).toContain('Đang chờ chủ trì cho phép vào…');
		const chairName = (await running.app.inject({ url: `/api/meetings/${meetingId}`, headers: admin.headers })).json<{ chair: { displayName: string } }>().chair.displayName;
		expect(await text(page, '[data-testid=meeting-card-chair]')).toBe(chairName);
		// The preview plays the site's own camera.
		await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=waiting-preview]')?.videoWidth ?? 0) > 0, { timeout: 10000 });
		await chair.waitForSelector(`[data-waiting="${HAI_LUU}"]`, { timeout: 10000 });

		await page.click('[data-testid=waiting-cancel]');
		await page.waitForSelector('[data-testid=room-state][data-state=closed][data-reason=left]', { timeout: 10000 });
		expect(await text(page, '[data-testid=end-reason]')).toBe('Bạn đã hủy chờ vào phòng họp.');
		await chair.waitForSelector(`[data-waiting="${HAI_LUU}"]`, { hidden: true, timeout: 10000 });
		expect((await chairSnapshot()).waiting).toEqual([]);
		// The camera is off once out of the room, and "Vào lại phòng họp" starts again from the pre-join screen.
		await page.click('[data-testid=end-rejoin]');
		await page.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
		expect(await text(page, '[data-testid=meeting-card-title]')).toBe(title);
		await page.close();
	});

	it('after the chair ends the meeting, a signed-in commune gets "Về lịch họp" and "Xem tài liệu"', async () => {
		const title = 'Giao ban kết thúc';
		const { meetingId } = await scheduleMeeting(running, accounts, title, ['dong-thinh']);
		await chairEnters(meetingId);
		await dongThinh.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await enterRoom(dongThinh);
		await until(async () => (await chairSnapshot()).participants.some((p) => p.unitName === DONG_THINH), 15000, 'the chair to see Đồng Thịnh');

		await chair.click('[data-testid=end-meeting]');
		await chair.waitForSelector('[data-testid=confirm-end]', { visible: true, timeout: 5000 });
		await chair.click('[data-testid=confirm-end]');
		await dongThinh.waitForSelector('[data-testid=room-state][data-state=closed][data-reason=ended]', { timeout: 15000 });
		expect(await text(dongThinh, '[data-testid=end-reason]')).toBe('Cuộc họp đã kết thúc.');
		expect(await text(dongThinh, '[data-testid=end-schedule]')).toBe('Về lịch họp');
		expect(await text(dongThinh, '[data-testid=end-documents]')).toBe('Xem tài liệu');
		// An ended meeting cannot be joined again: no such offer.
		expect(await dongThinh.$('[data-testid=end-rejoin]')).toBeNull();
		await dongThinh.click('[data-testid=end-documents]');
		await until(() => new URL(dongThinh.url()).pathname === `/meetings/${meetingId}`, 5000, 'the meeting page');
		await dongThinh.waitForFunction((t: string) => document.body.textContent?.includes(t) ?? false, { timeout: 10000 }, title);
		await dongThinh.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await dongThinh.waitForSelector('[data-testid=join-refused][data-reason=meeting_ended]', { timeout: 10000 });
		expect(await text(dongThinh, '[data-testid=join-refused] [role=alert]')).toBe('Cuộc họp đã kết thúc.');
		await dongThinh.click('[data-testid=refused-home]');
		await dongThinh.waitForSelector('[data-testid=meeting-list]', { timeout: 10000 });
	});
});
