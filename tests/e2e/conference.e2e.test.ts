import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { enterRoom, growth, participantId, signIn, sleep, snapshot, tabReaches, unnamedControls, type Snapshot, type Stats, waitForFlowing, waitForMedia } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

describe('a district meeting with two communes in Chromium', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	const contexts: BrowserContext[] = [];
	let meetingId = '';
	let haiLuuLink = '';
	let chair: Page;
	let dongThinh: Page;
	let haiLuu: Page;
	let admin: Page;

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		chromium = await launchBrowser();
		for (let i = 0; i < 4; i += 1) {
			contexts.push(await chromium.browser.createBrowserContext());
		}
		const pages = await Promise.all(contexts.map((c) => c.newPage()));
		[chair, dongThinh, haiLuu, admin] = [pages[0]!, pages[1]!, pages[2]!, pages[3]!];
	}, 90000);

	afterAll(async () => {
		await chromium?.close();
		await running?.close();
	});

	it('the district admin schedules a meeting for two communes from the form and gets their join links', async () => {
		await signIn(admin, running.url, 'admin', accounts.get('admin')!.password);
		await admin.click('a[href="/meetings/new"]');
		await admin.waitForSelector('form input[name=title]');
		await admin.waitForSelector('input[name=invited][value=hai-luu]');
		expect(await unnamedControls(admin)).toEqual([]);
		await admin.type('input[name=title]', 'Hội nghị giao ban trực tuyến');
		await admin.type('input[name=location]', 'Hội trường UBND huyện');
		await admin.type('.agenda-row input', 'Báo cáo tình hình kinh tế - xã hội');
		await admin.type('.agenda-row input:nth-child(2)', 'Văn phòng HĐND và UBND');
		await admin.click('input[name=invited][value=dong-thinh]');
		await admin.click('input[name=invited][value=hai-luu]');
		await admin.click('form button[type=submit]');
		await admin.waitForSelector('[data-testid=join-links] li[data-unit=hai-luu] input');
		meetingId = /\/meetings\/([0-9a-f-]{36})$/.exec(new URL(admin.url()).pathname)![1]!;
		haiLuuLink = await admin.$eval('[data-testid=join-links] li[data-unit=hai-luu] input', (el) => el.value);
		expect(await admin.$$eval('[data-testid=join-links] li', (items) => items.map((li) => li.getAttribute('data-unit')).sort())).toEqual(['dong-thinh', 'hai-luu']);
	});

	it('chair and two communes join and receive each other’s audio and video', async () => {
		expect(haiLuuLink.startsWith(running.url)).toBe(true);
		await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
		await chair.waitForSelector('[data-testid=meeting-list] li');
		expect(await chair.$eval('[data-testid=meeting-list]', (el) => el.textContent)).toContain('Hội nghị giao ban trực tuyến');
		await chair.click('[data-testid=view-toggle]');
		expect(await chair.$eval('[data-testid=calendar]', (el) => el.textContent)).toContain('Hội nghị giao ban trực tuyến');
		await chair.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await enterRoom(chair);

		await signIn(dongThinh, running.url, 'dongthinh', accounts.get('dongthinh')!.password);
		await dongThinh.goto(`${running.url}/meetings/${meetingId}/room`, { waitUntil: 'networkidle0' });
		await enterRoom(dongThinh);

		await haiLuu.goto(haiLuuLink, { waitUntil: 'networkidle0' });
		await haiLuu.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
		expect(await unnamedControls(haiLuu), 'pre-join screen').toEqual([]);
		await enterRoom(haiLuu);

		for (const page of [chair, dongThinh, haiLuu]) {
			await page.waitForFunction(() => document.querySelectorAll('[data-testid=participants] li').length === 3, { timeout: 20000 });
		}
		const ids = {
			chair: await participantId(chair, 'Huyện Sông Lô'),
			dongThinh: await participantId(chair, 'Xã Đồng Thịnh'),
			haiLuu: await participantId(chair, 'Xã Hải Lựu'),
		};
		const pairs: [Page, string][] = [
			[chair, ids.dongThinh],
			[chair, ids.haiLuu],
			[dongThinh, ids.chair],
			[dongThinh, ids.haiLuu],
			[haiLuu, ids.chair],
			[haiLuu, ids.dongThinh],
		];
		// Media needs a moment after joining: wait until every pair flows, then measure growth.
		for (const [page, from] of pairs) {
			await waitForMedia(page, from);
		}
		for (const [page, from] of pairs) {
			const grown = await growth(page, from, 1500);
			expect(grown.audio, `audio from ${from}`).toBeGreaterThan(0);
			expect(grown.video, `video from ${from}`).toBeGreaterThan(0);
		}
		// Each site sees how its connection is doing (loopback: clean).
		await chair.waitForSelector('[data-testid=connection-quality][data-level=good]', { timeout: 10000 });
		expect(await chair.$eval('[data-testid=connection-quality]', (el) => el.textContent)).toBe('Kết nối tốt');
		// Every control has a name for screen readers, and the keyboard reaches the controls.
		expect(await unnamedControls(chair), 'chair’s conference screen').toEqual([]);
		expect(await unnamedControls(dongThinh), 'commune’s conference screen').toEqual([]);
		expect(await tabReaches(chair, '[data-testid=mute-all]')).toBe(true);
		expect(await tabReaches(dongThinh, '[data-testid=floor-request]')).toBe(true);
	});

	it('the chair mutes a commune and its audio stops reaching the others', async () => {
		const target = await participantId(chair, 'Xã Đồng Thịnh');
		await chair.click('[data-participant="Xã Đồng Thịnh"] [data-testid=mute]');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=muted]', { timeout: 10000 });
		await chair.waitForSelector('[data-participant="Xã Đồng Thịnh"][data-mic-muted=true]');
		await sleep(1000);
		const muted = await growth(haiLuu, target, 2500);
		expect(muted.audio).toBe(0);
		expect(muted.video).toBeGreaterThan(0);
	});

	it('a floor request is granted and the commune’s microphone is unmuted', async () => {
		const target = await participantId(chair, 'Xã Đồng Thịnh');
		await dongThinh.click('[data-testid=floor-request]');
		await chair.waitForSelector('[data-queued="Điểm cầu Xã Đồng Thịnh"]', { timeout: 10000 });
		await chair.click('[data-queued="Điểm cầu Xã Đồng Thịnh"] [data-testid=grant]');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=floor-granted]', { timeout: 10000 });
		await chair.waitForSelector('[data-participant="Xã Đồng Thịnh"][data-mic-muted=false]');
		await sleep(1000);
		const unmuted = await growth(haiLuu, target, 2500);
		expect(unmuted.audio).toBeGreaterThan(0);
		expect(await dongThinh.$eval('[data-testid=toggle-mic]', (el) => el.getAttribute('aria-pressed'))).toBe('false');
	});

	it('a commune reloads its page and is back in the meeting', async () => {
		await haiLuu.reload({ waitUntil: 'networkidle0' });
		await enterRoom(haiLuu);
		await chair.waitForFunction(() => document.querySelectorAll('[data-testid=participants] li').length === 3, { timeout: 20000 });
		const back = await participantId(chair, 'Xã Hải Lựu');
		await waitForMedia(chair, back);
		const attendance = await running.app.inject({
			url: `/api/meetings/${meetingId}/attendance`,
			headers: (await login(running.app, accounts, 'admin')).headers,
		});
		const haiLuuEvents = attendance.json<{ unitId: string; kind: string }[]>().filter((a) => a.unitId === 'hai-luu').map((a) => a.kind);
		expect(haiLuuEvents.slice(0, 3)).toEqual(['join', 'leave', 'join']);
	});

	it('a commune whose signalling connection drops rejoins by itself and its media flows again', async () => {
		const before = await participantId(chair, 'Xã Đồng Thịnh');
		await dongThinh.evaluate(() => (window as unknown as { __giaobanSocket: { io: { engine: { close: () => void } } } }).__giaobanSocket.io.engine.close());
		await dongThinh.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 30000 });
		await chair.waitForFunction(
			(old) => {
				const items = [...document.querySelectorAll('[data-testid=participants] li')];
				return items.length === 3 && (window as unknown as { __giaobanRoom: { snapshot: Snapshot } }).__giaobanRoom.snapshot.participants.every((p) => p.id !== old);
			},
			{ timeout: 30000 },
			before
		);
		const after = await participantId(chair, 'Xã Đồng Thịnh');
		await waitForMedia(chair, after);
	});

	it('a commune switches to audio only and back: its video stops and resumes, its audio keeps flowing', async () => {
		const site = await participantId(chair, 'Xã Hải Lựu');
		await haiLuu.click('[data-testid=toggle-audio-only]');
		await chair.waitForFunction(
			(id) => (window as unknown as { __giaobanRoom: { snapshot: { participants: { id: string; audioOnly: boolean }[] } } }).__giaobanRoom.snapshot.participants.find((p) => p.id === id)?.audioOnly === true,
			{ timeout: 10000 },
			site
		);
		await sleep(1000);
		const audioOnly = await growth(chair, site, 2000);
		expect(audioOnly.video).toBe(0);
		expect(audioOnly.audio).toBeGreaterThan(0);

		await haiLuu.click('[data-testid=toggle-audio-only]');
		await chair.waitForFunction(
			(id) =>
				(window as unknown as { __giaobanRoom: { receiveStats: () => Promise<Stats> } }).__giaobanRoom
					.receiveStats()
					.then(async (before) => {
						await new Promise((r) => setTimeout(r, 700));
						const after = await (window as unknown as { __giaobanRoom: { receiveStats: () => Promise<Stats> } }).__giaobanRoom.receiveStats();
						return (after[id]?.videoBytes ?? 0) > (before[id]?.videoBytes ?? 0);
					}),
			{ timeout: 20000, polling: 1000 },
			site
		);
	});

	it('a commune shares its screen: the chair sees it large, and it disappears when sharing stops', async () => {
		const site = await participantId(chair, 'Xã Đồng Thịnh');
		const sharing = (value: boolean) =>
			chair.waitForFunction(
				(id, want) => (window as unknown as { __giaobanRoom: { snapshot: { participants: { id: string; screenSharing: boolean }[] } } }).__giaobanRoom.snapshot.participants.find((p) => p.id === id)?.screenSharing === want,
				{ timeout: 15000 },
				site,
				value
			);
		await dongThinh.click('[data-testid=toggle-screen]');
		await sharing(true);
		await chair.waitForFunction(
			() => {
				const video = document.querySelector<HTMLVideoElement>('.tile.large[data-tile="Xã Đồng Thịnh"] video');
				return video !== null && video.videoWidth > 0;
			},
			{ timeout: 20000 }
		);
		await dongThinh.click('[data-testid=toggle-screen]');
		await sharing(false);
	});

	it('the mediasoup worker hosting the meeting dies: every site rejoins by itself and media flows again', async () => {
		const before = await snapshot(chair);
		const victim = running.app.workerPool.status().workers.find((w) => w.routers > 0 && w.alive)!;
		process.kill(victim.pid!, 'SIGKILL');
		// Every site is told (media:closed), rejoins into a fresh room on a live worker and gets new ids.
		await chair.waitForFunction(
			(old: string[]) => {
				const now = (window as unknown as { __giaobanRoom: { snapshot: Snapshot } }).__giaobanRoom.snapshot.participants;
				return now.length === 3 && now.every((p) => !old.includes(p.id));
			},
			{ timeout: 30000 },
			before.participants.map((p) => p.id)
		);
		const ids = {
			chair: await participantId(dongThinh, 'Huyện Sông Lô'),
			dongThinh: await participantId(chair, 'Xã Đồng Thịnh'),
			haiLuu: await participantId(chair, 'Xã Hải Lựu'),
		};
		await waitForFlowing(chair, ids.dongThinh);
		await waitForFlowing(chair, ids.haiLuu);
		await waitForFlowing(dongThinh, ids.chair);
		await waitForFlowing(haiLuu, ids.chair);
		expect(running.app.workerPool.status().workers.find((w) => w.index === victim.index)?.deaths).toBe(1);
	});

	it('the chair’s other controls work from the screen, and the meeting page shows attendance and actions afterwards', async () => {
		const micMuted = (unit: string, value: boolean) => chair.waitForSelector(`[data-participant="${unit}"][data-mic-muted=${String(value)}]`, { timeout: 10000 });
		const closed = (page: Page, reason: string) => page.waitForSelector(`[data-testid=room-state][data-state=closed][data-reason=${reason}]`, { timeout: 15000 });
		const knock = async () => {
			await haiLuu.reload({ waitUntil: 'networkidle0' });
			await haiLuu.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
			await haiLuu.click('[data-testid=enter-room]');
			await haiLuu.waitForSelector('[data-testid=room-state][data-state=waiting]', { timeout: 20000 });
			await chair.waitForSelector('[data-waiting="Xã Hải Lựu"]', { timeout: 10000 });
		};

		await chair.click('[data-testid=mute-all]');
		await micMuted('Xã Đồng Thịnh', true);
		await micMuted('Xã Hải Lựu', true);

		await chair.click('[data-participant="Xã Đồng Thịnh"] [data-testid=ask-unmute]');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=unmute-requested]', { timeout: 10000 });
		await dongThinh.click('[data-testid=notice-unmute]');
		await micMuted('Xã Đồng Thịnh', false);

		await chair.click('[data-testid=toggle-lock]');
		await chair.waitForFunction(() => (window as unknown as { __giaobanRoom: { snapshot: { locked: boolean } } }).__giaobanRoom.snapshot.locked, { timeout: 10000 });

		await chair.click('[data-participant="Xã Hải Lựu"] [data-testid=remove]');
		await closed(haiLuu, 'removed');
		await knock();
		await chair.click('[data-waiting="Xã Hải Lựu"] [data-testid=deny]');
		await closed(haiLuu, 'denied');
		await knock();
		await chair.click('[data-waiting="Xã Hải Lựu"] [data-testid=admit]');
		await haiLuu.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 30000 });
		await chair.waitForFunction(() => document.querySelectorAll('[data-testid=participants] li').length === 3, { timeout: 20000 });

		chair.once('dialog', (dialog) => void dialog.accept());
		await chair.click('[data-testid=end-meeting]');
		await Promise.all([closed(chair, 'ended'), closed(dongThinh, 'ended'), closed(haiLuu, 'ended')]);

		await chair.goto(`${running.url}/meetings/${meetingId}`, { waitUntil: 'networkidle0' });
		await chair.waitForSelector('[data-testid=attendance] tr');
		const attendance = await chair.$eval('[data-testid=attendance]', (el) => el.textContent ?? '');
		expect(attendance).toContain('Xã Hải Lựu');
		expect(attendance).toContain('(chủ trì mời ra)');
		expect(attendance).toContain('(cuộc họp kết thúc)');
		const actions = await chair.$eval('[data-testid=actions]', (el) => el.textContent ?? '');
		for (const words of ['Tắt micro tất cả', 'Mời bật micro', 'Khóa phòng họp', 'Mời điểm cầu ra', 'Từ chối vào phòng họp', 'Cho vào phòng họp', 'Kết thúc cuộc họp']) {
			expect(actions).toContain(words);
		}
	});
});
