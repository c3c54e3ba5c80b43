import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { enterRoom, participantId, scheduleMeeting, signIn, snapshot, until, waitForFlowing, waitForParticipants } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

const COMMUNES = { 'dong-thinh': 'Xã Đồng Thịnh', 'hai-luu': 'Xã Hải Lựu', 'tan-lap': 'Xã Tân Lập' } as const;

/** Participants whose camera (or screen) the page receives now: the server makes these consumers from its view. */
async function videoFrom(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const room = (window as unknown as { __giaobanRoom: { tracks: () => Map<string, { camera?: MediaStreamTrack; screen?: MediaStreamTrack }> } }).__giaobanRoom;
		return [...room.tracks()].filter(([, t]) => t.camera !== undefined || t.screen !== undefined).map(([id]) => id).sort();
	});
}

/**
 * The province-scale mechanisms in browsers, at a size a test machine runs: four sites spread over
 * the two mediasoup workers (media piped between their routers), and a gallery of one thumbnail
 * per page (GALLERY_MAX_THUMBNAILS=1), so that turning the page changes what a site receives.
 */
describe('sites on two workers, and a paged gallery', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	const contexts: BrowserContext[] = [];
	let pages: Page[] = [];

	beforeAll(async () => {
		running = await startApp({ GALLERY_MAX_THUMBNAILS: '1', LAST_N_SPEAKERS: '0' });
		accounts = await seedAccounts(running.app);
		chromium = await launchBrowser();
		for (let i = 0; i < 4; i += 1) {
			contexts.push(await chromium.browser.createBrowserContext());
		}
		pages = await Promise.all(contexts.map((c) => c.newPage()));
	}, 90000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	it('media flows both ways between sites on different workers, and the gallery page decides which camera a site receives', async () => {
		const [chair, dongThinh, haiLuu, tanLap] = pages as [Page, Page, Page, Page];
		const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, 'Giao ban toàn tỉnh (thử)', Object.keys(COMMUNES));
		await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
		await chair.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await enterRoom(chair);
		for (const [page, unit] of [
			[dongThinh, 'dong-thinh'],
			[haiLuu, 'hai-luu'],
			[tanLap, 'tan-lap'],
		] as const) {
			await page.goto(joinLinks.get(unit)!, { waitUntil: 'networkidle0' });
			await enterRoom(page);
		}
		const ids = (await snapshot(chair)).participants.map((p) => p.id);
		expect(ids).toHaveLength(4);
		for (const page of pages) {
			await waitForParticipants(page, ids);
		}

		// Two sites on each worker: some pairs talk through a pipe between the meeting's two routers.
		expect(running.app.workerPool.status().workers.map((w) => w.peers)).toEqual([2, 2]);
		const chairId = await participantId(dongThinh, 'Huyện Sông Lô');
		const communeIds = await Promise.all(Object.values(COMMUNES).map((name) => participantId(chair, name)));
		for (const id of communeIds) {
			await waitForFlowing(chair, id);
		}
		for (const page of [dongThinh, haiLuu, tanLap]) {
			await waitForFlowing(page, chairId);
		}
		// The chair shares its screen: the large tile everywhere (the active speaker, with four
		// identical test tones, would move it around), seen across the pipe by the communes.
		await chair.click('[data-testid=toggle-screen]');
		for (const page of [dongThinh, haiLuu, tanLap]) {
			await waitForFlowing(page, chairId, 30000, 'video');
		}

		// Đồng Thịnh shows the chair's screen large and one of the two other communes per page.
		const others = communeIds.filter((id) => id !== communeIds[0]);
		await dongThinh.waitForSelector('[data-testid=gallery-page]', { timeout: 10000 });
		expect(await dongThinh.$eval('[data-testid=gallery-page]', (e) => e.textContent)).toContain('1/2');
		await until(async () => (await videoFrom(dongThinh)).length === 2, 20000, 'the large tile and one thumbnail received');
		const firstPage = (await videoFrom(dongThinh)).filter((id) => id !== chairId);
		expect(firstPage).toHaveLength(1);
		expect(others).toContain(firstPage[0]);
		await waitForFlowing(dongThinh, firstPage[0]!, 30000, 'video');

		await dongThinh.click('[data-testid=gallery-next]');
		const secondPage = others.filter((id) => id !== firstPage[0]);
		await until(async () => JSON.stringify(await videoFrom(dongThinh)) === JSON.stringify([chairId, ...secondPage].sort()), 20000, 'the next page’s camera instead of the first');
		await waitForFlowing(dongThinh, secondPage[0]!, 30000, 'video');
		// The commune on the first page is still heard: audio does not follow the gallery.
		await waitForFlowing(dongThinh, firstPage[0]!);
	}, 240000);
});
