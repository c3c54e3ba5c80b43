import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { cutMediaPath, limitDownlinks, MEDIA_NET, restoreMediaPath } from '../helpers/media-path.ts';
import { CAMERA_TOP_WIDTH, enterRoom, mediaPaths, participantId, recovery, scheduleMeeting, signIn, waitForFlowing, waitForCameraWidth, waitForMedia, waitForRecovery } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

/** Schedules a meeting for one commune; the chair (by session) and the commune (by link) join it. */
async function chairAndCommune(running: RunningApp, chromium: TestBrowser, title: string, unitId: string): Promise<{ chair: Page; commune: Page }> {
	const accounts = await seedAccounts(running.app);
	const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, title, [unitId]);
	const [chair, commune] = (await Promise.all([1, 2].map(async () => (await chromium.browser.createBrowserContext()).newPage()))) as [Page, Page];
	await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
	await chair.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
	await enterRoom(chair);
	await commune.goto(joinLinks.get(unitId)!, { waitUntil: 'networkidle0' });
	await enterRoom(commune);
	return { chair, commune };
}

/**
 * The media path (UDP and TCP to the WebRTC address) fails while signalling stays up. The client
 * restarts ICE first and, if the transport is still down 10 s later, rejoins with new transports.
 */
describe('a site whose media path fails', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let chair: Page;
	let commune: Page;

	beforeAll(async () => {
		running = await startApp({ RTC_LISTEN_IP: MEDIA_NET.server, RTC_ANNOUNCED_ADDRESS: MEDIA_NET.server });
		chromium = await launchBrowser();
		({ chair, commune } = await chairAndCommune(running, chromium, 'Giao ban khi mất kết nối', 'dong-thinh'));
	}, 90000);

	// Each test starts from a healthy call, whatever the previous one left: both sites joined (a
	// recovery still under way may finish) and media flowing both ways.
	beforeEach(async () => {
		for (const page of [chair, commune]) {
			await page.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 60000 });
		}
		await waitForMedia(chair, await participantId(chair, 'Xã Đồng Thịnh'));
		await waitForMedia(commune, await participantId(commune, 'Huyện Sông Lô'));
		await waitForFlowing(chair, await participantId(chair, 'Xã Đồng Thịnh'), 60000);
		await waitForFlowing(commune, await participantId(commune, 'Huyện Sông Lô'), 60000);
	}, 150000);

	afterEach(() => restoreMediaPath());

	afterAll(async () => {
		try {
			restoreMediaPath();
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	it('a short loss is recovered by an ICE restart, on the same transports', async () => {
		const site = await participantId(chair, 'Xã Đồng Thịnh');
		const before = await recovery(commune);
		cutMediaPath();
		// The browser notices (ICE disconnected) and asks the server for new ICE credentials.
		await waitForRecovery(commune, 'iceRestarts', before.iceRestarts, 30000);
		restoreMediaPath();
		await waitForFlowing(chair, site, 20000);
		await waitForFlowing(commune, await participantId(commune, 'Huyện Sông Lô'), 20000);
		expect((await recovery(commune)).rejoins).toBe(before.rejoins);
		expect(await participantId(chair, 'Xã Đồng Thịnh')).toBe(site);
	});

	it('a loss longer than the ICE restart allows ends in a rejoin with new transports, and media flows again', async () => {
		const site = await participantId(chair, 'Xã Đồng Thịnh');
		const before = await recovery(commune);
		cutMediaPath();
		await waitForRecovery(commune, 'rejoins', before.rejoins, 40000);
		restoreMediaPath();
		expect((await recovery(commune)).iceRestarts, 'an ICE restart is tried before rejoining').toBeGreaterThan(before.iceRestarts);
		await chair.waitForFunction(
			(old) => (window as unknown as { __giaobanRoom: { snapshot: { participants: { id: string; unitName: string }[] } } }).__giaobanRoom.snapshot.participants.some((p) => p.unitName === 'Xã Đồng Thịnh' && p.id !== old),
			{ timeout: 30000 },
			site
		);
		const rejoined = await participantId(chair, 'Xã Đồng Thịnh');
		await waitForFlowing(chair, rejoined, 60000);
		await waitForFlowing(commune, await participantId(commune, 'Huyện Sông Lô'), 60000);
	});

	it('a site whose downlink degrades receives a lower layer of the large tile, and audio keeps flowing', async () => {
		const chairId = await participantId(commune, 'Huyện Sông Lô');
		// With two sites, each shows the other large: the layer policy asks for the top layer.
		await waitForCameraWidth(commune, chairId, 'top', 60000);
		limitDownlinks(250);
		const degraded = await waitForCameraWidth(commune, chairId, 'below-top', 60000);
		expect(degraded).toBeLessThan(CAMERA_TOP_WIDTH);
		await waitForFlowing(commune, chairId, 20000);
	}, 150000);
});

describe('sites behind a firewall that blocks UDP', () => {
	let running: RunningApp;
	let chromium: TestBrowser;

	beforeAll(async () => {
		running = await startApp({ RTC_LISTEN_IP: MEDIA_NET.server, RTC_ANNOUNCED_ADDRESS: MEDIA_NET.server });
		chromium = await launchBrowser();
	}, 60000);

	afterAll(async () => {
		try {
			restoreMediaPath();
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	it('join over ICE-TCP to the WebRtcServer and receive each other’s media', async () => {
		cutMediaPath('udp');
		const { chair, commune } = await chairAndCommune(running, chromium, 'Giao ban qua TCP', 'hai-luu');
		await waitForFlowing(chair, await participantId(chair, 'Xã Hải Lựu'));
		await waitForFlowing(commune, await participantId(commune, 'Huyện Sông Lô'));
		expect(await mediaPaths(commune)).toEqual({ send: 'tcp', recv: 'tcp' });
		expect(await mediaPaths(chair)).toEqual({ send: 'tcp', recv: 'tcp' });
		// The operator is told why the media may suffer.
		await commune.waitForSelector('[data-testid=connection-quality][data-protocol=tcp]', { timeout: 10000 });
		expect(await commune.$eval('[data-testid=connection-quality]', (el) => el.textContent)).toContain('qua TCP');
	});
});
